#include "tools/cli/run.hpp"
#include "tools/cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <unordered_set>

#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include "model/engine/dfs.hpp"
#include "model/support/stop_request.hpp"
#include "tools/cli/budget_cut.hpp"
#include "tools/cli/explorer.hpp"
#include "tools/cli/machine.hpp"
#include "tools/cli/shrink.hpp"
#include "tools/cli/stop_signals.hpp"

namespace mhp {

// Scenarios with `timing:` are also timed; their timing expectations count
// toward the result like finding expectations. The timing run is one more
// execution (the time-ordered one), checked like the others: what it finds
// joins the findings, with its schedule as witness.
void add_timing(const Scenario& sc, ScenarioResult& res, RunResult& run) {
  if (!sc.timing.present) return;
  res.timing = run_timing(sc, true);
  check_timing_expectations(sc, *res.timing);
  // One more execution, after the search's last: what only it found has it
  // as witness, numbered among the findings new to the run.
  std::uint64_t p = 0;
  std::set<std::string> seen;
  for (Finding& f : res.timing->findings)
    if (!run.has(f.key) && seen.insert(f.key).second) {
      f.position = ++p;
      f.notes.push_back("found by the timing run (the time-ordered execution; replay its schedule to see it again)");
    }
  run.add_execution(std::move(res.timing->findings), res.executions, [&] { return res.timing->schedule; });
  res.timing->findings.clear();
}

// The end of a scenario's search: its timing run, shrinking and the
// expectations. A stopped run (or one stopped now) skips the first two, so it
// reports at once: witnesses as found, no timing run.
namespace {
// What the executions found, into the scenario's result: findings in
// report order, the lock graph, and the one execution a replay kept.
void take_run(ScenarioResult& res, RunResult& run) {
  res.lock_graph = run.graph.edges();
  res.findings = run.findings();
  res.event_log = std::move(run.event_log);
  res.op_results = std::move(run.op_results);
}
}  // namespace

void finish_scenario(const Scenario& sc, const RunOptions& opt, ScenarioResult& res, RunResult& run) {
  if (res.stopped.empty()) add_timing(sc, res, run);
  take_run(res, run);
  sort_budget_ends(sc, res);
  if (res.stopped.empty() && stopping()) res.stopped = stop_text();
  if (res.stopped.empty() && opt.shrink && sc.shrink) shrink_findings(sc, res.findings, opt.shrink_budget);
  if (res.stopped.empty() && stopping()) res.stopped = stop_text();  // shrinking ended early (shrink.cpp)
  check_expectations(sc, res);
  if (res.timing) res.ok = res.ok && res.timing->ok;
}

void check_expectations(const Scenario& sc, ScenarioResult& res) {
  res.expect_lines.clear();
  res.expectations.clear();
  res.ok = true;
  std::vector<bool> matched(res.findings.size(), false);
  for (const auto& e : sc.expect) {
    std::size_t keys = 0;
    const Finding* first = nullptr;
    for (std::size_t i = 0; i < res.findings.size(); ++i)
      if (res.findings[i].kind == e.kind && glob_match(e.key, res.findings[i].key)) {
        matched[i] = true;
        ++keys;
        if (!first) first = &res.findings[i];
      }
    if (first) {
      res.expect_lines.push_back("expected " + finding_kind_name(e.kind) + " '" + e.key + "': found (" + first->key +
                                 ", in " + std::to_string(first->count) + " execution(s)" +
                                 (keys > 1 ? "; " + std::to_string(keys) + " keys match" : "") + ")");
      res.expectations.push_back(
          {"expect " + finding_kind_name(e.kind) + " '" + e.key + "'", e.line, true, res.expect_lines.back()});
    } else if (!e.required) {
      res.expect_lines.push_back("expected " + finding_kind_name(e.kind) + " '" + e.key + "': not found in " +
                                 std::to_string(res.executions) + " executions (required: false)");
      res.expectations.push_back(
          {"expect " + finding_kind_name(e.kind) + " '" + e.key + "'", e.line, true, res.expect_lines.back()});
    } else {
      res.ok = false;
      res.expect_lines.push_back("expected " + finding_kind_name(e.kind) + " '" + e.key + "': MISSING in " +
                                 std::to_string(res.executions) + " executions");
      res.expectations.push_back(
          {"expect " + finding_kind_name(e.kind) + " '" + e.key + "'", e.line, false, res.expect_lines.back()});
    }
  }
  ExpectResult others{"other_findings: forbidden", sc.expect_line, true, "no finding beyond the expected ones"};
  std::string unexpected;
  for (std::size_t i = 0; i < res.findings.size(); ++i)
    if (!matched[i] && !sc.other_findings_allowed) {
      res.ok = false;
      res.expect_lines.push_back("unexpected finding (other_findings: forbidden): " + res.findings[i].key);
      unexpected += (unexpected.empty() ? "" : "\n") + res.expect_lines.back();
    }
  if (!sc.other_findings_allowed) {
    if (!unexpected.empty()) others = {others.name, others.line, false, unexpected};
    res.expectations.push_back(others);
  }
  // A proof: the dfs search must have run to its end (other strategies
  // search no tree, so there is nothing to complete: not checked).
  if (sc.expect_complete && res.strategy.rfind("dfs (", 0) == 0) {
    ExpectResult c{"expect complete", sc.expect_complete_line, res.complete,
                   res.complete ? "the dfs search is complete"
                                : "expected a complete dfs search: INCOMPLETE after " + std::to_string(res.executions) +
                                      " executions (raise explore.executions, or lower the bound)"};
    if (!res.complete) res.ok = false;
    res.expect_lines.push_back(c.detail);
    res.expectations.push_back(c);
  }
}

SearchSpec search_spec(const Scenario& sc, const RunOptions& opt) {
  SearchSpec s;
  const std::string kind = opt.strategy.value_or(sc.strategy);
  s.kind = opt.replay      ? SearchKind::Replay
           : kind == "dfs" ? SearchKind::Dfs
           : kind == "pct" ? SearchKind::Pct
           : kind == "pos" ? SearchKind::Pos
                           : SearchKind::Random;
  s.seed = opt.seed.value_or(sc.seed);
  s.executions = opt.replay ? 1 : opt.executions.value_or(sc.executions);
  if (opt.only_execution) s.executions = *opt.only_execution + 1;
  s.depth = opt.depth.value_or(sc.depth);
  if (s.kind == SearchKind::Dfs) {
    s.reduction = parse_reduction(opt.reduce.value_or(sc.reduce));
    // none: bound 2 unless set; dpor: unbounded unless set (then BPOR); sleep: unbounded
    const std::optional<unsigned> set_bound = opt.bound ? opt.bound : sc.bound;
    s.bound = s.reduction == Reduction::None                ? set_bound.value_or(2)
              : s.reduction == Reduction::Dpor && set_bound ? *set_bound
                                                            : DfsStrategy::kUnbounded;
    s.observers_per_pfn = opt.observers_per_pfn.value_or(sc.observers_per_pfn);
  }
  s.jobs = opt.jobs.value_or(1);
  if (!opt.replay && !opt.only_execution) s.shard = opt.shard;
  s.only = opt.only_execution;
  s.replay = opt.replay ? &*opt.replay : nullptr;
  s.memo = opt.memo;
  s.progress = opt.progress;
  s.events = opt.events;
  return s;
}

ScenarioResult run_scenario(const Scenario& sc, const RunOptions& opt) {
  const SearchSpec spec = search_spec(sc, opt);
  ScenarioResult res;
  res.file = sc.file;
  res.name = sc.name;
  res.variant = sc.variant;
  res.era = sc.era;
  res.name_line = sc.name_line;
  res.seed = spec.seed;
  res.executions = opt.replay ? 1 : opt.executions.value_or(sc.executions);
  res.shard = spec.shard;
  res.strategy = search_kind_name(spec.kind);
  res.all_choice_points = !sc.page_footprint;

  if (spec.kind == SearchKind::Replay) {
    Explored x = explore(
        sc, spec, [&] { return replay_search(spec); }, 1);
    x.search->describe(res, x.run);
    take_run(res, x.run);
    return res;
  }
  res.executions_planned = res.executions;
  if (stopping() && !opt.only_execution) {  // stopped before this scenario's turn: nothing ran
    res.stopped = stop_text();
    res.executions = res.executions_run = 0;
    if (spec.kind == SearchKind::Dfs) res.strategy = "dfs (INCOMPLETE: " + res.stopped + " before it started)";
    check_expectations(sc, res);
    return res;
  }
  if (spec.kind == SearchKind::Dfs && spec.shard && spec.shard->first != 0 && !splits(spec)) {
    // A search that is not split (splits()): shard 0 runs all of it, the
    // others nothing, so `mhpsim merge` gives what one run does.
    res.strategy = "dfs (one sequential search, run by shard 0 of " + std::to_string(spec.shard->second) + ")";
    res.executions = res.executions_run = 0;
    res.ok = true;
    return res;
  }
  Explored x;
  if (spec.kind == SearchKind::Dfs) {
    x = explore(
        sc, spec, [&] { return dfs_search(sc, spec); }, 1);
  } else {
    // Every execution's schedule is a function of (seed, index) alone, so the
    // findings and their first witnesses do not depend on how executions are
    // spread over workers.
    const std::uint64_t k = spec.kind == SearchKind::Pct ? pct_steps(sc) : 0;
    SampledIndices indices(spec);
    x = explore(
        sc, spec, [&] { return sampled_search(sc, spec, indices, k); }, spec.jobs);
  }
  if (opt.only_execution) res.executions = spec.executions;
  x.search->describe(res, x.run);
  if (opt.only_execution) {  // a replay by seed reports the execution, not the scenario's expectations
    take_run(res, x.run);
    if (opt.shrink && sc.shrink) shrink_findings(sc, res.findings, opt.shrink_budget);
    res.replay = true;
    res.strategy += ", execution " + std::to_string(*opt.only_execution);
    return res;
  }
  finish_scenario(sc, opt, res, x.run);
  return res;
}

void run_scenarios(const std::vector<Scenario>& scenarios, const RunOptions& opt,
                   const std::function<void(std::size_t, ScenarioResult&)>& prepare,
                   const std::function<void(std::size_t, ScenarioResult&)>& emit) {
  const unsigned jobs = opt.jobs.value_or(1);
  if (jobs <= 1 || scenarios.size() <= 1) {
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
      ScenarioResult r = run_scenario(scenarios[i], opt);
      prepare(i, r);
      emit(i, r);
    }
    return;
  }
  // Scenarios run side by side: a corpus of short scenarios is mostly set-up,
  // shrinking and timing runs, which one scenario's workers cannot share.
  // One progress line for the corpus instead of one per scenario.
  RunOptions each = opt;
  each.progress = false;
  // The scenarios fill the workers; splitting a short one's executions too
  // only adds Machines to build (seeds, --no-shrink: 1.55x over one job with
  // the split, 1.65x without). A long one is still split.
  each.jobs = 1;
  constexpr std::uint64_t kSplitExecutions = 10000;
  ProgressLine line(opt.progress);
  std::vector<std::optional<ScenarioResult>> done(scenarios.size());
  std::size_t next_out = 0, finished = 0;
  std::mutex mu;
  // Longest first, so no long scenario starts last and runs alone. The guess
  // of its work: runs x threads x sections (a real geometry's execution walks
  // its memmap section by section), where runs are the executions, the timing
  // run and the run of the scenario a speedup is measured against, and
  // invariant checks (a walk over every pfn) count double. Reports do not
  // depend on the order.
  std::vector<std::size_t> order(scenarios.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto weight = [&](const Scenario& sc) {
    double runs = double(opt.executions.value_or(sc.executions));
    if (sc.timing.present) runs += sc.timing.speedup_over.empty() ? 1 : 2;
    return std::max(runs, 1.0) * double(sc.threads.size()) * double(sc.geo.sections) * (sc.check_invariants ? 2 : 1);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return weight(scenarios[a]) > weight(scenarios[b]); });
  // Each worker takes the next scenario in that order (a shared counter).
  std::atomic<std::size_t> next{0};
  tbb::task_arena arena(static_cast<int>(jobs));
  arena.execute([&] {
    tbb::task_group g;
    for (unsigned w = 0; w < jobs; ++w)
      g.run([&] {
        for (std::size_t k; (k = next.fetch_add(1)) < order.size();) {
          const std::size_t i = order[k];
          RunOptions o = each;
          if (o.executions.value_or(scenarios[i].executions) >= kSplitExecutions) o.jobs = jobs;
          ScenarioResult r = run_scenario(scenarios[i], o);
          prepare(i, r);
          std::lock_guard<std::mutex> lock(mu);
          done[i] = std::move(r);
          ++finished;
          line.clear();  // the reports below start on a clean line
          for (; next_out < done.size() && done[next_out]; ++next_out) emit(next_out, *done[next_out]);
          if (line.due()) {
            std::cout.flush();
            line.print(std::to_string(finished) + "/" + std::to_string(scenarios.size()) + " scenarios done");
          }
        }
      });
    g.wait();
  });
  line.clear();
}

}  // namespace mhp
