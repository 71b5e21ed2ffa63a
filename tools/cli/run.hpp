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
  bool events = false;
  std::optional<std::string> strategy;  // overrides explore.strategy: random, pct, pos
  std::optional<unsigned> depth;        // pct bug depth             // replay: list every event of the execution (ScenarioResult::event_log)
};

struct ScenarioResult {
  std::string file, name, variant, era, strategy;
  std::uint64_t seed = 0, executions = 0;
  std::vector<Finding> findings;     // in order of first appearance
  std::string event_log;             // RunOptions::events: one line per event
  std::vector<std::string> expect_lines;  // "found uninit/..." / "MISSING ..."
  bool replay = false;
  std::string replay_error;          // divergence, empty if none
  bool ok = true;
};

ScenarioResult run_scenario(const Scenario& sc, const RunOptions& opt);
// The command that reproduces a finding exactly.
std::string replay_command(const std::string& file, const std::string& schedule);

}  // namespace mhp
