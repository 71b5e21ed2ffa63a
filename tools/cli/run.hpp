// Runs one scenario: builds the kernel model and the threads' step programs,
// explores executions under the strategy, collects findings, checks the
// scenario's expectations. Also the single-execution replay of a schedule.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/engine/schedule.hpp"
#include "model/scenario/scenario.hpp"
#include "tools/cli/search.hpp"
#include "tools/cli/timing.hpp"
#include "tools/report/result.hpp"

namespace mhp {

struct RunOptions {
  std::optional<std::uint64_t> seed, executions;
  std::optional<Schedule> replay;               // run exactly this schedule once
  bool events = false;                          // replay: list every event (ScenarioResult::event_log)
  std::optional<std::string> strategy;          // overrides explore.strategy: random, pct, pos
  std::optional<unsigned> depth;                // pct bug depth
  std::optional<unsigned> bound;                // dfs preemption bound
  std::optional<std::string> reduce;            // dfs reduction: none, sleep, dpor
  std::optional<bool> observers_per_pfn;        // dfs: overrides explore.observers
  std::optional<unsigned> jobs;                 // worker threads (oneTBB); results identical for any value
  std::optional<Shard> shard;                   // run executions with index % n == i
  bool shrink = true;                           // shrink every witness
  std::optional<std::uint64_t> only_execution;  // replay by seed: run only execution K
  unsigned shrink_budget = 200;                 // replays per finding
  bool progress = true;                         // per-scenario progress line (stderr, terminals only)
  bool memo = true;  // repeated schedules answered from the schedule trie (--no-memo: all simulated)
};

// The scenario's search as the options change it (search.hpp).
SearchSpec search_spec(const Scenario& sc, const RunOptions& opt);
// Runs one scenario's search (explorer.hpp), its timing run, shrinking and
// expectations.
ScenarioResult run_scenario(const Scenario& sc, const RunOptions& opt);
// Runs every scenario; with opt.jobs > 1 several at once (each also spreads
// its executions over the workers). `prepare(i, r)` runs on the worker as soon
// as scenario i is done; `emit(i, r)` runs for i = 0, 1, ... in order, one at a
// time, so reports come out in file order for any number of jobs.
void run_scenarios(const std::vector<Scenario>& scenarios, const RunOptions& opt,
                   const std::function<void(std::size_t, ScenarioResult&)>& prepare,
                   const std::function<void(std::size_t, ScenarioResult&)>& emit);
// Sets res.ok and res.expect_lines from the scenario's `expect`.
void check_expectations(const Scenario& sc, ScenarioResult& res);
// Replays the witness of every finding of `res` (or only the one with key
// `only`) with its events recorded, into res.witnesses.
void attach_witnesses(const Scenario& sc, ScenarioResult& res, const std::string& only = "");
constexpr std::size_t kMaxWitnessChars = 65536;  // longer schedules get no witness replay

}  // namespace mhp
