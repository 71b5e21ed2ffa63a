// Replay: one given schedule, once. A schedule the model does not take to
// its end (or that ends early) is the replay's error, not a finding.
#include "tools/cli/search.hpp"

namespace mhp {

namespace {

class ReplaySearch final : public Search {
 public:
  explicit ReplaySearch(const Schedule& s) : strategy_(s) {}
  bool next(std::uint64_t& index) override {
    index = 0;
    return !done_ && (done_ = true);
  }
  Strategy& strategy() override { return strategy_; }
  void outcome(const Outcome& o) override {
    if (o.status == Outcome::Status::Diverged)
      error_ = o.detail;
    else if (!strategy_.consumed())
      error_ = "the execution ended at choice " + std::to_string(strategy_.position()) +
               " but the schedule has more choices";
  }
  std::string progress(std::uint64_t, double, const RunResult&) override { return ""; }
  void describe(ScenarioResult& res, const RunResult&) override {
    res.strategy = "replay";
    res.replay = true;
    res.executions = 1;
    res.replay_error = error_;
    res.ok = error_.empty();
  }

 private:
  ReplayStrategy strategy_;
  bool done_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<Search> replay_search(const SearchSpec& spec) { return std::make_unique<ReplaySearch>(*spec.replay); }

}  // namespace mhp
