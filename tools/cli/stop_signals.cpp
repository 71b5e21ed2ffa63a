#include "tools/cli/stop_signals.hpp"

#include <csignal>
#include <cstdint>

#include "model/support/stop_request.hpp"
#include "tools/cli/output_file.hpp"

namespace mhp {

namespace {

std::string g_limit_text;  // --time-limit as given, for the reports

extern "C" void on_stop_signal(int sig) {
  const StopReason r = sig == SIGINT ? StopReason::Interrupt : StopReason::Terminate;
  const StopReason before = request_stop(r);
  if (before == StopReason::Interrupt || before == StopReason::Terminate) {
    // the second signal: the user does not want the report of the first
    remove_output_temporaries();  // async-signal-safe
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  using std::chrono::milliseconds;
  constexpr std::uint64_t kMax = 30ull * 24 * 3600 * 1000;
  if (text.empty()) return std::nullopt;
  std::uint64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint64_t n = 0;
    const std::size_t digits = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      n = n * 10 + std::uint64_t(text[i] - '0');
      if (n > kMax) return std::nullopt;
    }
    if (i == digits) return std::nullopt;
    std::uint64_t unit;
    if (i == text.size()) {
      if (digits != 0) return std::nullopt;  // "1m30": the last number names no unit
      unit = 1000;
    } else if (text.compare(i, 2, "ms") == 0) {
      unit = 1, i += 2;
    } else if (text[i] == 's') {
      unit = 1000, ++i;
    } else if (text[i] == 'm') {
      unit = 60 * 1000, ++i;
    } else if (text[i] == 'h') {
      unit = 3600 * 1000, ++i;
    } else {
      return std::nullopt;
    }
    total += n * unit;
    if (total > kMax) return std::nullopt;
  }
  if (total == 0) return std::nullopt;
  return milliseconds(total);
}

RunStop::RunStop(std::optional<std::chrono::milliseconds> limit, const std::string& limit_text) {
  g_limit_text = limit_text;
  for (int s : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    sigaction(s, nullptr, &old);
    if (old.sa_handler == SIG_IGN) continue;  // nohup's choice
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(s, &sa, nullptr);
  }
  if (limit) {
    const auto deadline = std::chrono::steady_clock::now() + *limit;
    clock_ = std::thread([this, deadline] {
      std::unique_lock<std::mutex> g(mu_);
      if (!cv_.wait_until(g, deadline, [this] { return done_; })) request_stop(StopReason::TimeLimit);
    });
  }
}

RunStop::~RunStop() {
  {
    std::lock_guard<std::mutex> g(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (clock_.joinable()) clock_.join();
}

std::string stop_text() {
  switch (stop_requested()) {
    case StopReason::None: return "";
    case StopReason::Interrupt: return "interrupted by SIGINT";
    case StopReason::Terminate: return "interrupted by SIGTERM";
    case StopReason::TimeLimit: return "stopped by time limit (" + g_limit_text + ")";
  }
  return "";
}

int stop_exit_code(bool all_ok) {
  switch (stop_requested()) {
    case StopReason::Interrupt: return 130;
    case StopReason::Terminate: return 143;
    default: return all_ok ? 0 : 1;
  }
}

}  // namespace mhp
