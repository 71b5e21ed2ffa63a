// What a timing run measured (mhpsim time, and a scenario's `timing:`):
// makespan per thread and per operation, lock_stat rows and the critical
// path. Made by tools/cli/timing.cpp, rendered by tools/report.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "checkers/finding.hpp"
#include "model/engine/vtime.hpp"

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
  // run_timing(sc, true): what the checkers found in the timing run (of the
  // keys whose checker asks the runner, the first finding of each only)
  std::vector<Finding> findings;
  std::string schedule;  // the timing run's schedule (replayable)
};

}  // namespace mhp
