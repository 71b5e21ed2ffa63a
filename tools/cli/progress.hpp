// The progress line on stderr. On a terminal, one line rewritten in place
// twice a second; in a log (CI), a whole line every few seconds, so a long
// job shows it is alive without flooding the log. `--progress-every 0`
// turns the log lines off, `--no-progress` both. Reports never contain it.
#pragma once
#include <chrono>
#include <mutex>
#include <string>

namespace mhp {

struct ProgressConfig {
  bool enabled = true;
  std::chrono::milliseconds log_interval{10'000};  // 0: no lines in a log
};
// Set once by main() before anything runs.
void set_progress_config(const ProgressConfig& c);

class ProgressLine {
 public:
  // `wanted`: whether this site prints at all (one line for a whole corpus
  // run replaces its scenarios' lines).
  explicit ProgressLine(bool wanted);
  // Whether a line is due now; then print() it. Thread-safe: of racing
  // callers one gets true.
  bool due();
  void print(const std::string& text);
  // Ends the line: clears a terminal's, so reports start on a clean line.
  void clear();
  bool active() const { return on_; }

 private:
  bool on_ = false, tty_ = false, printed_ = false;
  std::chrono::milliseconds interval_{0};
  std::chrono::steady_clock::time_point last_;
  std::mutex mu_;
};

}  // namespace mhp
