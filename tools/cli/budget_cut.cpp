#include "tools/cli/budget_cut.hpp"

#include <algorithm>

#include "model/scenario/step_budget.hpp"
#include "tools/cli/machine.hpp"

namespace mhp {

namespace {

// Every enabled thread in turn: the next one after the running thread.
struct RoundRobin final : Strategy {
  void begin_execution(std::uint64_t) override {}
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    const unsigned from = current == kNoThread ? 0u : unsigned(current) + 1;
    const ThreadMask after = from >= 64 ? 0 : enabled & (~ThreadMask(0) << from);
    return lowest_thread(after ? after : enabled);
  }
};

}  // namespace

std::optional<std::uint64_t> fair_run_steps(const Scenario& sc) {
  Machine m(sc);  // no checkers: only the length counts
  RoundRobin rr;
  Outcome o = m.run(rr, 0);
  if (o.status == Outcome::Status::Livelock) return std::nullopt;
  return m.ex.steps();
}

void sort_budget_ends(const Scenario& sc, ScenarioResult& res) {
  auto is_budget_end = [](const Finding& f) { return f.kind == FindingKind::Livelock; };
  if (std::none_of(res.findings.begin(), res.findings.end(), is_budget_end)) return;
  const std::optional<std::uint64_t> fair = fair_run_steps(sc);
  res.step_budget = sc.step_budget;
  res.fair_steps = fair.value_or(0);
  if (budget_end_is_livelock(sc.step_budget, fair)) return;
  for (const Finding& f : res.findings)
    if (is_budget_end(f)) res.budget_cut += f.count;
  res.findings.erase(std::remove_if(res.findings.begin(), res.findings.end(), is_budget_end), res.findings.end());
}

}  // namespace mhp
