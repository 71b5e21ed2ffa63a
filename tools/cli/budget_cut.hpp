// Executions the step budget ended, sorted after a search into livelock
// findings and executions only cut short (model/scenario/step_budget.hpp
// gives the rule): a fair round-robin run of the scenario measures what its
// programs take. Nothing runs unless some execution used the whole budget.
#pragma once
#include <cstdint>
#include <optional>

#include "model/scenario/scenario.hpp"
#include "tools/report/result.hpp"

namespace mhp {

// Choice points of one run in which every enabled thread takes its turn;
// nullopt if it does not end within sc.step_budget.
std::optional<std::uint64_t> fair_run_steps(const Scenario& sc);
// If the budget is not a livelock's, moves res's livelock findings into
// res.budget_cut (their executions) and records the fair run's length.
void sort_budget_ends(const Scenario& sc, ScenarioResult& res);

}  // namespace mhp
