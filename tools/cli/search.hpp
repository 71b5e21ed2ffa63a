// A search of one scenario's executions, as the explorer (explorer.hpp)
// runs it: the search answers "is there another execution, and which?", the
// explorer runs it on a Machine, records what it found (run_result.hpp) and
// prints progress. The kinds: random, pct, pos (sampled: executions 0..n-1,
// each a function of seed and index, so workers and shards split them),
// dfs (exhaustive, one sequential search that helpers may run ahead of) and
// replay (one schedule, once).
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "model/engine/dfs.hpp"
#include "model/engine/execution.hpp"
#include "model/engine/schedule.hpp"
#include "model/scenario/scenario.hpp"
#include "tools/cli/run_result.hpp"
#include "tools/report/result.hpp"

namespace mhp {

class Machine;

enum class SearchKind : std::uint8_t { Replay, Random, Pct, Pos, Dfs };

// How one scenario is searched: the scenario's `explore:` with the command
// line's overrides, parsed once.
struct SearchSpec {
  SearchKind kind = SearchKind::Random;
  std::uint64_t seed = 0;
  std::uint64_t executions = 0;           // at most (replay: 1; --execution K: K + 1)
  unsigned depth = 0;                     // pct's bug depth
  Reduction reduction = Reduction::None;  // dfs
  unsigned bound = 0;                     // dfs: preemption bound (DfsStrategy::kUnbounded: none)
  unsigned jobs = 1;
  std::optional<Shard> shard;         // sampled: executions with index % n == i; dfs: pieces (DfsStrategy::split)
  std::optional<std::uint64_t> only;  // sampled: only execution K (replay by seed)
  const Schedule* replay = nullptr;   // replay: the schedule
  bool observers_per_pfn = false;     // dfs: one search per observer pfn (Scenario::observers_per_pfn)
  bool memo = true;                   // repeated schedules answered from the schedule trie; trace signatures memoized
  bool progress = true;               // the progress line on stderr
  bool events = false;                // replay, --execution: keep the execution's event log
};

// The name of a kind as scenarios and --strategy write it.
const char* search_kind_name(SearchKind k);
// A report's strategy text ("dfs (sleep sets, ..., complete)"): the kind it
// names, and whether a dfs search says it completed (`mhpsim merge` reads
// the JSON result line).
SearchKind search_kind_of(const std::string& strategy_text);
bool search_text_complete(const std::string& strategy_text);

class Search {
 public:
  virtual ~Search() = default;
  // The machine the search's executions run on, once it is made (before next()).
  virtual void bind(Machine& m) { (void)m; }
  // Is there another execution? If so, its index.
  virtual bool next(std::uint64_t& index) = 0;
  // The strategy that schedules it.
  virtual Strategy& strategy() = 0;
  // A parallel dfs's helper ran it already: its record goes into `r` (and
  // m's lock order) as if it had run here. False: it is to be run.
  virtual bool take(Machine& m, RunResult& r, std::uint64_t index) {
    (void)m, (void)r, (void)index;
    return false;
  }
  // Right after the run, before it is recorded (dfs: a divergence is a model error).
  virtual void outcome(const Outcome& o) { (void)o; }
  // Whether the run's findings count (a bounded dfs's re-run of an earlier round's does not).
  virtual bool counts() const { return true; }
  // After it is recorded.
  virtual void ran() {}
  // After the last execution (dfs: its helpers stop).
  virtual void end() {}
  // The progress line after `done` executions in `seconds`.
  virtual std::string progress(std::uint64_t done, double seconds, const RunResult& r) = 0;
  // What the search was and what it proved, into the scenario's result:
  // strategy text, execution counts, completeness, traces.
  virtual void describe(ScenarioResult& res, const RunResult& r) = 0;
};

// The indices of a sampled search, which its workers share: chunks of
// 0..n-1 from one counter, each index kept if it is the shard's (and the
// one --execution asks for).
class SampledIndices {
 public:
  explicit SampledIndices(const SearchSpec& s) : n_(s.executions), shard_(s.shard), only_(s.only) {}
  // The next chunk of indices [lo, hi); false when none is left.
  bool chunk(std::uint64_t& lo, std::uint64_t& hi) {
    lo = next_.fetch_add(kChunk);
    if (lo >= n_) return false;
    hi = std::min(n_, lo + kChunk);
    return true;
  }
  bool mine(std::uint64_t i) const {
    return (!shard_ || i % shard_->second == shard_->first) && (!only_ || i == *only_);
  }
  std::uint64_t total() const { return shard_ ? (n_ + shard_->second - 1) / shard_->second : n_; }

 private:
  static constexpr std::uint64_t kChunk = 32;
  std::uint64_t n_;
  std::optional<Shard> shard_;
  std::optional<std::uint64_t> only_;
  std::atomic<std::uint64_t> next_{0};
};

// The searches (search_sampled.cpp, search_dfs.cpp, search_replay.cpp).
std::unique_ptr<Search> sampled_search(const Scenario& sc, const SearchSpec& spec, SampledIndices& indices,
                                       std::uint64_t pct_steps);
// PCT's k: the steps of one run without preemption.
std::uint64_t pct_steps(const Scenario& sc);
std::unique_ptr<Search> dfs_search(const Scenario& sc, const SearchSpec& spec);  // made on bind()
std::unique_ptr<Search> replay_search(const SearchSpec& spec);

// Keeps the running thread while it can, counting its choices: the run
// without preemption that calibrates PCT's k and Knuth's estimator.
struct KeepRunning final : Strategy {
  std::uint64_t calls = 0;
  void begin_execution(std::uint64_t) override { calls = 0; }
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    ++calls;
    if (current != kNoThread && (enabled & thread_bit(current))) return current;
    return lowest_thread(enabled);
  }
};

// Whether --shard splits a dfs search into pieces (DfsStrategy::split): a
// plain or sleep-set search, whose pieces are exactly its schedules. A
// source-DPOR or BPOR search is not split: its races ask for branches near
// the root that only the pieces below would show, so a split without the
// shards talking to each other must try every thread at the nodes above the
// cut, which measured up to 334x the unsplit search, or cut near the root,
// where one piece held nearly all of it (docs/PERFORMANCE.md, "dfs split
// over shards"). Shard 0 runs it whole, the others nothing.
bool splits(const SearchSpec& spec);
// A dfs search's strategy text (without "dfs (" and its end): the
// reduction, with the counts a report states for it.
std::string dfs_how(Reduction red, std::optional<unsigned> bound, std::uint64_t repeats, std::uint64_t sleep_blocked);

// Knuth's estimate of the executions an unbounded dfs without reduction
// would run, from `paths` uniformly random schedules.
double estimate_unreduced(const Scenario& sc, unsigned paths, unsigned bound);  // bound ~0u: the whole tree

}  // namespace mhp
