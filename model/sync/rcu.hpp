// RCU (kernel/rcu/): rcu_read_lock() sections, synchronize_rcu(), which
// returns only after every reader that was inside a section when it started
// has left it -- the happens-before edge RCU gives -- and call_rcu(), whose
// callback runs after such a grace period. The model runs a callback at the
// earliest point the grace period allows: at once when no reader is inside a
// section, else in the context of the last of those readers to leave, as its
// rcu_read_unlock() returns (the kernel runs it later, from softirq; running it
// later only widens the window the callback closes).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "model/engine/execution.hpp"

namespace mhp {

class Rcu {
 public:
  using Callback = void (*)(void* arg);
  Rcu(Execution& ex, const std::string& name);
  void read_lock();
  void read_unlock();
  void synchronize();
  // No reader inside a section and no callback pending: call() would run at
  // once. The answer depends on the readers, so asking is an event on the
  // RCU object (a marked store: it orders against rcu_read_lock() for dpor
  // and the trie, and makes no happens-before edge).
  bool quiescent();
  // call_rcu(): true if `cb` ran at once (no reader was inside a section).
  bool call(Callback cb, void* arg);
  // Before each execution: no reader inside a section, no callback pending.
  void reset() {
    pending_.clear();
    depth_.fill(0);
    exits_.fill(0);
  }
  ObjId obj() const { return obj_; }
  // Whether thread t is inside a read-side section.
  bool reading(ThreadId t) const { return depth_[t] > 0; }

 private:
  struct Pending {
    Callback cb;
    void* arg;
    std::array<std::uint32_t, kMaxThreads> exits;  // exits_ of each reader at call time
    std::array<bool, kMaxThreads> waiting;
  };
  void run_expired();
  Execution& ex_;
  ObjId obj_;
  std::vector<Pending> pending_;  // in call order; each runs once its readers have left
  // Per thread: its section nesting, and how often it left its outermost
  // section (a grace period waits for a reader's count to change).
  std::array<int, kMaxThreads> depth_{};
  std::array<std::uint32_t, kMaxThreads> exits_{};
};

}  // namespace mhp
