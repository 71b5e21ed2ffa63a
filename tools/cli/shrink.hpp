// Shrinking a witness: a finding's schedule is reduced to fewer thread
// switches and choices that still produce the same finding key. Candidates
// drop a run of the schedule (one preemption fewer), cut the schedule short,
// or halve a run; a candidate is replayed leniently (where it ends or names a
// thread that cannot run, the running thread simply goes on), and the exact
// schedule that execution recorded becomes the new witness, so `mhpsim
// replay` reproduces it strictly. Greedy cuts stop in local minima (a random
// witness of 41 switches whose bug needs one preemption), so a bounded
// partial-order search (BPOR, fewest preemptions first, a few thousand
// executions per scenario) first looks for each key again; where it finds a
// smaller witness, the greedy cuts start from that one.
#pragma once
#include <cstdint>
#include <vector>

#include "checkers/finding.hpp"
#include "model/scenario/scenario.hpp"

namespace mhp {

// Shrinks every finding's witness in place (lock-order cycles are whole-run
// findings and keep theirs); `budget` bounds the replays per finding.
void shrink_findings(const Scenario& sc, std::vector<Finding>& findings, unsigned budget);

}  // namespace mhp
