#include "model/scenario/step_budget.hpp"

#include <algorithm>

namespace mhp {

std::uint64_t derived_step_budget(const Geometry& geo, std::uint64_t threads) {
  const std::uint64_t walk = geo.nr_pfns() / std::max<std::uint32_t>(geo.chunk_pages, 1) + geo.nr_subsections() +
                             geo.sections + geo.nr_blocks();
  return std::max(kMinStepBudget, kWalksPerThread * std::max<std::uint64_t>(threads, 1) * walk);
}

}  // namespace mhp
