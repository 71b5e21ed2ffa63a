// `time`: run scenarios once in virtual time: makespan, lock_stat, critical path.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "model/scenario/scenario.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/output_file.hpp"
#include "tools/cli/timing.hpp"
#include "tools/report/report.hpp"

namespace mhp {

namespace {

class TimeCommand final : public Command {
 public:
  explicit TimeCommand(CLI::App& app) {
    app_ = app.add_subcommand("time", "run scenarios once in virtual time: makespan, lock_stat, critical path");
    app_->add_option("paths", paths_, "scenario files or directories")->required();
    app_->add_option("--cpus", cpus_, "simulated CPUs (default: timing.cpus, else one per thread)")
        ->check(CLI::Range(1u, 4096u));
    app_->add_option("--format", format_, "report format")->check(CLI::IsMember({"text", "json"}));
    app_->add_option("--trace", trace_, "write the (first) timing run as a Perfetto trace in virtual time to FILE");
    add_max_memory(app_);
  }
  bool selected() const override { return app_->parsed(); }
  int run() override;

 private:
  CLI::App* app_;
  std::vector<std::string> paths_;
  std::optional<unsigned> cpus_;
  std::string format_ = "text";
  std::string trace_;
};

int TimeCommand::run() {
  std::vector<Scenario> scenarios;
  for (const auto& f : scenario_files(paths_)) scenarios.push_back(load_scenario(f));
  std::unique_ptr<OutputFile> trace_out =
      trace_.empty() ? std::make_unique<OutputFile>() : std::make_unique<OutputFile>(trace_);
  bool ok = true;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    Scenario& sc = scenarios[i];
    if (cpus_) sc.timing.cpus = *cpus_;
    std::string trace;
    TimingResult t = run_timing(sc, false, !trace_.empty() && i == 0 ? &trace : nullptr);
    if (!trace.empty()) trace_out->write(trace);
    if (sc.timing.present && !cpus_) check_timing_expectations(sc, t);
    ok &= t.ok;
    if (format_ == "json") {
      nlohmann::ordered_json j = timing_json(t);
      j["scenario"] = t.name;
      j["file"] = t.file;
      std::cout << j.dump() << "\n";
    } else {
      std::cout << render_timing_text(t) << "\n";
    }
  }
  trace_out->commit();
  return ok ? 0 : 1;
}

}  // namespace

std::unique_ptr<Command> add_time_command(CLI::App& app) { return std::make_unique<TimeCommand>(app); }

}  // namespace mhp
