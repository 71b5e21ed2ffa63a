// Timing runs (issue 7): one execution of a scenario in virtual time
// (model/engine/vtime.hpp) under the earliest-clock-first strategy, and what
// a user editing a lock scope wants to see of it: makespan per thread and per
// operation, a /proc/lock_stat-shaped table per lock class, and the critical
// path (which lock holds kept which thread waiting).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/engine/execution.hpp"
#include "model/engine/vtime.hpp"
#include "checkers/finding.hpp"
#include "model/scenario/scenario.hpp"

namespace mhp {

struct LockStatRow {  // one lock class and side, as /proc/lock_stat has them
  std::string cls;    // e.g. "mem_hotplug_lock-W"
  std::uint64_t contentions = 0, acquisitions = 0;
  Nanos wait_min = 0, wait_max = 0, wait_total = 0;
  Nanos hold_min = 0, hold_max = 0, hold_total = 0;
};

struct ThreadTiming {
  std::string name, op;
  Nanos start = 0, end = 0, busy = 0, waited = 0;
};

struct OpTiming {  // all threads running one operation
  std::string op;
  unsigned threads = 0;
  Nanos start = 0, end = 0, busy = 0;
};

// The critical path, in time order: runs of one thread, and hand-offs where a
// thread that had been waiting since `from` got `lock` from `holder` at `to`.
struct PathSegment {
  std::string thread;
  Nanos from = 0, to = 0;
  std::string lock, holder;  // empty: `thread` ran from..to; else the hand-off
};

struct TimingResult {
  std::string file, name, era, variant, status;
  unsigned cpus = 0;
  std::uint64_t events = 0;
  Nanos makespan = 0;
  std::vector<ThreadTiming> threads;
  std::vector<OpTiming> ops;
  std::vector<LockStatRow> locks;
  std::vector<PathSegment> critical_path;
  std::vector<std::string> expect_lines;
  bool ok = true;
  std::vector<Finding> findings;  // run_timing(sc, true): what the checkers found in the timing run
  std::string schedule;           // the timing run's schedule (replayable)
};

// check: attach the checkers to the timing run and collect their findings.
// trace: also render the run as a Perfetto trace in virtual time into *trace.
TimingResult run_timing(const Scenario& sc, bool check = false, std::string* trace = nullptr);
// tools/report/timing_trace.cpp
std::string render_timing_trace(const Execution& ex, const VirtualTime& vt, const TimingResult& t);
// Checks `timing: expect:` (the makespan range; speedup_over runs the other
// scenario's timing too). Sets t.ok and t.expect_lines.
void check_timing_expectations(const Scenario& sc, TimingResult& t);
std::string render_timing_text(const TimingResult& t);
nlohmann::ordered_json timing_json(const TimingResult& t);
std::string fmt_seconds(Nanos ns);  // "20.133 s"

}  // namespace mhp
