#include "tools/cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace mhp {

namespace {
ProgressConfig g_config;
}

void set_progress_config(const ProgressConfig& c) { g_config = c; }

ProgressLine::ProgressLine(bool wanted) : last_(std::chrono::steady_clock::now()) {
  tty_ = isatty(2);
  interval_ = tty_ ? std::chrono::milliseconds(500) : g_config.log_interval;
  on_ = wanted && g_config.enabled && interval_.count() > 0;
}

bool ProgressLine::due() {
  if (!on_) return false;
  std::unique_lock<std::mutex> g(mu_, std::try_to_lock);
  if (!g.owns_lock()) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval_) return false;
  last_ = now;
  return true;
}

void ProgressLine::print(const std::string& text) {
  if (!on_) return;
  if (tty_) {
    std::fprintf(stderr, "\r%s   ", text.c_str());
  } else {
    std::fprintf(stderr, "mhpsim: progress: %s\n", text.c_str());
  }
  printed_ = true;
}

void ProgressLine::clear() {
  if (on_ && tty_ && printed_) std::fprintf(stderr, "\r%100s\r", "");
  printed_ = false;
}

}  // namespace mhp
