#include "model/engine/strategy.hpp"

#include <utility>

namespace mhp {

void PctStrategy::begin_execution(std::uint64_t k) {
  rng_ = SplitMix64(execution_seed(seed_, k));
  step_ = 0;
  // distinct initial priorities depth .. depth+kMaxThreads-1 (a random permutation)
  std::uint32_t perm[kMaxThreads];
  for (unsigned i = 0; i < kMaxThreads; ++i) perm[i] = i;
  for (unsigned i = kMaxThreads - 1; i > 0; --i) std::swap(perm[i], perm[rng_.below(i + 1)]);
  for (unsigned i = 0; i < kMaxThreads; ++i) prio_[i] = depth_ + perm[i];
  for (unsigned i = 0; i + 1 < depth_ && i < 8; ++i) change_[i] = 1 + rng_.next() % steps_;
}

ThreadId PctStrategy::choose(ThreadMask enabled, ThreadId current) {
  ++step_;
  for (unsigned i = 0; i + 1 < depth_ && i < 8; ++i)
    if (change_[i] == step_ && current != kNoThread) prio_[current] = i + 1;  // below every initial priority
  ThreadId best = kNoThread;
  for (ThreadMask m = enabled; m; m &= m - 1) {
    auto t = static_cast<ThreadId>(__builtin_ctz(m));
    if (best == kNoThread || prio_[t] > prio_[best]) best = t;
  }
  return best;
}

void PosStrategy::begin_execution(std::uint64_t k) {
  rng_ = SplitMix64(execution_seed(seed_, k));
  announced_ = 0;
  for (unsigned i = 0; i < kMaxThreads; ++i) {
    prio_[i] = rng_.next();
    next_obj_[i] = 0;
    next_excl_[i] = false;
  }
}

ThreadId PosStrategy::choose(ThreadMask enabled, ThreadId) {
  ThreadId best = kNoThread;
  for (ThreadMask m = enabled; m; m &= m - 1) {
    auto t = static_cast<ThreadId>(__builtin_ctz(m));
    if (best == kNoThread || prio_[t] > prio_[best]) best = t;
  }
  return best;
}

void PosStrategy::observe(const Event& ev) {
  bool access = ev.kind == EvKind::Read || ev.kind == EvKind::Write || ev.kind == EvKind::Acquire ||
                ev.kind == EvKind::Release || ev.kind == EvKind::RefOp;
  if (!access || ev.thread >= kMaxThreads) return;
  bool excl = ev.kind != EvKind::Read && !(ev.kind == EvKind::Acquire && ev.mode == std::uint8_t(SyncSide::Shared));
  // The events racing with this one get new priorities: only threads that
  // announced an object can match one (all of them if this event names none).
  for (ThreadMask m = ev.obj ? announced_ : ThreadMask((1u << kMaxThreads) - 1); m; m &= m - 1) {
    unsigned u = unsigned(__builtin_ctz(m));
    if (u != ev.thread && next_obj_[u] == ev.obj && (excl || next_excl_[u])) prio_[u] = rng_.next();
  }
  prio_[ev.thread] = rng_.next();
  next_obj_[ev.thread] = ev.obj;  // until its next choice point says more
  next_excl_[ev.thread] = excl;
  if (ev.obj) announced_ |= ThreadMask(1u << ev.thread);
}

ThreadId ReplayStrategy::choose(ThreadMask enabled, ThreadId) {
  if (pos_ >= sched_.choices.size()) {
    err_ = "schedule ends at choice " + std::to_string(pos_) + " but the execution goes on";
    return kNoThread;
  }
  ThreadId t = sched_.choices[pos_];
  if (!(enabled & (1u << t))) {
    err_ = "choice " + std::to_string(pos_) + " names thread " + std::to_string(t) +
           ", which is not enabled there (enabled mask 0x" +
           [&] { char b[16]; snprintf(b, sizeof b, "%x", enabled); return std::string(b); }() + ")";
    return kNoThread;
  }
  ++pos_;
  return t;
}

}  // namespace mhp
