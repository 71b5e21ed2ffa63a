// What a run of one scenario found, as the runner (tools/cli) makes it and
// the renderers (tools/report) print it.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checkers/finding.hpp"
#include "checkers/lock_graph.hpp"
#include "tools/report/timing_result.hpp"

namespace mhp {

// A shard "I/N" (0 <= I < N), as --shard and the JSON result line write it;
// nullopt if the text is not one.
using Shard = std::pair<std::uint64_t, std::uint64_t>;
std::optional<Shard> parse_shard(const std::string& text);
std::string shard_text(const Shard& s);

// Random schedules behind ScenarioResult::unreduced_estimate.
constexpr unsigned kEstimatePaths = 200;

// One event of a witness execution with its names resolved (for traces and
// SARIF code flows): which thread did what to which object, in which kernel
// functions (outermost first), holding which locks.
struct EventRecord {
  std::uint32_t index = 0;
  unsigned thread = 0;
  std::string kind;    // read, write, acquire, release, block, ref, start, end, seq_begin, seq_retry
  std::string object;  // "-" for none
  std::int64_t value = 0;
  std::vector<std::string> stack;  // outermost first
  std::vector<std::string> locks;  // held, sorted by name, with "(read)"/"(write)"
};

// A finding's witness schedule replayed with its events recorded (attach_witnesses).
struct Witness {
  std::vector<std::string> threads;  // thread names by id
  std::vector<std::string> ops;      // their operations
  std::vector<int> lines;            // their lines in the scenario file
  std::vector<EventRecord> events;
  std::vector<std::int64_t> side_events;  // the finding's sides' event indices in this replay (-1: none)
  std::string replay_error;               // non-empty if the replay diverged
};

// One expectation of the scenario (or of the baseline) and whether it held.
struct ExpectResult {
  std::string name;  // "expect race 'race/*'", "other_findings: forbidden", "baseline"
  int line = 0;      // in the scenario file (0: none)
  bool ok = true;
  std::string detail;  // the report line
};

// One shard of a split dfs search (`run --shard I/N` of a dfs scenario):
// what `mhpsim merge` needs to state the whole search from its shards.
struct DfsSplit {
  std::string reduction;            // none, sleep, dpor
  std::optional<unsigned> bound;    // the preemption bound (none: unbounded)
  std::uint64_t pieces = 0;         // of the tree, met by every shard
  std::uint64_t pieces_here = 0;    // searched by this shard
  std::uint64_t executions = 0;     // in them
  std::uint64_t meeting_runs = 0;   // one per other shards' piece, not counted
  std::uint64_t repeats = 0;        // bounded: re-runs of earlier rounds
  std::uint64_t sleep_blocked = 0;  // unbounded: executions that only repeated a trace
  int complete_bound = -1;          // bounded: the largest bound whose round completed
  std::string end;                  // "complete", or what stopped it ("INCOMPLETE: ...")
  bool complete() const { return end == "complete"; }
};

struct ScenarioResult {
  std::string file, name, variant, era, strategy;
  std::uint64_t seed = 0, executions = 0;
  std::uint64_t executions_run = 0;        // by this process (a shard runs its share)
  std::uint64_t executions_simulated = 0;  // of those, not answered from the schedule trie (not in reports)
  bool complete = false;                   // dfs: every schedule within the bound was run
  bool all_choice_points = false;          // run --all-choice-points: its schedules replay only so
  // Why the run ended before its end ("interrupted by SIGINT", "stopped by
  // time limit (90s)"); empty if it ran to its end. A stopped run reports the
  // executions_run it made of executions_planned, unshrunk witnesses and no
  // timing run.
  std::string stopped;
  std::uint64_t executions_planned = 0;
  // Executions the step budget cut short of a program's end that were not a
  // livelock (tools/cli/step_budget.hpp): no finding, only this count.
  std::uint64_t budget_cut = 0;
  std::uint64_t step_budget = 0;             // when an execution used all of it: the budget
  std::uint64_t fair_steps = 0;              // and the fair run's choice points (0: it did not end within the budget)
  std::uint64_t traces = 0;                  // distinct Mazurkiewicz traces seen (coverage)
  double unreduced_estimate = 0;             // reduced dfs: executions a search without reduction would run (estimate)
  std::optional<Shard> shard;                // --shard i/n: this report is shard i of n
  std::optional<DfsSplit> dfs_split;         // a dfs search's shard
  std::optional<TimingResult> timing;        // scenarios with `timing:`: the timing run and its expectations
  std::vector<Finding> findings;             // in order of first appearance
  std::string event_log;                     // RunOptions::events: one line per event
  std::vector<std::string> expect_lines;     // "found uninit/..." / "MISSING ..."
  std::vector<ExpectResult> expectations;    // the same, one per expectation (JUnit testcases)
  std::vector<LockEdge> lock_graph;          // the run's lock dependency graph (lock-graph DOT)
  std::map<std::string, Witness> witnesses;  // by finding key, when attach_witnesses() ran
  int name_line = 1;                         // line of `name:` in the scenario file
  bool baselined = false;                    // run with --baseline: findings are the new ones only
  std::size_t suppressed = 0;                // findings the baseline accepted (dropped from `findings`)
  std::vector<Finding> suppressed_findings;  // those findings
  // run --schedule-dir: the file each long witness was written to, by finding
  // key (the text's replay command names it instead of the schedule)
  std::map<std::string, std::string> schedule_files;
  bool replay = false;
  std::string replay_error;             // divergence, empty if none
  std::vector<std::string> op_results;  // replay: how each thread's op returned
  bool ok = true;
};

}  // namespace mhp
