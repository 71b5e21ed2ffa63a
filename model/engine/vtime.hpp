// Virtual time: every simulated thread has a clock in nanoseconds.
// A modelled kernel function costs what the cost table says (constant, per
// page, per section); the cost runs on one of `cpus` simulated CPUs, so
// threads that want more CPUs than there are queue up. A thread that blocks
// on a lock, completion or grace period waits until the thread that wakes it
// got there: its clock jumps to the waker's. The timing strategy always runs
// the enabled thread whose clock is earliest, so events happen in time order
// (a conservative discrete-event simulation on top of the same engine).
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/engine/event.hpp"
#include "model/engine/stacks.hpp"
#include "model/engine/strategy.hpp"
#include "model/support/spare_storage.hpp"

namespace mhp {

using Nanos = std::uint64_t;

struct Cost {
  double ns = 0;              // per call
  double per_page_ns = 0;     // times the pages the call covers
  double per_section_ns = 0;  // times the sections it covers
};

class VirtualTime {
 public:
  VirtualTime() : event_time(spare::take<Nanos>()) {}
  ~VirtualTime() { spare::give(event_time); }
  VirtualTime(const VirtualTime&) = delete;
  VirtualTime& operator=(const VirtualTime&) = delete;
  // cpus == 0: as many CPUs as threads (no queueing).
  void reset(unsigned threads, unsigned cpus);
  void set_cost(FnId fn, Cost c);
  const Cost* cost(FnId fn) const { return fn < costs_.size() && has_[fn] ? &costs_[fn] : nullptr; }
  // Runs `ns` of work on thread t: on the CPU free first, not before t's clock.
  void charge(ThreadId t, double ns);
  Nanos now(ThreadId t) const { return clock_[t]; }
  void delay(ThreadId t, Nanos start) { clock_[t] = std::max(clock_[t], start); }  // a later start, idle until then
  Nanos busy(ThreadId t) const { return busy_[t]; }

  // Engine hooks.
  void on_event(ThreadId t) { event_time.push_back(clock_[t]); }
  void on_block(ThreadId t) { blocked_at_[t] = clock_[t]; }
  void on_wake(ThreadId woken, ThreadId waker, ObjId obj);

  std::vector<Nanos> event_time;  // per event index: its thread's clock when it happened
  struct Wait {                   // one blocked episode, ended by a wake
    ThreadId thread, waker;
    ObjId obj;
    Nanos from, to;
  };
  std::vector<Wait> waits;

 private:
  std::vector<Nanos> clock_, busy_, blocked_at_, cpu_free_;
  std::vector<Cost> costs_;
  std::vector<bool> has_;
};

// Runs the enabled thread with the earliest clock (the running one on a tie,
// then the lowest id): deterministic, and events come in time order.
class TimingStrategy final : public Strategy {
 public:
  explicit TimingStrategy(const VirtualTime& vt) : vt_(vt) {}
  void begin_execution(std::uint64_t) override {}
  ThreadId choose(ThreadMask enabled, ThreadId current) override;

 private:
  const VirtualTime& vt_;
};

}  // namespace mhp
