#include "model/engine/strategy.hpp"

#include <utility>

namespace mhp {

void PctStrategy::begin_execution(std::uint64_t k) {
  rng_ = SplitMix64(execution_seed(seed_, k));
  step_ = 0;
  // distinct initial priorities depth .. depth+draws_-1 (a random permutation)
  std::uint32_t perm[kMaxThreads];
  for (unsigned i = 0; i < draws_; ++i) perm[i] = i;
  for (unsigned i = draws_ - 1; i > 0; --i) std::swap(perm[i], perm[rng_.below(i + 1)]);
  for (unsigned i = 0; i < draws_; ++i) prio_[i] = depth_ + perm[i];
  for (unsigned i = 0; i + 1 < depth_ && i < 8; ++i) change_[i] = 1 + rng_.next() % steps_;
}

ThreadId PctStrategy::choose(ThreadMask enabled, ThreadId current) {
  ++step_;
  for (unsigned i = 0; i + 1 < depth_ && i < 8; ++i)
    if (change_[i] == step_ && current != kNoThread) prio_[current] = i + 1;  // below every initial priority
  ThreadId best = kNoThread;
  for (ThreadMask m = enabled; m; m &= m - 1) {
    ThreadId t = lowest_thread(m);
    if (best == kNoThread || prio_[t] > prio_[best]) best = t;
  }
  return best;
}

void PosStrategy::begin_execution(std::uint64_t k) {
  rng_ = SplitMix64(execution_seed(seed_, k));
  announced_ = 0;
  for (unsigned i = 0; i < draws_; ++i) {
    prio_[i] = rng_.next();
    next_obj_[i] = 0;
    next_excl_[i] = false;
  }
}

ThreadId PosStrategy::choose(ThreadMask enabled, ThreadId) {
  ThreadId best = kNoThread;
  for (ThreadMask m = enabled; m; m &= m - 1) {
    ThreadId t = lowest_thread(m);
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
  // announced an object can match one (all the drawn ones if this event names
  // none: those past the scenario's threads too, to keep the draws).
  const ThreadMask drawn = draws_ >= 64 ? ~ThreadMask(0) : thread_bit(draws_) - 1;
  for (ThreadMask m = ev.obj ? announced_ : drawn; m; m &= m - 1) {
    unsigned u = lowest_thread(m);
    if (u != ev.thread && next_obj_[u] == ev.obj && (excl || next_excl_[u])) prio_[u] = rng_.next();
  }
  prio_[ev.thread] = rng_.next();
  next_obj_[ev.thread] = ev.obj;  // until its next choice point says more
  next_excl_[ev.thread] = excl;
  if (ev.obj) announced_ |= thread_bit(ev.thread);
}

ThreadId ReplayStrategy::choose(ThreadMask enabled, ThreadId) {
  if (pos_ >= sched_.choices.size()) {
    err_ = "schedule ends at choice " + std::to_string(pos_) + " but the execution goes on";
    return kNoThread;
  }
  ThreadId t = sched_.choices[pos_];
  if (t >= kMaxThreads || !(enabled & thread_bit(t))) {
    char mask[24];
    snprintf(mask, sizeof mask, "%llx", static_cast<unsigned long long>(enabled));
    err_ = "choice " + std::to_string(pos_) + " names thread " + std::to_string(t) +
           ", which is not enabled there (enabled mask 0x" + mask + ")";
    return kNoThread;
  }
  ++pos_;
  return t;
}

}  // namespace mhp
