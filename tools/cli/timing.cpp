#include "tools/cli/timing.hpp"

#include <malloc.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <unordered_set>

#include "model/support/input_error.hpp"
#include "tools/cli/machine.hpp"
#include "tools/report/report.hpp"

namespace mhp {

namespace {

// The timing run's keys so far: add_timing() keeps the first finding of a
// key, so the checkers write that one only (a real geometry's race is met
// again in every chunk: 170,000 findings in v4.20's 4 x 3 TiB run). Asked
// once per finding a checker is about to write, so the first ask of a key
// says no and every later one yes.
struct FirstOfKey final : KnownKeys {
  mutable std::unordered_set<std::string> seen;
  bool has(const std::string& key) const override { return !seen.insert(key).second; }
  bool counts() const override { return false; }
};

void stat_add(Nanos& mn, Nanos& mx, Nanos& total, std::uint64_t n_before, Nanos v) {
  mn = n_before == 0 ? v : std::min(mn, v);
  mx = std::max(mx, v);
  total += v;
}

// /proc/lock_stat from the events and their virtual times: a contention is an
// acquisition that had to block first; wait time runs from the first block to
// the acquisition, hold time from the acquisition to the release.
std::vector<LockStatRow> lock_stat(const Execution& ex, const VirtualTime& vt) {
  struct Held {
    ObjId obj;
    Nanos at;
    bool shared;
  };
  std::map<std::string, LockStatRow> rows;
  std::map<std::string, std::uint64_t> holds;  // holds counted per row (for hold_min)
  std::vector<std::vector<Held>> held(ex.thread_count());
  std::vector<ObjId> waiting_on(ex.thread_count(), 0);
  std::vector<Nanos> waiting_from(ex.thread_count(), 0);
  // Which objects are locks, and whether each class is ever taken shared.
  std::map<std::string, bool> rw;
  for (const Event& e : ex.events())
    if (e.kind == EvKind::Acquire && ex.lock_bit(e.obj) != kNoLockBit)
      rw[ex.objects().class_of(e.obj)] |= e.mode == std::uint8_t(SyncSide::Shared);
  auto row_name = [&](ObjId obj, bool shared) {
    std::string cls = ex.objects().class_of(obj);
    return rw[cls] ? cls + (shared ? "-R" : "-W") : cls;
  };
  for (const Event& e : ex.events()) {
    if (ex.lock_bit(e.obj) == kNoLockBit) continue;
    Nanos t = vt.event_time[e.index];
    bool shared = e.mode == std::uint8_t(SyncSide::Shared);
    switch (e.kind) {
      case EvKind::Block:
        if (waiting_on[e.thread] != e.obj) {
          waiting_on[e.thread] = e.obj;
          waiting_from[e.thread] = t;
        }
        break;
      case EvKind::Acquire: {
        LockStatRow& r = rows[row_name(e.obj, shared)];
        if (waiting_on[e.thread] == e.obj) {
          stat_add(r.wait_min, r.wait_max, r.wait_total, r.contentions, t - waiting_from[e.thread]);
          ++r.contentions;
          waiting_on[e.thread] = 0;
        }
        ++r.acquisitions;
        held[e.thread].push_back({e.obj, t, shared});
        break;
      }
      case EvKind::Release: {
        auto& h = held[e.thread];
        for (auto it = h.end(); it != h.begin();) {
          --it;
          if (it->obj != e.obj) continue;
          std::string name = row_name(e.obj, it->shared);
          LockStatRow& r = rows[name];
          stat_add(r.hold_min, r.hold_max, r.hold_total, holds[name]++, t - it->at);
          h.erase(it);
          break;
        }
        break;
      }
      default: break;
    }
  }
  std::vector<LockStatRow> out;
  for (auto& [name, r] : rows) {
    r.cls = name;
    out.push_back(r);
  }
  // Like lock_stat: the most contended first (then by name: deterministic).
  std::stable_sort(out.begin(), out.end(), [](const LockStatRow& a, const LockStatRow& b) {
    return a.wait_total != b.wait_total ? a.wait_total > b.wait_total : a.contentions > b.contentions;
  });
  return out;
}

// Back from the thread that ends last: it ran until its end; before that, the
// latest wait that delayed it hands the path to the thread that woke it, which
// ran until the moment it woke it.
std::vector<PathSegment> critical_path(const Execution& ex, const VirtualTime& vt,
                                       const std::vector<ThreadTiming>& th) {
  std::vector<PathSegment> path;
  if (th.empty()) return path;
  std::size_t t = 0;
  for (std::size_t i = 1; i < th.size(); ++i)
    if (th[i].end > th[t].end) t = i;
  Nanos now = th[t].end;
  for (std::size_t guard = 0; guard < vt.waits.size() + th.size() + 1; ++guard) {
    const VirtualTime::Wait* w = nullptr;
    for (const auto& x : vt.waits)
      if (x.thread == t && x.to > x.from && x.to <= now && (!w || x.to > w->to)) w = &x;
    if (!w) {
      if (now > 0) path.push_back({th[t].name, 0, now, "", ""});
      break;
    }
    if (now > w->to) path.push_back({th[t].name, w->to, now, "", ""});
    path.push_back({th[t].name, w->from, w->to, ex.objects().class_of(w->obj), th[w->waker].name});
    t = w->waker;
    now = w->to;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

TimingResult run_timing(const Scenario& sc, bool check, std::string* trace) {
  TimingResult r;
  r.file = sc.file;
  r.name = sc.name;
  r.era = sc.era;
  r.variant = sc.variant;
  // A real-geometry machine is most of a GiB: give what the previous one
  // (the exploration's, or the other side of speedup_over) freed back to the
  // system first, so the peak is one machine, not two.
  malloc_trim(0);
  Machine m(sc);
  // Every access a choice point: the timing strategy runs the thread whose
  // clock is earliest at each, so a thread's private work cannot run ahead
  // of another's on a shared CPU; its findings replay with --all-choice-points.
  m.set_page_footprint(false);
  FirstOfKey first;
  if (check) {
    m.add_checkers();
    m.set_known(&first);
  }
  VirtualTime vt;
  vt.reset(static_cast<unsigned>(sc.threads.size()), sc.timing.cpus);
  for (std::size_t i = 0; i < sc.threads.size(); ++i)  // threads.start_s: started later in virtual time
    vt.delay(static_cast<ThreadId>(i), static_cast<Nanos>(sc.threads[i].start_s * 1e9));
  r.cpus = sc.timing.cpus ? sc.timing.cpus : static_cast<unsigned>(sc.threads.size());
  for (const CostEntry& c : merge_costs(sc.timing.costs)) vt.set_cost(m.ex.stacks().fn(c.fn), c.cost);
  m.ex.set_vtime(&vt);
  TimingStrategy strategy(vt);
  Outcome o = m.run(strategy, 0);
  m.ex.set_vtime(nullptr);
  r.schedule = m.ex.schedule().encode();
  if (check) {
    m.order().end_execution(0, r.schedule);
    r.findings = m.findings(o);
    for (auto& f : m.order().cycles()) r.findings.push_back(std::move(f));
    for (Finding& f : r.findings) f.all_choice_points = true;  // recorded so: replayed and shrunk so
  }
  r.status = o.status == Outcome::Status::Completed  ? "completed"
             : o.status == Outcome::Status::Deadlock ? "DEADLOCK"
             : o.status == Outcome::Status::Livelock ? "LIVELOCK (" + o.detail + ")"
                                                     : "diverged";
  const auto& evs = m.ex.events();
  r.events = evs.size();
  r.threads.resize(sc.threads.size());
  std::vector<bool> started(sc.threads.size(), false);
  for (std::size_t i = 0; i < sc.threads.size(); ++i) {
    r.threads[i].name = sc.threads[i].name;
    r.threads[i].op = sc.threads[i].op;
    r.threads[i].busy = vt.busy(static_cast<ThreadId>(i));
  }
  for (const Event& e : evs) {
    ThreadTiming& t = r.threads[e.thread];
    Nanos at = vt.event_time[e.index];
    if (e.kind != EvKind::ThreadStart && !started[e.thread]) {  // after an `after:` wait, if any
      started[e.thread] = true;
      t.start = at;
    }
    if (e.kind == EvKind::ThreadEnd) t.end = at;
  }
  for (const auto& w : vt.waits) r.threads[w.thread].waited += w.to - w.from;
  for (const auto& t : r.threads) {
    r.makespan = std::max(r.makespan, t.end);
    auto it = std::find_if(r.ops.begin(), r.ops.end(), [&](const OpTiming& o) { return o.op == t.op; });
    if (it == r.ops.end()) {
      r.ops.push_back({t.op, 0, t.start, t.end, 0});
      it = r.ops.end() - 1;
    }
    ++it->threads;
    it->start = std::min(it->start, t.start);
    it->end = std::max(it->end, t.end);
    it->busy += t.busy;
  }
  r.locks = lock_stat(m.ex, vt);
  r.critical_path = critical_path(m.ex, vt, r.threads);
  if (trace) *trace = render_timing_trace(m.ex, vt, r);
  if (o.status != Outcome::Status::Completed) r.ok = false;
  return r;
}

void check_timing_expectations(const Scenario& sc, TimingResult& t) {
  const TimingSpec& s = sc.timing;
  double ms = static_cast<double>(t.makespan) / 1e9;
  if (t.status != "completed") t.expect_lines.push_back("timing run did not complete: " + t.status);
  char b[256];
  if (s.has_makespan) {
    bool in = ms >= s.makespan_min_s && ms <= s.makespan_max_s;
    snprintf(b, sizeof b, "expected makespan %g..%g s: %s (%s)", s.makespan_min_s, s.makespan_max_s,
             in ? "ok" : "OUT OF RANGE", fmt_seconds(t.makespan).c_str());
    t.expect_lines.push_back(b);
    t.ok &= in;
  }
  if (!s.speedup_over.empty()) {
    std::filesystem::path other = std::filesystem::path(sc.file).parent_path() / s.speedup_over;
    Scenario o = load_scenario(other.string());
    TimingResult ot = run_timing(o);
    double ratio = t.makespan ? static_cast<double>(ot.makespan) / static_cast<double>(t.makespan) : 0;
    bool in = ratio >= s.speedup_min && ratio <= s.speedup_max;
    snprintf(b, sizeof b, "expected speedup over %s %g..%gx: %s (%.2fx: %s against %s)", s.speedup_over.c_str(),
             s.speedup_min, s.speedup_max, in ? "ok" : "OUT OF RANGE", ratio, fmt_seconds(ot.makespan).c_str(),
             fmt_seconds(t.makespan).c_str());
    t.expect_lines.push_back(b);
    t.ok &= in;
  }
}

}  // namespace mhp
