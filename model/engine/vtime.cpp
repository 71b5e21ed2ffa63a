#include "model/engine/vtime.hpp"

#include <algorithm>
#include <cmath>

namespace mhp {

void VirtualTime::reset(unsigned threads, unsigned cpus) {
  clock_.assign(threads, 0);
  busy_.assign(threads, 0);
  blocked_at_.assign(threads, 0);
  cpu_free_.assign(cpus == 0 ? std::max(threads, 1u) : cpus, 0);
  event_time.clear();
  waits.clear();
}

void VirtualTime::set_cost(FnId fn, Cost c) {
  if (fn >= costs_.size()) {
    costs_.resize(fn + 1);
    has_.resize(fn + 1, false);
  }
  costs_[fn] = c;
  has_[fn] = true;
}

void VirtualTime::charge(ThreadId t, double ns) {
  if (ns <= 0) return;
  auto d = static_cast<Nanos>(std::llround(ns));
  // The CPU that went idle last before this thread's clock (its own, when it
  // just ran: a thread stays where it was); only if every CPU is busy then,
  // the one free first (list scheduling). Taking any idle CPU instead would
  // mark CPUs busy that a thread merely passed through.
  auto cpu = cpu_free_.end();
  for (auto it = cpu_free_.begin(); it != cpu_free_.end(); ++it)
    if (*it <= clock_[t] && (cpu == cpu_free_.end() || *it > *cpu)) cpu = it;
  if (cpu == cpu_free_.end()) cpu = std::min_element(cpu_free_.begin(), cpu_free_.end());
  Nanos start = std::max(clock_[t], *cpu);
  clock_[t] = start + d;
  *cpu = clock_[t];
  busy_[t] += d;
}

void VirtualTime::on_wake(ThreadId woken, ThreadId waker, ObjId obj) {
  Nanos from = blocked_at_[woken];
  Nanos to = std::max(clock_[woken], clock_[waker]);
  clock_[woken] = to;
  waits.push_back({woken, waker, obj, from, to});
}

ThreadId TimingStrategy::choose(ThreadMask enabled, ThreadId current) {
  ThreadId best = kNoThread;
  for (ThreadMask m = enabled; m; m &= m - 1) {
    ThreadId t = lowest_thread(m);
    if (best == kNoThread || vt_.now(t) < vt_.now(best)) best = t;
  }
  if (current != kNoThread && (enabled & thread_bit(current)) && vt_.now(current) == vt_.now(best)) return current;
  return best;
}

}  // namespace mhp
