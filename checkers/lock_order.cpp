#include "checkers/lock_order.hpp"

#include <algorithm>
#include <functional>

namespace mhp {

namespace {
const char* mode(bool read) { return read ? "read" : "write"; }
}  // namespace

void LockOrderChecker::learn_bits() {
  for (std::size_t b = class_of_bit_.size(); b < ex_.lock_count(); ++b) {
    const std::string& c = ex_.lock_class(static_cast<std::uint8_t>(b));
    auto it = std::find(classes_.begin(), classes_.end(), c);
    if (it == classes_.end()) it = classes_.insert(classes_.end(), c);
    class_of_bit_.push_back(static_cast<std::uint8_t>(it - classes_.begin()));
    gate_bit_.push_back(c == gate_);
  }
}

void LockOrderChecker::on_event(const Event& ev) {
  if (ev.kind != EvKind::Acquire) return;
  std::uint8_t bit = ex_.lock_bit(ev.obj);
  if (bit == kNoLockBit) return;  // a completion, seqcount section, ref: not a lock
  if (bit >= class_of_bit_.size()) learn_bits();
  const SimThread& t = ex_.threads()[ev.thread];
  const std::string& to = ex_.lock_class(bit);
  const unsigned to_class = class_of_bit_[bit];
  bool to_read = static_cast<SyncSide>(ev.mode) == SyncSide::Shared;
  bool gated = false;
  for (const HeldLock& h : t.held_list)
    if (gate_bit_[h.bit]) gated = true;
  // held_list already has this acquisition as its last entry
  for (std::size_t i = 0; i + 1 < t.held_list.size(); ++i) {
    const HeldLock& h = t.held_list[i];
    bool from_read = h.side == SyncSide::Shared;
    if (h.bit == bit) {
      if (ev.flags & kEvTrylock) continue;
      if (to_read && from_read && graph_.recursive_read().count(to)) continue;
      Finding f;
      f.kind = FindingKind::Lockorder;
      f.key = "lockorder/recursive/" + to;
      f.lock_cycle = {to};
      f.title = "WARNING: possible recursive locking detected";
      f.summary = "task " + t.name + " takes " + to + " (" + mode(to_read) + ") while holding it (" + mode(from_read) +
                  "): a writer waiting in between blocks it for good";
      FindingSide first;
      first.title = "holding " + ex_.objects().describe(ev.obj) + " (" + mode(from_read) + "), taken at:";
      first.stack = ex_.stacks().frames(h.acquired_at);
      f.sides.push_back(std::move(first));
      f.sides.push_back(side_at(ex_, ev, "task " + t.name + " (T" + std::to_string(t.id) + ") takes it again at:"));
      found_.push_back(std::move(f));
      continue;
    }
    if (ev.flags & kEvTrylock) continue;
    const unsigned from_class = class_of_bit_[h.bit];
    if (from_class == to_class) continue;  // two instances of one class (nested memory blocks): lockdep's subclasses
    LockEdge*& known = dep_by_class_[from_class * 64 + to_class];
    if (known) {
      if (!gated || gate_bit_[h.bit]) known->gated = false;
      if (logging_) log_.emplace_back(known, gated && !gate_bit_[h.bit]);
      continue;
    }
    const std::string& from = ex_.lock_class(h.bit);
    auto [it, fresh] = graph_.map().try_emplace({from, to});
    LockEdge& d = it->second;
    known = &d;
    if (logging_) log_.emplace_back(&d, gated && from != gate_);
    if (!fresh) {
      if (!gated || from == gate_) d.gated = false;
      continue;
    }
    unstamped_ = true;
    d.from = from;
    d.to = to;
    d.execution = LockGraph::kUnstamped;
    d.from_read = from_read;
    d.to_read = to_read;
    d.gated = gated && from != gate_;
    d.holder.title = "task " + t.name + " (T" + std::to_string(t.id) + ") holding " +
                     ex_.objects().describe(ex_.lock_obj(h.bit)) + " (" + mode(from_read) + "), taken at:";
    d.holder.stack = ex_.stacks().frames(h.acquired_at);
    d.taker = side_at(ex_, ev, "... took " + ex_.objects().describe(ev.obj) + " (" + mode(to_read) + ") at:");
  }
}

void LockOrderChecker::end_execution(std::uint64_t execution, const std::string& schedule) {
  unstamped_ = false;
  for (auto& [k, d] : graph_.map())
    if (d.execution == LockGraph::kUnstamped) {
      d.execution = execution;
      d.schedule = schedule;
    }
}

std::vector<LockOrderChecker::Recording> LockOrderChecker::take_recordings() {
  std::vector<Recording> out;
  std::vector<const LockEdge*> seen;
  for (const auto& [dep, gated] : log_) {
    auto at = std::find(seen.begin(), seen.end(), dep);
    if (at != seen.end()) {
      out[std::size_t(at - seen.begin())].gated &= gated;
      continue;
    }
    seen.push_back(dep);
    Recording r;
    r.from = dep->from;
    r.to = dep->to;
    r.has_edge = dep->execution == LockGraph::kUnstamped;  // first met in this execution
    if (r.has_edge) r.edge = {dep->from, dep->to, dep->from_read, dep->to_read, false, 0, "", dep->holder, dep->taker};
    r.gated = gated;
    out.push_back(std::move(r));
  }
  log_.clear();
  for (auto& [k, d] : graph_.map())
    if (d.execution == LockGraph::kUnstamped) d.execution = 0;
  unstamped_ = false;
  return out;
}

void LockOrderChecker::forget() {
  graph_.clear();
  std::fill(dep_by_class_.begin(), dep_by_class_.end(), nullptr);
  log_.clear();
  unstamped_ = false;
}

void LockOrderChecker::take(const std::vector<Recording>& recs, std::uint64_t execution,
                            const std::function<std::string()>& schedule) {
  for (const Recording& r : recs) {
    auto [it, fresh] = graph_.map().try_emplace({r.from, r.to});
    LockEdge& d = it->second;
    if (!fresh) {
      d.gated = d.gated && r.gated;
      continue;
    }
    d.from = r.from;
    d.to = r.to;
    d.from_read = r.edge.from_read;
    d.to_read = r.edge.to_read;
    d.gated = r.gated;
    d.holder = r.edge.holder;
    d.taker = r.edge.taker;
    d.execution = execution;
    d.schedule = schedule();
  }
}

}  // namespace mhp
