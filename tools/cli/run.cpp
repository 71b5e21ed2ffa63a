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

#include <tbb/task_group.h>
#include <tbb/task_arena.h>

#include "model/engine/dfs.hpp"
#include "model/support/stop_request.hpp"
#include "tools/cli/budget_cut.hpp"
#include "tools/cli/dfs_helpers.hpp"
#include "tools/cli/explore.hpp"
#include "tools/cli/machine.hpp"
#include "tools/cli/shrink.hpp"
#include "tools/cli/stop_signals.hpp"

namespace mhp {

namespace {

// The keys a sequential search holds: its executions ascend, so a held key
// keeps its witness and the checkers need not write the finding's text again.
struct HeldKeys final : KnownKeys {
  const FindingSet& set;
  explicit HeldKeys(const FindingSet& s) : set(s) {}
  bool has(const std::string& key) const override { return set.has(key); }
};

// Keeps the running thread while it can: PCT's calibration run.
struct CountingKeep final : Strategy {
  std::uint64_t calls = 0;
  void begin_execution(std::uint64_t) override { calls = 0; }
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    ++calls;
    if (current != kNoThread && (enabled & thread_bit(current))) return current;
    return lowest_thread(enabled);
  }
};

}  // namespace

// Scenarios with `timing:` are also timed; their timing expectations count
// toward the result like finding expectations. The timing run is one more
// execution (the time-ordered one), checked like the others: what it finds
// joins the findings, with its schedule as witness.
void add_timing(const Scenario& sc, ScenarioResult& res) {
  if (!sc.timing.present) return;
  res.timing = run_timing(sc, true);
  check_timing_expectations(sc, *res.timing);
  std::uint64_t p = 0;
  std::set<std::string> seen;  // a key counts once per execution
  for (Finding& f : res.timing->findings) {
    if (!seen.insert(f.key).second) continue;
    auto it = std::find_if(res.findings.begin(), res.findings.end(), [&](const Finding& g) { return g.key == f.key; });
    if (it != res.findings.end()) {
      ++it->count;
      continue;
    }
    f.execution = res.executions;
    f.schedule = res.timing->schedule;
    f.count = 1;
    f.position = ++p;
    f.notes.push_back("found by the timing run (the time-ordered execution; replay its schedule to see it again)");
    res.findings.push_back(std::move(f));
  }
  res.timing->findings.clear();
}

// The end of a scenario's search: its timing run, shrinking and the
// expectations. A stopped run (or one stopped now) skips the first two, so it
// reports at once: witnesses as found, no timing run.
void finish_scenario(const Scenario& sc, const RunOptions& opt, ScenarioResult& res) {
  sort_budget_ends(sc, res);
  if (res.stopped.empty()) add_timing(sc, res);
  if (res.stopped.empty() && stopping()) res.stopped = stop_text();
  if (res.stopped.empty() && opt.shrink && sc.shrink) shrink_findings(sc, res.findings, opt.shrink_budget);
  if (res.stopped.empty() && stopping()) res.stopped = stop_text();  // shrinking ended early (shrink.cpp)
  check_expectations(sc, res);
  if (res.timing) res.ok = res.ok && res.timing->ok;
}

double estimate_unreduced(const Scenario& sc, unsigned paths, unsigned bound) {
  Machine m(sc);  // no checkers: only the shape of the schedule tree matters
  // the estimator's guess: each thread's steps (events) in a run without preemption
  CountingKeep keep;
  m.run(keep, 0);
  KnuthEstimate::Steps steps{};
  for (const Event& e : m.ex.events())
    if (e.kind != EvKind::ThreadStart && e.kind != EvKind::ThreadEnd) ++steps[e.thread];
  KnuthEstimate est(sc.seed, bound, steps);
  double sum = 0;
  for (unsigned k = 0; k < paths; ++k) {
    m.run(est, k);
    sum += est.product();
  }
  return sum / paths;
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

ScenarioResult run_scenario(const Scenario& sc, const RunOptions& opt) {
  ScenarioResult res;
  res.file = sc.file;
  res.name = sc.name;
  res.variant = sc.variant;
  res.era = sc.era;
  res.name_line = sc.name_line;
  res.seed = opt.seed.value_or(sc.seed);
  res.executions = opt.replay ? 1 : opt.executions.value_or(sc.executions);
  res.replay = opt.replay.has_value();
  if (!opt.replay && !opt.only_execution) res.shard = opt.shard;
  std::string strategy_name = opt.strategy.value_or(sc.strategy);
  res.strategy = opt.replay ? "replay" : strategy_name;
  unsigned depth = opt.depth.value_or(sc.depth);

  if (opt.replay) {
    Machine m(sc);
    m.add_checkers();
    ReplayStrategy replay(*opt.replay);
    Outcome o = m.run(replay, 0);
    if (o.status == Outcome::Status::Diverged) res.replay_error = o.detail;
    else if (!replay.consumed())
      res.replay_error = "the execution ended at choice " + std::to_string(replay.position()) +
                         " but the schedule has more choices";
    FindingSet set;
    std::string schedule = m.ex.schedule().encode();
    m.order().end_execution(0, schedule);
    set.merge_execution(m.findings(o), 0, schedule);
    for (auto& f : m.order().cycles()) set.add_run_finding(std::move(f));
    res.findings = set.all();
    res.lock_graph = m.order().edges();
    if (opt.events) res.event_log = m.event_log();
    res.op_results = m.op_results();
    res.ok = res.replay_error.empty();
    return res;
  }

  res.executions_planned = res.executions;
  if (stopping() && !opt.only_execution) {  // stopped before this scenario's turn: nothing ran
    res.stopped = stop_text();
    res.executions = res.executions_run = 0;
    if (strategy_name == "dfs") res.strategy = "dfs (INCOMPLETE: " + res.stopped + " before it started)";
    check_expectations(sc, res);
    return res;
  }
  if (strategy_name == "dfs" && opt.shard && opt.shard->first != 0) {
    // One sequential search cannot be split by execution index: shard 0 runs
    // all of it, the others nothing, so `mhpsim merge` gives what one run does.
    res.strategy = "dfs (one sequential search, run by shard 0 of " + std::to_string(opt.shard->second) + ")";
    res.executions = res.executions_run = 0;
    res.ok = true;
    return res;
  }
  if (strategy_name == "dfs") {  // exhaustive (within the bound, or reduced); sequential by nature
    Reduction red = parse_reduction(opt.reduce.value_or(sc.reduce));
    // none: bound 2 unless set; dpor: unbounded unless set (then BPOR); sleep: unbounded
    std::optional<unsigned> set_bound = opt.bound ? opt.bound : sc.bound;
    unsigned bound = red == Reduction::None ? set_bound.value_or(2)
                     : red == Reduction::Dpor && set_bound ? *set_bound
                                                           : DfsStrategy::kUnbounded;
    Machine m(sc);
    m.ex.set_stoppable(true);
    m.add_checkers();
    m.set_memo(opt.memo);
    DfsStrategy dfs(bound, red, &m.ex.objects());
    std::uint64_t redundant = 0, repeats = 0;
    FindingSet set;
    HeldKeys held(set);
    m.set_known(&held);
    std::uint64_t i = 0;
    bool complete = false, stopped = false;
    std::unordered_set<std::uint64_t> traces;
    // The progress line, as explore() prints it: a search's size is not
    // known ahead, so the round and the traces so far.
    ProgressLine line(opt.progress);
    const auto t0 = std::chrono::steady_clock::now();
    // Knuth's estimate of the tree without reduction, to size what is left:
    // made at the first line, so a search too short for one pays nothing.
    double tree = -1;
    auto progress = [&] {
      if (!line.due()) return;
      if (tree < 0) tree = estimate_unreduced(sc, kEstimatePaths, bound);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::string round = dfs.bounded() ? ", round " + std::to_string(dfs.complete_bound() + 1) + " (of 0-" +
                                              std::to_string(bound) + ")"
                                        : "";
      char b[320];
      std::snprintf(b, sizeof b,
                    "%s: dfs%s: %llu of at most %llu executions (without reduction the tree has about %.3g), "
                    "%.0f/s, %zu traces",
                    sc.name.c_str(), round.c_str(), (unsigned long long)i, (unsigned long long)res.executions, tree,
                    double(i) / s, traces.size());
      line.print(b);
    };
    // --jobs N: N-1 helpers search subtrees ahead and the search takes their
    // executions in its own order (tools/cli/dfs_helpers.hpp): the report is
    // the same for any N.
    std::unique_ptr<DfsHelpers> helpers;
    if (opt.jobs.value_or(1) > 1) helpers = std::make_unique<DfsHelpers>(sc, *opt.jobs - 1, opt.memo);
    std::shared_ptr<DfsHelpers::Task> lent;  // the helper's subtree whose root the path is at
    for (;;) {
      if (stopping()) {
        stopped = true;
        break;
      }
      if (helpers && !lent) lent = helpers->arrive(dfs);
      std::unique_ptr<DfsRecord> rec = lent ? helpers->next(*lent) : nullptr;
      if (lent && !rec) {  // the helper stopped: the search goes on from its path
        helpers->leave(lent, dfs, false);
        lent.reset();
      }
      bool more;
      if (rec) {  // an execution the helper ran, taken as if run here
        if (!rec->error.empty()) throw std::runtime_error(rec->error);
        if (rec->status == Outcome::Status::Diverged) throw std::runtime_error(rec->detail);
        dfs.apply(rec->adds);
        if (!rec->deps.empty()) m.order().take(rec->deps, i, [&] { return rec->schedule; });
        if (rec->repeat) {
          ++repeats;
        } else {
          std::vector<std::size_t> index;
          set.merge_execution(std::move(rec->fresh), helpers->held_index(*lent, *rec), i, rec->schedule, &index);
          helpers->note_fresh(*lent, index);
          traces.insert(rec->signature);
        }
        redundant += rec->redundant;
        ++i;
        more = true;
        if (rec->last) {
          more = helpers->leave(lent, dfs, true);
          lent.reset();
        }
      } else {
        Outcome o = m.run(dfs, i);
        if (o.status == Outcome::Status::Stopped) {  // cut in the middle: it does not count
          if (m.order().has_unstamped()) m.order().end_execution(i, m.ex.schedule().encode());
          stopped = true;
          break;
        }
        if (o.status == Outcome::Status::Diverged) throw std::runtime_error(o.detail);
        // As explore() does: the schedule is encoded only for a witness.
        if (m.order().has_unstamped()) m.order().end_execution(i, m.ex.schedule().encode());
        if (dfs.repeat()) {
          ++repeats;  // an earlier round counted its findings already
        } else {
          std::vector<Finding> found = m.findings(o);
          for (std::size_t p = 0; p < found.size(); ++p) found[p].position = p + 1;
          const std::string schedule = found.empty() ? std::string() : m.ex.schedule().encode();
          set.merge_execution(std::move(found), i, schedule);
          traces.insert(m.trace_signature());
        }
        redundant += dfs.redundant();
        ++i;
        more = dfs.next();
      }
      if ((i & 255) == 0) progress();
      if (!more) {
        complete = true;
        break;
      }
      if (i >= res.executions) break;
      if (helpers) helpers->lend(dfs);
    }
    helpers.reset();
    line.clear();
    for (auto& f : m.order().cycles()) set.add_run_finding(std::move(f));
    res.findings = set.all();
    res.lock_graph = m.order().edges();
    res.executions = res.executions_run = i;
    res.traces = traces.size();
    const std::string rounds = "fewest preemptions first, " + std::to_string(repeats) + " re-run" +
                               (repeats == 1 ? "" : "s") + " of earlier rounds";
    std::string how;
    if (red == Reduction::None)
      how = "preemption bound " + std::to_string(bound) + ", " + rounds;
    else if (dfs.bounded())
      how = "source sets, preemption bound " + std::to_string(bound) + ", BPOR: conservative branches, no sleep sets, " +
            rounds;
    else
      how = std::string(red == Reduction::Dpor ? "source sets and sleep sets" : "sleep sets") + ", unbounded, " +
            std::to_string(redundant) + " sleep-blocked executions";
    // Knuth's estimate of the search without reduction (of the bounded tree
    // when bounded); a plain search states it only when stopped early, to
    // size explore.executions (a complete one counted it)
    // (not after a stop: its 200 runs are what the stop asked to skip)
    if ((red != Reduction::None || !complete) && !stopped)
      res.unreduced_estimate = estimate_unreduced(sc, kEstimatePaths, bound);
    // What a stopped search proved: a bounded one, the rounds it completed
    std::string proved;
    if (dfs.bounded() && dfs.complete_bound() >= 0)
      proved = std::string(red == Reduction::None ? "every schedule" : "every trace of a schedule") + " with at most " +
               std::to_string(dfs.complete_bound()) + " preemption" + (dfs.complete_bound() == 1 ? "" : "s") +
               (red == Reduction::None ? " run" : " reached");
    std::string stop = "INCOMPLETE: stopped at explore.executions" + (proved.empty() ? "" : " (" + proved + ")");
    if (stopped)
      stop = "INCOMPLETE: " + stop_text() + " after " + std::to_string(i) + " executions" +
             (!dfs.bounded()    ? std::string()
              : proved.empty() ? std::string(", no bound complete")
                               : ", bound " + std::to_string(dfs.complete_bound()) + " complete (" + proved + ")");
    res.strategy = "dfs (" + how + ", " + (complete ? "complete" : stop) + ")";
    res.complete = complete;
    if (stopped || stopping()) res.stopped = stop_text();
    finish_scenario(sc, opt, res);
    return res;
  }
  std::uint64_t pct_steps = 1;
  if (strategy_name == "pct") {  // k for PCT: the steps of one run without preemption
    Machine m(sc);
    CountingKeep keep;
    m.run(keep, 0);
    pct_steps = std::max<std::uint64_t>(keep.calls, 1);
    res.strategy = "pct (depth " + std::to_string(depth) + ", k " + std::to_string(pct_steps) + ")";
  }
  auto make_strategy = [&]() -> std::unique_ptr<Strategy> {
    if (strategy_name == "pct")
      return std::make_unique<PctStrategy>(res.seed, depth, pct_steps, unsigned(sc.threads.size()));
    if (strategy_name == "pos") return std::make_unique<PosStrategy>(res.seed, unsigned(sc.threads.size()));
    return std::make_unique<RandomStrategy>(res.seed);
  };
  // Every execution's schedule is a function of (seed, index) alone, so the
  // findings and their first witnesses do not depend on how executions are
  // spread over workers: explore() merges them in index order.
  if (opt.only_execution) res.executions = *opt.only_execution + 1;
  Exploration x = explore(sc, res.executions, opt.jobs.value_or(1), make_strategy, opt.shard, opt.only_execution,
                          opt.progress, opt.memo, opt.events && opt.only_execution);
  res.findings = std::move(x.findings);
  res.event_log = std::move(x.event_log);
  res.op_results = std::move(x.op_results);
  res.executions_run = x.executions;
  res.executions_simulated = x.simulated;
  res.traces = x.traces;
  res.lock_graph = std::move(x.lock_graph);
  if (opt.only_execution) {  // a replay by seed reports the execution, not the scenario's expectations
    if (opt.shrink && sc.shrink) shrink_findings(sc, res.findings, opt.shrink_budget);
    res.replay = true;
    res.strategy += ", execution " + std::to_string(*opt.only_execution);
    return res;
  }
  if (x.stopped || stopping()) {
    res.stopped = stop_text();
    res.executions = x.executions;  // what the findings' counts are out of
  }
  finish_scenario(sc, opt, res);
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
    return std::max(runs, 1.0) * double(sc.threads.size()) * double(sc.geo.sections) *
           (sc.check_invariants ? 2 : 1);
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
