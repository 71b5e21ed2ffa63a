// Exploration of one scenario: executions 0..n-1, optionally only those of
// one shard (index % n == i) and spread over `jobs` worker threads (oneTBB),
// each worker with its own Machine. An execution's schedule depends only on
// (seed, index), and findings merge by key keeping the smallest witness
// index, so the result is the same for any number of jobs.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "checkers/finding.hpp"
#include "checkers/lock_order.hpp"
#include "model/engine/strategy.hpp"
#include "model/scenario/scenario.hpp"

namespace mhp {

struct Exploration {
  std::vector<Finding> findings;  // by first witness (execution index, then order within it)
  std::uint64_t executions = 0;   // run by this process (a shard runs its share)
  std::uint64_t simulated = 0;    // of those, simulated: the rest repeated a schedule (ScheduleTrie)
  std::uint64_t traces = 0;       // distinct Mazurkiewicz traces among them
  std::vector<LockEdge> lock_graph;  // the merged lock dependency graph
  std::string event_log;  // with `only` and events: that execution's events (replay --execution --events)
  std::vector<std::string> op_results;  // with `only`: how each thread's op returned
  bool stopped = false;  // a stop request (model/support/stop_request.hpp) ended it before the last execution
};

using StrategyFactory = std::function<std::unique_ptr<Strategy>()>;
// progress: the executions/s and ETA line on stderr when it is a terminal
// (off when scenarios run side by side: run_scenarios prints its own).
Exploration explore(const Scenario& sc, std::uint64_t executions, unsigned jobs, const StrategyFactory& make,
                    std::optional<std::pair<std::uint64_t, std::uint64_t>> shard,
                    std::optional<std::uint64_t> only = std::nullopt, bool progress = true, bool memo = true,
                    bool events = false);

}  // namespace mhp
