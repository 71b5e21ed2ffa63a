// Timing runs: one execution of a scenario in virtual time
// (model/engine/vtime.hpp) under the earliest-clock-first strategy, and what
// a user editing a lock scope wants to see of it: makespan per thread and per
// operation, a /proc/lock_stat-shaped table per lock class, and the critical
// path (which lock holds kept which thread waiting).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "checkers/finding.hpp"
#include "model/engine/execution.hpp"
#include "model/engine/vtime.hpp"
#include "model/scenario/scenario.hpp"
#include "tools/report/timing_result.hpp"

namespace mhp {

// check: attach the checkers to the timing run and collect their findings.
// trace: also render the run as a Perfetto trace in virtual time into *trace.
TimingResult run_timing(const Scenario& sc, bool check = false, std::string* trace = nullptr);
// Checks `timing: expect:` (the makespan range; speedup_over runs the other
// scenario's timing too). Sets t.ok and t.expect_lines.
void check_timing_expectations(const Scenario& sc, TimingResult& t);

}  // namespace mhp
