// The step budget: choice points an execution may take before it is ended.
// Unless `explore.step_budget` sets it, it grows with the scenario's size, so
// that a real geometry's memmap walks fit: 16 walks of the whole memory per
// thread, one choice point per chunk, subsection, section and memory block,
// and never below 100000 (what every small scenario had and has).
//
// An execution ended by the budget is a livelock only if the budget is far
// beyond what the programs' lengths allow: at least kLivelockFactor times
// the choice points a fair run of them takes (round robin: every enabled
// thread in turn, so no thread spins while the one it waits for is starved).
// Such an execution spent three quarters of its steps not getting the
// programs done. Otherwise, or if even the fair run does not end within the
// budget, the budget only cut a long execution short: it is counted as cut,
// not reported as a finding (docs/DESIGN.md, Step budget).
#pragma once
#include <cstdint>
#include <optional>

#include "model/kernel/geometry.hpp"

namespace mhp {

constexpr std::uint64_t kMinStepBudget = 100000;
constexpr std::uint64_t kWalksPerThread = 16;
constexpr std::uint64_t kLivelockFactor = 4;

// The budget of a scenario of `threads` threads over `geo` (no explicit budget).
std::uint64_t derived_step_budget(const Geometry& geo, std::uint64_t threads);

// Whether an execution that used all of `budget` is a livelock, given the
// choice points of the fair run (nullopt: it did not end within the budget).
inline bool budget_end_is_livelock(std::uint64_t budget, std::optional<std::uint64_t> fair_steps) {
  return fair_steps && *fair_steps <= budget / kLivelockFactor;
}

}  // namespace mhp
