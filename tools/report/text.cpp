#include "tools/report/report.hpp"

#include <cmath>

#include "model/kernel/function_files.hpp"

namespace mhp {

namespace {
const char* kRule = "==================================================================\n";

// An estimate to three significant digits: 1,234,000 not 1233987.5.
std::string fmt_estimate(double x) {
  char b[64];
  if (x < 1e6)
    snprintf(b, sizeof b, "%.0f", x);
  else
    snprintf(b, sizeof b, "%.3g", x);
  return b;
}
}  // namespace

std::string render_finding_text(const Finding& f, const ScenarioResult& r) {
  std::string o = kRule;
  o += f.title + "\n\n" + f.summary + "\n\n";
  for (const auto& s : f.sides) {
    o += s.title + "\n";
    // each frame with the file of the era's tree that defines it, as a
    // decoded splat names it ("memmap_init_zone_device (mm/mm_init.c)")
    for (const auto& fr : s.stack) {
      const std::string& file = FunctionFiles::get().file(r.era, fr);
      o += "  " + fr + (file.empty() ? "" : " (" + file + ")") + "\n";
    }
    o += s.locks.empty() ? "  no locks held\n" : "  locks held:\n";
    for (const auto& l : s.locks) o += "    " + l + "\n";
    o += "\n";
  }
  if (!f.unsafe_scenario.empty()) {
    o += "other info that might help us debug this:\n\n";
    for (const auto& l : f.unsafe_scenario) o += l + "\n";
    o += "\n";
  }
  for (const auto& n : f.notes) o += n + "\n";
  o += "\nscenario: " + r.name + " (" + r.file + "), era " + r.era + ", variant " + r.variant + "\n";
  if (r.replay) {
    o += "replayed schedule: " + f.schedule + "\n";
  } else {
    o += "strategy " + r.strategy + ", seed " + std::to_string(r.seed) + ", execution " + std::to_string(f.execution) +
         " (first of " + std::to_string(f.count) + " of " + std::to_string(r.executions) + " executions)\n";
  }
  o += "key: " + f.key + "\n";
  auto sf = r.schedule_files.find(f.key);
  o += "replay: " +
       (sf != r.schedule_files.end()
            ? replay_command_file(r.file, sf->second, r.all_choice_points || f.all_choice_points)
            : replay_command_text(r.file, f.schedule, r.all_choice_points || f.all_choice_points)) +
       "\n";
  o += kRule;
  return o;
}

std::string incomplete_text(const ScenarioResult& r) {
  const bool dfs = r.strategy.rfind("dfs", 0) == 0;
  return "INCOMPLETE: " + r.stopped + " after " + std::to_string(r.executions_run) + " of " + (dfs ? "at most " : "") +
         std::to_string(r.executions_planned) + " executions" +
         (r.findings.empty() ? "" : "; witnesses as found (not shrunk)");
}

std::string render_text(const ScenarioResult& r) {
  std::string o = "mhpsim: " + r.name + " (" + r.file + "): era " + r.era + ", variant " + r.variant + ", " +
                  (r.replay ? (r.strategy == "replay"
                                   ? std::string("replay of one schedule")
                                   : "replay by seed: strategy " + r.strategy + ", seed " + std::to_string(r.seed))
                            : "strategy " + r.strategy + ", seed " + std::to_string(r.seed) + ", " +
                                  std::to_string(r.executions) + " executions") +
                  "\n";
  for (const auto& f : r.findings) o += render_finding_text(f, r);
  if (r.findings.empty()) o += "no findings\n";
  if (!r.op_results.empty()) {
    o += "op results:\n";
    for (const auto& l : r.op_results) o += "  " + l + "\n";
  }
  if (!r.replay_error.empty()) o += "replay diverged: " + r.replay_error + "\n";
  for (const auto& e : r.expect_lines) o += e + "\n";
  if (!r.replay && r.traces)
    o += "coverage: " + std::to_string(r.traces) + " distinct interleavings (Mazurkiewicz traces) in " +
         std::to_string(r.executions_run) + " executions\n";
  if (r.budget_cut > 0)
    o += "step budget: " + std::to_string(r.budget_cut) + " execution(s) cut short at " +
         std::to_string(r.step_budget) + " choice points, not a livelock: " +
         (r.fair_steps ? "a fair run of the programs takes " + std::to_string(r.fair_steps) +
                             ", more than a quarter of the budget"
                       : std::string("a fair run of the programs does not end within it either")) +
         " (docs/DESIGN.md, Step budget); raise explore.step_budget to run them to their end\n";
  if (!r.replay && r.unreduced_estimate > 0)
    o += std::string("without reduction: ") +
         (std::isfinite(r.unreduced_estimate) ? "about " + fmt_estimate(r.unreduced_estimate)
                                              : std::string("more than 1e308")) +  // a double's range: tens of threads
         " executions (Knuth's estimator over " +
         std::to_string(kEstimatePaths) + " random schedules)\n";
  if (r.timing) o += "\n" + render_timing_text(*r.timing) + "\n";
  if (!r.stopped.empty()) o += incomplete_text(r) + "\n";
  if (!r.replay)
    o += std::string("result: ") +
         (r.stopped.empty() ? ""
          : r.ok            ? "INCOMPLETE (PASS so far) "
                            : "INCOMPLETE (FAIL) ") +
         (r.stopped.empty() ? (r.ok ? "PASS " : "FAIL ") : "") + r.name + "\n";
  return o;
}

}  // namespace mhp
