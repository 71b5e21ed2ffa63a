// Sampled searches: random, pct, pos. Execution k's schedule depends only on
// (seed, k), so the executions 0..n-1 split over workers in chunks taken
// from a shared counter and over shards by index, and the merged result is
// the same for any split.
#include <algorithm>
#include <cstdio>

#include "model/support/stop_request.hpp"
#include "tools/cli/machine.hpp"
#include "tools/cli/search.hpp"
#include "tools/cli/stop_signals.hpp"

namespace mhp {

namespace {

class SampledSearch final : public Search {
 public:
  SampledSearch(const Scenario& sc, const SearchSpec& spec, SampledIndices& indices, std::uint64_t pct_steps)
      : sc_(sc), spec_(spec), indices_(indices), pct_steps_(pct_steps) {
    const unsigned threads = unsigned(sc.threads.size());
    if (spec.kind == SearchKind::Pct)
      strategy_ = std::make_unique<PctStrategy>(spec.seed, spec.depth, pct_steps, threads);
    else if (spec.kind == SearchKind::Pos)
      strategy_ = std::make_unique<PosStrategy>(spec.seed, threads);
    else
      strategy_ = std::make_unique<RandomStrategy>(spec.seed);
  }
  bool next(std::uint64_t& index) override {
    for (;;) {
      for (; lo_ < hi_; ++lo_)
        if (indices_.mine(lo_)) {
          index = lo_++;
          return true;
        }
      if (!indices_.chunk(lo_, hi_)) return false;
    }
  }
  Strategy& strategy() override { return *strategy_; }
  std::string progress(std::uint64_t done, double seconds, const RunResult&) override {
    const std::uint64_t total = indices_.total();
    char b[256];
    std::snprintf(b, sizeof b, "%s: %llu/%llu executions, %.0f/s, ETA %.0f s", sc_.name.c_str(),
                  (unsigned long long)done, (unsigned long long)total, done / seconds,
                  (total - std::min(total, done)) / (done / seconds));
    return b;
  }
  void describe(ScenarioResult& res, const RunResult& r) override {
    res.strategy = search_kind_name(spec_.kind);
    if (spec_.kind == SearchKind::Pct)
      res.strategy += " (depth " + std::to_string(spec_.depth) + ", k " + std::to_string(pct_steps_) + ")";
    res.executions_run = r.executions;
    res.executions_simulated = r.simulated;
    res.traces = r.traces.size();
    if (r.stopped || stopping()) {
      res.stopped = stop_text();
      res.executions = r.executions;  // what the findings' counts are out of
    }
  }

 private:
  const Scenario& sc_;
  const SearchSpec& spec_;
  SampledIndices& indices_;
  std::uint64_t pct_steps_;
  std::unique_ptr<Strategy> strategy_;
  std::uint64_t lo_ = 0, hi_ = 0;  // this worker's chunk
};

}  // namespace

std::uint64_t pct_steps(const Scenario& sc) {
  Machine m(sc);
  KeepRunning keep;
  m.run(keep, 0);
  return std::max<std::uint64_t>(keep.calls, 1);
}

std::unique_ptr<Search> sampled_search(const Scenario& sc, const SearchSpec& spec, SampledIndices& indices,
                                       std::uint64_t pct_steps) {
  return std::make_unique<SampledSearch>(sc, spec, indices, pct_steps);
}

}  // namespace mhp
