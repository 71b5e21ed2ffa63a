// How `mhpsim run` stops early: SIGINT and SIGTERM request a stop
// (model/support/stop_request.hpp) and the run reports what it found so far,
// marked incomplete; a second signal ends the process at once, removing the
// temporary output files. --time-limit requests the same stop when its time
// runs out (a thread that sleeps until then).
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace mhp {

// "90s", "5m", "1h", "1500ms", "1h30m" (a bare number is seconds); nullopt
// unless the text is such a duration, above zero and at most 30 days.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

class RunStop {
 public:
  // Installs the SIGINT/SIGTERM handlers (keeping an ignored signal ignored,
  // as nohup asks) and starts the time limit's clock.
  RunStop(std::optional<std::chrono::milliseconds> limit, const std::string& limit_text);
  ~RunStop();  // ends the clock; the handlers stay (a signal now ends the process)
  RunStop(const RunStop&) = delete;
  RunStop& operator=(const RunStop&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread clock_;
};

// What a report says of a stopped run: "interrupted by SIGINT",
// "interrupted by SIGTERM", "stopped by time limit (90s)"; empty if no stop.
std::string stop_text();
// The exit code of a stopped run: 130 (SIGINT) and 143 (SIGTERM), as a shell
// reports a process a signal ended; after the time limit, as without one:
// 0 if every scenario's expectations hold in what ran, else 1.
int stop_exit_code(bool all_ok);

}  // namespace mhp
