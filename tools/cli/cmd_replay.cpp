// `replay`: re-run one recorded schedule of a scenario, or one execution of
// its exploration by index.
#include <iostream>
#include <optional>

#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "model/support/yaml_util.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/run.hpp"
#include "tools/report/report.hpp"

namespace mhp {

namespace {

class ReplayCommand final : public Command {
 public:
  explicit ReplayCommand(CLI::App& app) {
    app_ = app.add_subcommand("replay", "re-run one recorded schedule of a scenario");
    app_->add_option("scenario", file_, "scenario file")->required();
    sched_opt_ = app_->add_option("--schedule", sched_, "schedule from a finding (THREAD:COUNT,...)");
    sched_file_opt_ = app_->add_option("--schedule-file", sched_file_,
                                       "instead: the schedule in a file (`run --schedule-dir`; either form)");
    auto* exec_opt = app_->add_option("--execution", exec_text_, "instead: execution K of the scenario's exploration");
    app_->add_option("--seed", seed_, "with --execution: the seed (default explore.seed)")
        ->check(CLI::NonNegativeNumber);
    app_->add_option("--strategy", strategy_, "with --execution: random, pct or pos")
        ->check(CLI::IsMember({"random", "pct", "pos"}));
    sched_opt_->excludes(exec_opt);
    sched_file_opt_->excludes(exec_opt);
    sched_file_opt_->excludes(sched_opt_);
    app_->add_option("--format", format_, "report format")->check(CLI::IsMember({"text", "json"}));
    app_->add_flag("--events", events_, "also list every event of the execution (stderr)");
    app_->add_flag("--all-choice-points", all_choice_points_,
                   "the schedule was recorded by `run --all-choice-points` (or by mhpsim before 2026-12)");
    add_max_memory(app_);
  }
  bool selected() const override { return app_->parsed(); }
  int run() override;

 private:
  CLI::App* app_;
  std::string file_, sched_, sched_file_;
  CLI::Option* sched_opt_;
  CLI::Option* sched_file_opt_;
  std::optional<std::uint64_t> seed_;
  std::optional<std::string> exec_text_;  // parsed in run(): CLI11 reads "-1" as 2^64-1
  std::optional<std::string> strategy_;
  std::string format_ = "text";
  bool events_ = false;
  bool all_choice_points_ = false;
};

int ReplayCommand::run() {
  Scenario sc = load_scenario(file_);
  sc.page_footprint = !all_choice_points_;
  RunOptions o;
  o.events = events_;
  std::optional<std::uint64_t> rep_exec;
  if (exec_text_) {
    const std::string& t = *exec_text_;
    if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos ||
        std::stoull(t) >= 100000000)
      throw InputError(
          "<command line>", 0, 0, "--execution",
          "'" + t + "' is not an execution index (0 <= K < 100000000, the most explore.executions allows)");
    rep_exec = std::stoull(t);
  }
  if (rep_exec) {  // replay by seed: one execution of the exploration, its witness as found
    o.only_execution = rep_exec;
    o.seed = seed_;
    o.strategy = strategy_;
    o.shrink = false;
  } else if (sched_file_opt_->count()) {
    const std::string text = read_input_file(sched_file_);
    try {
      o.replay = Schedule::decode_any(text, sc.step_budget);
    } catch (const std::invalid_argument& e) {
      throw InputError(sched_file_, 1, 1, "<schedule>", e.what());
    }
  } else {
    if (sched_opt_->count() == 0)
      throw InputError("<command line>", 0, 0, "--schedule",
                       "give --schedule S, --schedule-file FILE or --execution K");
    try {
      // an execution stops at its step budget: a longer schedule cannot replay
      o.replay = Schedule::decode(sched_, sc.step_budget);
    } catch (const std::invalid_argument& e) {
      throw InputError("<command line>", 0, 0, "--schedule", e.what());
    }
  }
  ScenarioResult r = run_scenario(sc, o);
  std::cerr << r.event_log;
  std::cout << (format_ == "json" ? render_json(r) : render_text(r));
  if (!r.replay_error.empty()) {
    std::cerr << "mhpsim: replay diverged: " << r.replay_error << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

std::unique_ptr<Command> add_replay_command(CLI::App& app) { return std::make_unique<ReplayCommand>(app); }

}  // namespace mhp
