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
      if (to_read && from_read && recursive_read_.count(to)) continue;
      Finding f;
      f.kind = FindingKind::Lockorder;
      f.key = "lockorder/recursive/" + to;
      f.lock_cycle = {to};
      f.title = "WARNING: possible recursive locking detected";
      f.summary = "task " + t.name + " takes " + to + " (" + mode(to_read) + ") while holding it (" +
                  mode(from_read) + "): a writer waiting in between blocks it for good";
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
    Dep*& known = dep_by_class_[from_class * 64 + to_class];
    if (known) {
      if (!gated || gate_bit_[h.bit]) known->gated = false;
      if (logging_) log_.emplace_back(known, gated && !gate_bit_[h.bit]);
      continue;
    }
    const std::string& from = ex_.lock_class(h.bit);
    auto [it, fresh] = deps_.try_emplace({from, to});
    Dep& d = it->second;
    known = &d;
    if (logging_) log_.emplace_back(&d, gated && from != gate_);
    if (!fresh) {
      if (!gated || from == gate_) d.gated = false;
      continue;
    }
    unstamped_ = true;
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
  for (auto& [k, d] : deps_)
    if (d.execution == UINT64_MAX) {
      d.execution = execution;
      d.schedule = schedule;
    }
}

void LockOrderChecker::merge_from(const LockOrderChecker& other) {
  for (const auto& [k, d] : other.deps_) {
    auto it = deps_.find(k);
    if (it == deps_.end()) {
      deps_.emplace(k, d);
      continue;
    }
    bool gated = it->second.gated && d.gated;
    if (d.execution < it->second.execution) it->second = d;
    it->second.gated = gated;
  }
}

std::vector<LockEdge> LockOrderChecker::edges() const {
  std::vector<LockEdge> out;
  for (const auto& [k, d] : deps_)
    out.push_back({k.first, k.second, d.from_read, d.to_read, d.gated, d.execution, d.schedule, d.holder, d.taker});
  return out;
}

void LockOrderChecker::add_edge(const LockEdge& e) {
  Dep d;
  d.from_read = e.from_read;
  d.to_read = e.to_read;
  d.gated = e.gated;
  d.holder = e.holder;
  d.taker = e.taker;
  d.execution = e.execution;
  d.schedule = e.schedule;
  auto it = deps_.find({e.from, e.to});
  if (it == deps_.end()) {
    deps_.emplace(std::make_pair(e.from, e.to), std::move(d));
    return;
  }
  bool gated = it->second.gated && d.gated;
  if (d.execution < it->second.execution) it->second = std::move(d);
  it->second.gated = gated;
}

std::vector<LockOrderChecker::Recording> LockOrderChecker::take_recordings() {
  std::vector<Recording> out;
  std::vector<const Dep*> seen;
  for (const auto& [dep, gated] : log_) {
    auto at = std::find(seen.begin(), seen.end(), dep);
    if (at != seen.end()) {
      out[std::size_t(at - seen.begin())].gated &= gated;
      continue;
    }
    seen.push_back(dep);
    Recording r;
    for (const auto& [k, d] : deps_)
      if (&d == dep) {
        r.from = k.first;
        r.to = k.second;
        if (d.execution == UINT64_MAX)  // first met in this execution
          r.edge = {k.first, k.second, d.from_read, d.to_read, false, 0, "", d.holder, d.taker};
        r.has_edge = d.execution == UINT64_MAX;
        break;
      }
    r.gated = gated;
    out.push_back(std::move(r));
  }
  log_.clear();
  for (auto& [k, d] : deps_)
    if (d.execution == UINT64_MAX) d.execution = 0;
  unstamped_ = false;
  return out;
}

void LockOrderChecker::forget() {
  deps_.clear();
  std::fill(dep_by_class_.begin(), dep_by_class_.end(), nullptr);
  log_.clear();
  unstamped_ = false;
}

void LockOrderChecker::take(const std::vector<Recording>& recs, std::uint64_t execution,
                            const std::function<std::string()>& schedule) {
  for (const Recording& r : recs) {
    auto [it, fresh] = deps_.try_emplace({r.from, r.to});
    Dep& d = it->second;
    if (!fresh) {
      d.gated = d.gated && r.gated;
      continue;
    }
    d.from_read = r.edge.from_read;
    d.to_read = r.edge.to_read;
    d.gated = r.gated;
    d.holder = r.edge.holder;
    d.taker = r.edge.taker;
    d.execution = execution;
    d.schedule = schedule();
  }
}

namespace {

// lockdep's print_circular_lock_scenario(): the closing dependency (target
// held, source taken: cyc[k] -> cyc[k+1]) on CPU0 against the chain's last
// link (parent -> target) on CPU1; a longer cycle first shows its chain.
std::vector<std::string> unsafe_scenario(const std::vector<std::string>& cyc, std::size_t k, bool target_read,
                                         bool source_read) {
  const std::size_t n = cyc.size();
  const std::string& target = cyc[k];
  const std::string& source = cyc[(k + 1) % n];
  const std::string& parent = cyc[(k + n - 1) % n];
  std::vector<std::string> o;
  if (parent != source) o.insert(o.end(), {"Chain exists of:", "  " + source + " --> " + parent + " --> " + target, ""});
  const std::string cpu1(31, ' ');
  o.insert(o.end(), {" Possible unsafe locking scenario:", "", "       CPU0                    CPU1",
                     "       ----                    ----", std::string(target_read ? "  rlock(" : "  lock(") + target + ");",
                     cpu1 + "lock(" + parent + ");", cpu1 + "lock(" + target + ");",
                     std::string(source_read ? "  rlock(" : "  lock(") + source + ");", "", " *** DEADLOCK ***"});
  return o;
}

}  // namespace

std::vector<Finding> LockOrderChecker::cycles() const {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [k, d] : deps_) out[k.first].push_back(k.second);
  std::vector<std::vector<std::string>> found;
  // Elementary cycles, each found once from its smallest class.
  std::vector<std::string> path;
  std::set<std::string> on_path;
  std::function<void(const std::string&, const std::string&)> dfs = [&](const std::string& start,
                                                                          const std::string& at) {
    auto it = out.find(at);
    if (it == out.end()) return;
    for (const auto& next : it->second) {
      if (next == start) {
        found.push_back(path);
        continue;
      }
      if (next < start || on_path.count(next) || path.size() >= 6) continue;
      path.push_back(next);
      on_path.insert(next);
      dfs(start, next);
      on_path.erase(next);
      path.pop_back();
    }
  };
  for (const auto& [node, succ] : out) {
    path = {node};
    on_path = {node};
    dfs(node, node);
  }
  std::vector<Finding> res;
  for (const auto& cyc : found) {
    std::vector<const Dep*> deps;
    bool recursive_break = false;
    std::size_t gated = 0;
    for (std::size_t i = 0; i < cyc.size(); ++i) {
      const Dep& d = deps_.at({cyc[i], cyc[(i + 1) % cyc.size()]});
      deps.push_back(&d);
      gated += d.gated;
    }
    for (std::size_t i = 0; i < cyc.size(); ++i) {
      const Dep& in = *deps[(i + cyc.size() - 1) % cyc.size()];
      const Dep& outd = *deps[i];
      if (recursive_read_.count(cyc[i]) && in.to_read && outd.from_read) recursive_break = true;
    }
    if (gated >= 2 || recursive_break) continue;
    Finding f;
    f.kind = FindingKind::Lockorder;
    f.key = "lockorder";
    f.lock_cycle = cyc;
    f.whole_run = true;
    std::string chain;
    for (const auto& c : cyc) {
      f.key += "/" + c;
      chain += c + " -> ";
    }
    chain += cyc[0];
    f.title = "WARNING: possible circular locking dependency detected";
    f.summary = "lock classes " + chain + ": each dependency was taken by some task; together they can deadlock";
    std::uint64_t last = 0;
    const Dep* closing = deps[0];
    std::size_t k = 0;  // the closing dependency's index
    for (std::size_t i = 0; i < cyc.size(); ++i) {
      const Dep& d = *deps[i];
      f.sides.push_back(d.holder);
      f.sides.push_back(d.taker);
      f.notes.push_back("dependency " + cyc[i] + " (" + mode(d.from_read) + ") -> " + cyc[(i + 1) % cyc.size()] + " (" +
                        mode(d.to_read) + ") first in execution " + std::to_string(d.execution) +
                        (d.gated ? ", always under the gate lock" : "") + ", schedule " +
                        (d.schedule.empty() ? "''" : d.schedule));
      if (d.execution >= last) {
        last = d.execution;
        closing = &d;
        k = i;
      }
    }
    f.unsafe_scenario = unsafe_scenario(cyc, k, closing->from_read, closing->to_read);
    f.execution = closing->execution;
    f.schedule = closing->schedule;
    res.push_back(std::move(f));
  }
  return res;
}

}  // namespace mhp
