// Runs one scenario: builds the kernel model and the threads' step programs,
// explores executions under the strategy, collects findings, checks the
// scenario's expectations. Also the single-execution replay of a schedule.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "checkers/finding.hpp"
#include "model/engine/schedule.hpp"
#include "model/scenario/scenario.hpp"

namespace mhp {

struct RunOptions {
  std::optional<std::uint64_t> seed, executions;
  std::optional<Schedule> replay;  // run exactly this schedule once
  bool events = false;                  // replay: list every event (ScenarioResult::event_log)
  std::optional<std::string> strategy;  // overrides explore.strategy: random, pct, pos
  std::optional<unsigned> depth;        // pct bug depth
  std::optional<unsigned> bound;        // dfs preemption bound
  std::optional<std::string> reduce;    // dfs reduction: none, sleep, dpor
  std::optional<unsigned> jobs;         // worker threads (oneTBB); results identical for any value
  std::optional<std::pair<std::uint64_t, std::uint64_t>> shard;  // run executions with index % n == i
  bool shrink = true;                   // shrink every witness
  std::optional<std::uint64_t> only_execution;  // replay by seed: run only execution K
  unsigned shrink_budget = 200;         // replays per finding
};

struct ScenarioResult {
  std::string file, name, variant, era, strategy;
  std::uint64_t seed = 0, executions = 0;
  std::uint64_t executions_run = 0;  // by this process (a shard runs its share)
  bool complete = false;             // dfs: every schedule within the bound was run
  std::uint64_t traces = 0;          // distinct Mazurkiewicz traces seen (coverage)
  double unreduced_estimate = 0;     // reduced dfs: executions a search without reduction would run (estimate)
  std::vector<Finding> findings;     // in order of first appearance
  std::string event_log;             // RunOptions::events: one line per event
  std::vector<std::string> expect_lines;  // "found uninit/..." / "MISSING ..."
  bool replay = false;
  std::string replay_error;          // divergence, empty if none
  bool ok = true;
};

ScenarioResult run_scenario(const Scenario& sc, const RunOptions& opt);
// Sets res.ok and res.expect_lines from the scenario's `expect`.
void check_expectations(const Scenario& sc, ScenarioResult& res);
// Knuth's estimate of the executions an unbounded dfs without reduction
// would run, from `paths` uniformly random schedules.
double estimate_unreduced(const Scenario& sc, unsigned paths);
constexpr unsigned kEstimatePaths = 200;
// The command that reproduces a finding exactly.
std::string replay_command(const std::string& file, const std::string& schedule);

}  // namespace mhp
