// A request to end a run early: SIGINT or SIGTERM (tools/cli/stop_signals.cpp
// sets it from the signal handler) or --time-limit running out. The search
// loops poll it between executions and the engine at each choice point of an
// execution that may be cut (Execution::set_stoppable), so a run stops within
// a fraction of a second and reports what it found so far. One per process;
// a lock-free atomic, so the signal handler may set it.
#pragma once
#include <atomic>

namespace mhp {

enum class StopReason : int { None = 0, Interrupt = 1, Terminate = 2, TimeLimit = 3 };

inline std::atomic<int>& stop_request_word() {
  static std::atomic<int> word{0};
  return word;
}

inline StopReason stop_requested() {
  return static_cast<StopReason>(stop_request_word().load(std::memory_order_relaxed));
}
inline bool stopping() { return stop_requested() != StopReason::None; }

// A signal replaces the time limit as the reason (its exit code wins); the
// time limit never replaces a signal. Returns the reason before.
inline StopReason request_stop(StopReason r) {
  auto& w = stop_request_word();
  if (r == StopReason::TimeLimit) {
    int none = 0;
    w.compare_exchange_strong(none, static_cast<int>(r));
    return static_cast<StopReason>(none);
  }
  return static_cast<StopReason>(w.exchange(static_cast<int>(r)));
}

// Tests: forget a request.
inline void clear_stop_request() { stop_request_word().store(0); }

}  // namespace mhp
