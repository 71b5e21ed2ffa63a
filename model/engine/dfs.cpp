#include "model/engine/dfs.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <unordered_map>

namespace mhp {

Reduction parse_reduction(const std::string& s) {
  if (s == "none") return Reduction::None;
  if (s == "sleep") return Reduction::Sleep;
  if (s == "dpor") return Reduction::Dpor;
  throw std::invalid_argument("unknown reduction '" + s + "' (none, sleep, dpor)");
}

const char* reduction_name(Reduction r) {
  switch (r) {
    case Reduction::None: return "none";
    case Reduction::Sleep: return "sleep";
    case Reduction::Dpor: return "dpor";
  }
  return "?";
}

void DfsStrategy::observe(const Event& ev) {
  if (ev.flags & kEvPrivate) return;  // depends on no other thread's event
  const ObjId obj = objects_ ? objects_->conflict_key(ev.obj) : ev.obj;
  const Touch touch = objects_ ? objects_->touch(ev) : touch_of(ev.kind, ev.mode);
  if (touch == Touch::None) return;
  std::uint8_t wait = 0;
  if (skip_waiters_ && (ev.kind == EvKind::Acquire || ev.kind == EvKind::Release) &&
      objects_->wait_of(ev.obj) != ObjectRegistry::Wait::None)
    wait = ev.kind == EvKind::Acquire ? kTake : kGive;
  seg_.push_back({obj, touch == Touch::Exclusive, ev.thread, wait});
}

bool DfsStrategy::independent(const Transition& a, const Transition& b) {
  for (const Access& x : a)
    for (const Access& y : b)
      if (x.thread == y.thread || (x.obj == y.obj && (x.excl || y.excl))) return false;
  return true;
}

DfsStrategy::Node& DfsStrategy::Path::push(ThreadMask enabled, ThreadId current) {
  if (n_ == v_.size()) v_.emplace_back();
  Node& n = v_[n_++];
  for (ThreadMask m = n.filled; m; m &= m - 1) n.trans[lowest_thread(m)].clear();
  n.enabled = enabled;
  n.current = current;
  n.chosen = 0;
  n.tried = n.sleep = n.backtrack = n.filled = 0;
  n.dead = false;
  n.spine = false;
  return n;
}

void DfsStrategy::close_transition() {
  if (red_ != Reduction::None && pos_ > 0) {
    Node& prev = stack_[pos_ - 1];
    prev.trans_of(prev.chosen).swap(seg_);  // seg_ keeps the old buffer for the next transition
    prev.filled |= thread_bit(prev.chosen);
  }
  seg_.clear();
}

ThreadId DfsStrategy::choose(ThreadMask enabled, ThreadId current) {
  close_transition();
  // The threads that could go on; if none could (every one would block: a
  // deadlock), one of them, to let the engine see it.
  const ThreadMask go = enabled & ready_;
  enabled = go ? go : thread_bit(lowest_thread(enabled));
  ready_ = ~ThreadMask(0);
  if (pos_ < stack_.size()) {  // replaying the prefix
    Node& n = stack_[pos_++];
    if (n.enabled != enabled || n.current != current) {
      err_ = "dfs: the model is not deterministic at choice " + std::to_string(pos_ - 1);
      return kNoThread;
    }
    return n.chosen;
  }
  Node& n = stack_.push(enabled, current);
  if (split_) {
    // The spine: the root, and each node the first thread tried at a spine
    // node leads to. A branch off it roots a piece.
    const Node* parent = pos_ > 0 ? &stack_[pos_ - 1] : nullptr;
    const bool off = !parent || parent->spine;
    n.spine = shards_ > 1 && (!parent || (parent->spine && std::popcount(parent->tried) == 1));
    if (off && !n.spine) meet_piece();
  }
  if (sleep_sets_ && pos_ > 0) {
    // A thread sleeps here if it slept or was tried at the parent before the
    // chosen one, and its transition there is independent of the chosen one.
    const Node& p = stack_[pos_ - 1];
    n.dead = p.dead;
    ThreadMask cand = (p.sleep | p.tried) & ~thread_bit(p.chosen);
    for (ThreadMask m = cand; m; m &= m - 1) {
      ThreadId q = lowest_thread(m);
      if (independent(p.trans_at(q), p.trans_at(p.chosen))) {
        n.sleep |= thread_bit(q);
        n.trans_of(q) = p.trans_at(q);
        n.filled |= thread_bit(q);
      }
    }
  }
  ThreadMask awake = enabled & ~n.sleep;
  if (awake == 0) {  // every enabled thread sleeps: this execution only repeats a trace
    n.dead = true;
    redundant_ = true;
    awake = enabled;
  }
  ThreadId t = current != kNoThread && (awake & thread_bit(current)) ? current : lowest_thread(awake);
  n.chosen = t;
  n.tried = thread_bit(t);
  // a spine node tries every thread
  n.backtrack = n.spine ? n.enabled : n.tried;
  ++pos_;
  return t;
}

DfsStrategy::Run& DfsStrategy::add_run(ThreadId thread, bool chosen, std::size_t node, std::uint32_t seq) {
  if (nruns_ == runs_.size()) runs_.emplace_back();
  Run& r = runs_[nruns_++];
  r.thread = thread;
  r.chosen = chosen;
  r.node = node;
  r.seq = seq;
  r.acc.clear();
  return r;
}

void DfsStrategy::add_backtracks() {
  // 1. Cut the execution into runs.
  nruns_ = 0;
  std::array<std::uint32_t, kMaxThreads> seq{};
  unsigned nt = 0;  // threads 0..nt-1 appear: vector clocks are compared that far
  for (std::size_t k = 0; k < stack_.size(); ++k) {
    const Node& n = stack_[k];
    const Transition& tr = n.trans_at(n.chosen);
    add_run(n.chosen, true, k, ++seq[n.chosen]);
    nt = std::max(nt, unsigned(n.chosen) + 1);
    bool forced = false;
    for (const Access& a : tr) {
      nt = std::max(nt, unsigned(a.thread) + 1);
      // A forced thread's accesses are each their own step: the race with
      // its first conflicting access must stay immediate.
      forced = forced || a.thread != n.chosen;
      if (forced) add_run(a.thread, false, k, ++seq[a.thread]);
      auto& acc = runs_[nruns_ - 1].acc;
      auto it = std::find_if(acc.begin(), acc.end(), [&](const Run::Acc& p) { return p.obj == a.obj; });
      if (it == acc.end()) {
        acc.push_back({a.obj, a.excl, a.wait});
      } else {
        it->excl |= a.excl;
        it->wait |= a.wait;
      }
    }
  }
  // 2. Happens-before (program order plus dependence) by vector clocks, and
  // the races: a dependent earlier run of another thread that no other
  // predecessor is ordered after.
  if (!hist_sized_ && objects_) hist_.direct(objects_->size());
  hist_sized_ = true;
  hist_.clear();
  std::vector<Run>& runs = runs_;
  std::array<long, kMaxThreads> last_of{};
  last_of.fill(-1);
  std::vector<long>& preds = preds_;
  std::vector<std::uint8_t>& dep = dep_;  // preds[i] is a dependence (not program order)
  // preds[i]'s race with r, when it is only a wait's: kRace (an ordinary
  // race), kNoRace (a task's exit before its waiter), or the run whose take
  // of the mutex preds[i] released (the race to reverse instead)
  constexpr long kRace = -1, kNoRace = -2;
  std::vector<long>& via = via_;
  for (std::size_t j = 0; j < nruns_; ++j) {
    Run& r = runs[j];
    std::fill_n(r.vc.begin(), nt, 0);
    preds.clear();
    dep.clear();
    via.clear();
    // One entry per (run, reason): a run that r depends on for an ordinary
    // access and through a mutex races with r both ways.
    auto add = [&](long i, bool d, long v) {
      for (std::size_t x = 0; x < preds.size(); ++x) {
        if (preds[x] != i) continue;
        if (!dep[x]) {  // program order only so far
          dep[x] = d;
          via[x] = v;
          return;
        }
        if (!d || via[x] == v) return;
      }
      preds.push_back(i);
      dep.push_back(d);
      via.push_back(v);
    };
    if (last_of[r.thread] >= 0) add(last_of[r.thread], false, kRace);
    for (const Run::Acc& a : r.acc) {
      const ObjHistory* h = hist_.find(a.obj);
      if (!h) continue;
      if (h->last_excl >= 0) {
        long v = kRace;
        const Run& u = runs[h->last_excl];
        if ((a.wait & kTake) && (h->last_wait & kGive) && u.thread != r.thread) {
          if (objects_->wait_of(a.obj) == ObjectRegistry::Wait::CompletionAll) {
            v = kNoRace;
          } else {
            for (const auto& [t, k] : h->takes)
              if (t == u.thread) v = k;
          }
        }
        add(h->last_excl, true, v);
      }
      if (a.excl)
        for (long i : h->reads) add(i, true, kRace);
    }
    for (long i : preds)
      for (unsigned t = 0; t < nt; ++t) r.vc[t] = std::max(r.vc[t], runs[i].vc[t]);
    r.vc[r.thread] = r.seq;
    for (std::size_t x = 0; x < preds.size(); ++x) {
      if (!dep[x] || via[x] == kNoRace) continue;
      // a mutex's unlock before r's lock: the race is with the holder's lock
      const long ei = via[x] >= 0 ? via[x] : preds[x];
      const Run& e = runs[ei];
      if (e.thread == r.thread || !e.chosen) continue;
      bool immediate = true;
      for (long k : preds)
        if (k != preds[x] && runs[k].vc[e.thread] >= e.seq) immediate = false;
      if (!immediate) continue;
      if (bound_ != kUnbounded && e.node > 0) {
        // BPOR: r's thread also at the last switch before e, in case
        // reversing the race right at e's node costs a preemption the bound
        // forbids (a switch there costs no more than the one already made)
        const std::size_t c = last_switch_before(e.node);
        if (c < floor_)
          adds_.push_back({std::uint32_t(c), false, r.thread, 0});
        else
          add_bpor(stack_[c], r.thread);
      }
      Node& n = stack_[e.node];
      // Every enabled thread asked for at e's node already: the race adds
      // nothing whatever its initials (below), so they are not computed. A
      // subtree search cannot tell for a node above its root (the owner's
      // node may have fewer), so it always computes them there.
      const bool mine = e.node >= floor_;
      if (mine && (n.backtrack & n.enabled) == n.enabled) continue;
      // 3. The initials of notdep(e).r at e's node: the first run of each
      // thread among the runs after e not ordered after it (then r), that
      // nothing earlier in that sequence is ordered before.
      ThreadMask initials = 0, seen = 0;
      std::array<std::uint32_t, kMaxThreads> first;  // seq of each thread's first run in v
      std::fill_n(first.begin(), nt, 0);
      auto consider = [&](const Run& v) {
        if (!(seen & thread_bit(v.thread))) {
          bool initial = true;
          for (unsigned t = 0; t < nt; ++t)
            if (t != v.thread && first[t] && v.vc[t] >= first[t]) initial = false;
          if (initial) initials |= thread_bit(v.thread);
          seen |= thread_bit(v.thread);
          first[v.thread] = v.seq;
        }
      };
      for (std::size_t v = static_cast<std::size_t>(ei) + 1; v < j; ++v)
        if (runs[v].vc[e.thread] < e.seq) consider(runs[v]);
      consider(r);
      if (mine)
        add_source(n, initials);
      else
        adds_.push_back({std::uint32_t(e.node), true, 0, initials});
    }
    last_of[r.thread] = static_cast<long>(j);
    for (const Run::Acc& a : r.acc) {
      ObjHistory& h = hist_.get(a.obj, [](ObjHistory& fresh) {
        fresh.last_excl = -1;
        fresh.last_wait = 0;
        fresh.reads.clear();
        fresh.takes.clear();
      });
      if (a.wait & kTake) {
        auto it = std::find_if(h.takes.begin(), h.takes.end(), [&](const auto& p) { return p.first == r.thread; });
        if (it == h.takes.end())
          h.takes.emplace_back(r.thread, static_cast<long>(j));
        else
          it->second = static_cast<long>(j);
      }
      if (a.excl) {
        h.last_excl = static_cast<long>(j);
        h.last_wait = a.wait;
        h.reads.clear();
      } else if (h.reads.empty() || h.reads.back() != static_cast<long>(j)) {
        h.reads.push_back(static_cast<long>(j));
      }
    }
  }
}

void DfsStrategy::add_source(Node& n, ThreadMask initials) {
  if ((n.backtrack & n.enabled) == n.enabled || (initials & n.backtrack)) return;
  ThreadMask cand = initials & n.enabled;
  if (cand == 0) {
    n.backtrack |= n.enabled;  // not reversible right there: try every thread (classic DPOR)
  } else {
    ThreadMask awake = cand & ~n.sleep;
    n.backtrack |= thread_bit(lowest_thread(awake ? awake : cand));
  }
}

void DfsStrategy::add_bpor(Node& c, ThreadId t) { c.backtrack |= (c.enabled >> t & 1) ? thread_bit(t) : c.enabled; }

std::size_t DfsStrategy::last_switch_before(std::size_t i) const {
  while (i > 0) {
    const Node& n = stack_[--i];
    if (n.current == kNoThread || n.chosen != n.current) return i;
  }
  return 0;
}

bool DfsStrategy::next() {
  close_transition();  // the execution's last transition ended with it
  adds_.clear();
  if (!owned()) {
    // Another shard's piece, met: nothing of it is searched here. The
    // search goes on at the spine.
    std::size_t d = 0;
    while (d < stack_.size() && stack_[d].spine) ++d;
    while (stack_.size() > d) stack_.pop_back();
    return advance();
  }
  if (red_ == Reduction::Dpor) add_backtracks();
  return advance();
}

void DfsStrategy::split(std::uint64_t shard, std::uint64_t shards) {
  split_ = true;
  shard_ = shard;
  shards_ = shards;
}

void DfsStrategy::meet_piece() {
  owned_ = pieces_ % shards_ == shard_;
  pieces_owned_ += owned_;
  ++pieces_;
  piece_known_ = true;
}

bool DfsStrategy::owned() {
  if (!piece_known_) meet_piece();  // the execution ended above the cut: a piece of its own
  return owned_;
}

bool DfsStrategy::advance() {
  // preemptions used by the prefix above each node
  std::vector<unsigned>& used = used_;
  used.assign(stack_.size() + 1, 0);
  for (std::size_t i = 0; i < stack_.size(); ++i) used[i + 1] = used[i] + preemption(stack_[i], stack_[i].chosen);
  while (stack_.size() > floor_) {
    std::size_t d = stack_.size() - 1;
    Node& n = stack_[d];
    if (n.dead) {
      stack_.pop_back();
      continue;
    }
    ThreadMask todo = (red_ == Reduction::Dpor ? n.backtrack : n.enabled) & n.enabled & ~n.tried & ~n.sleep;
    for (ThreadMask m = todo; m; m &= m - 1) {
      ThreadId t = lowest_thread(m);
      n.tried |= thread_bit(t);
      const unsigned need = used[d] + preemption(n, t);
      if (need <= (bounded() ? round_ : bound_)) {
        n.chosen = t;
        return true;
      }
      if (need <= bound_) needs_next_round_ = true;
    }
    stack_.pop_back();
  }
  if (floor_ || !bounded() || !needs_next_round_) return false;  // a subtree() has no rounds of its own
  ++round_;  // the round just searched is complete: the next one starts at the root
  needs_next_round_ = false;
  pieces_ = pieces_owned_ = 0;  // a split search meets the pieces again, within the new bound
  return true;
}

unsigned DfsStrategy::preemptions() const {
  unsigned p = 0;
  for (const Node& n : stack_) p += preemption(n, n.chosen);
  return p;
}

void DfsStrategy::prefix(std::vector<ThreadId>& out) const {
  out.clear();
  for (const Node& n : stack_) out.push_back(n.chosen);
}

void DfsStrategy::pending_branches(std::vector<std::pair<std::size_t, ThreadId>>& out) const {
  out.clear();
  unsigned used = 0;
  for (std::size_t d = floor_; d < stack_.size(); ++d) {
    const Node& n = stack_[d];
    // With sleep sets the subtree depends on the transitions of the threads
    // the node tried: not before the last node's new branch has run.
    const bool known = !sleep_sets_ || ((n.tried | n.sleep) & ~n.filled) == 0;
    // A split search lends only inside its piece: a branch off the spine
    // roots a piece that may be another shard's.
    const bool in_piece = !n.spine;
    if (!n.dead && known && in_piece) {
      ThreadMask todo = (red_ == Reduction::Dpor ? n.backtrack : n.enabled) & n.enabled & ~n.tried & ~n.sleep;
      for (ThreadMask m = todo; m; m &= m - 1) {
        ThreadId t = lowest_thread(m);
        if (used + preemption(n, t) > (bounded() ? round_ : bound_)) continue;
        out.emplace_back(d, t);
        // With sleep sets only the node's next thread: the search tries the
        // lower ones first, so a later one's root would not match.
        if (sleep_sets_) break;
      }
    }
    used += preemption(n, n.chosen);
  }
}

void DfsStrategy::copy_node(const Node& from, Node& to, bool with_trans) const {
  to.chosen = from.chosen;
  to.tried = from.tried;
  to.sleep = from.sleep;
  to.backtrack = from.backtrack;
  to.dead = from.dead;
  to.spine = from.spine;
  if (!with_trans) return;
  to.filled = from.filled;
  for (ThreadMask m = from.filled; m; m &= m - 1) to.trans_of(lowest_thread(m)) = from.trans_at(lowest_thread(m));
}

DfsStrategy DfsStrategy::subtree(std::size_t d, ThreadId t) const {
  DfsStrategy s(bound_, red_, objects_);
  s.round_ = round_;
  s.floor_ = d + 1;
  // lent inside a split search's piece (pending_branches()): its nodes are off the spine too
  s.split_ = split_;
  s.shard_ = shard_;
  s.shards_ = shards_;
  // Above the root only what replaying the prefix needs: each execution
  // there records every node's transition again. At the root, the tried and
  // sleeping threads' transitions, for the sleep sets below it.
  for (std::size_t k = 0; k <= d; ++k) {
    const Node& from = stack_[k];
    copy_node(from, s.stack_.push(from.enabled, from.current), k == d);
  }
  Node& n = s.stack_[d];
  n.chosen = t;
  n.tried |= thread_bit(t);
  return s;
}

std::size_t DfsStrategy::take_root(const DfsStrategy& sub) {
  const std::size_t d = sub.floor_ - 1;
  Node& n = stack_[d];
  const ThreadId t = n.chosen;
  if (sub.stack_[d].filled >> t & 1) {  // the root's transition, for its later siblings' sleep sets
    n.trans_of(t) = sub.stack_[d].trans_at(t);
    n.filled |= thread_bit(t);
  }
  needs_next_round_ = needs_next_round_ || sub.needs_next_round_;
  seg_.clear();
  pos_ = 0;
  return d;
}

bool DfsStrategy::after_subtree(const DfsStrategy& sub) {
  take_root(sub);
  return advance();
}

void DfsStrategy::adopt(const DfsStrategy& sub) {
  for (std::size_t k = take_root(sub) + 1; k < sub.stack_.size(); ++k) {
    const Node& from = sub.stack_[k];
    copy_node(from, stack_.push(from.enabled, from.current), true);
  }
}

void DfsStrategy::apply(const std::vector<Addition>& adds) {
  for (const Addition& a : adds) {
    if (a.race)
      add_source(stack_[a.node], a.initials);
    else
      add_bpor(stack_[a.node], a.thread);
  }
}

bool DfsStrategy::repeat() const { return bounded() && round_ > 0 && preemptions() < round_; }

}  // namespace mhp
