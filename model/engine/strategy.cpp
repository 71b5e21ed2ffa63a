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
  for (unsigned i = 0; i < kMaxThreads; ++i) {
    prio_[i] = rng_.next();
    last_obj_[i] = 0;
    last_excl_[i] = false;
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
  bool access = ev.kind == EvKind::Read || ev.kind == EvKind::Write || ev.kind == EvKind::Acquire;
  if (!access || ev.thread >= kMaxThreads) return;
  bool excl = ev.kind == EvKind::Write || (ev.kind == EvKind::Acquire && ev.mode == std::uint8_t(SyncSide::Exclusive));
  for (unsigned u = 0; u < kMaxThreads; ++u)
    if (u != ev.thread && last_obj_[u] == ev.obj && (excl || last_excl_[u])) prio_[u] = rng_.next();
  prio_[ev.thread] = rng_.next();
  last_obj_[ev.thread] = ev.obj;
  last_excl_[ev.thread] = excl;
}

void DfsStrategy::observe(const Event& ev) {
  switch (ev.kind) {
    case EvKind::Read:
    case EvKind::SeqBegin:
    case EvKind::SeqRetry: seg_.push_back({ev.obj, false, ev.thread}); break;
    case EvKind::Write:
    case EvKind::Acquire:
    case EvKind::Release:
    case EvKind::RefOp: seg_.push_back({ev.obj, true, ev.thread}); break;
    default: break;
  }
}

bool DfsStrategy::independent(const Transition& a, const Transition& b) {
  for (const Access& x : a)
    for (const Access& y : b)
      if (x.thread == y.thread || (x.obj == y.obj && (x.excl || y.excl))) return false;
  return true;
}

ThreadId DfsStrategy::choose(ThreadMask enabled, ThreadId current) {
  if (sleep_ && pos_ > 0) {  // the transition the previous choice started ends here
    Node& prev = stack_[pos_ - 1];
    prev.trans[prev.chosen] = std::move(seg_);
  }
  seg_.clear();
  if (pos_ < stack_.size()) {  // replaying the prefix
    Node& n = stack_[pos_++];
    if (n.enabled != enabled || n.current != current) {
      err_ = "dfs: the model is not deterministic at choice " + std::to_string(pos_ - 1);
      return kNoThread;
    }
    return n.chosen;
  }
  Node n{enabled, current, 0, 0};
  if (sleep_ && pos_ > 0) {
    // A thread sleeps here if it slept or was tried at the parent before the
    // chosen one, and its transition there is independent of the chosen one.
    const Node& p = stack_[pos_ - 1];
    n.dead = p.dead;
    ThreadMask cand = (p.sleep | p.tried) & ~(1u << p.chosen);
    for (ThreadMask m = cand; m; m &= m - 1) {
      auto q = static_cast<ThreadId>(__builtin_ctz(m));
      if (independent(p.trans[q], p.trans[p.chosen])) {
        n.sleep |= 1u << q;
        n.trans[q] = p.trans[q];
      }
    }
  }
  ThreadMask awake = enabled & ~n.sleep;
  if (awake == 0) {  // every enabled thread sleeps: this execution only repeats a trace
    n.dead = true;
    redundant_ = true;
    awake = enabled;
  }
  ThreadId t = current != kNoThread && (awake & (1u << current)) ? current : static_cast<ThreadId>(__builtin_ctz(awake));
  n.chosen = t;
  n.tried = ThreadMask(1u << t);
  stack_.push_back(std::move(n));
  ++pos_;
  return t;
}

bool DfsStrategy::next() {
  if (sleep_ && pos_ > 0) {  // the execution's last transition ended with it
    Node& last = stack_[pos_ - 1];
    last.trans[last.chosen] = std::move(seg_);
    seg_.clear();
  }
  // preemptions used by the prefix above each node
  std::vector<unsigned> used(stack_.size() + 1, 0);
  for (std::size_t i = 0; i < stack_.size(); ++i) used[i + 1] = used[i] + preemption(stack_[i], stack_[i].chosen);
  while (!stack_.empty()) {
    std::size_t d = stack_.size() - 1;
    Node& n = stack_[d];
    if (n.dead) {
      stack_.pop_back();
      continue;
    }
    for (ThreadMask m = n.enabled & ~n.tried & ~n.sleep; m; m &= m - 1) {
      auto t = static_cast<ThreadId>(__builtin_ctz(m));
      n.tried |= 1u << t;
      if (used[d] + preemption(n, t) <= bound_) {
        n.chosen = t;
        return true;
      }
    }
    stack_.pop_back();
  }
  return false;
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
