// `diff`: compare two scenarios (or one under two variants): findings and timing.
#include <iostream>
#include <optional>

#include "model/support/input_error.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/diff.hpp"
#include "tools/cli/run.hpp"

namespace mhp {

namespace {

class DiffCommand final : public Command {
 public:
  explicit DiffCommand(CLI::App& app) {
    app_ = app.add_subcommand("diff", "compare two scenarios (or one under two variants): findings and timing");
    app_->add_option("scenarios", files_, "A B: two scenario files; or one with --variants")
        ->required()
        ->expected(1, 2);
    app_->add_option("--variants", variants_,
                     "VA VB: variant files (YAML with `variant:`; - for none) for one scenario")
        ->expected(2);
    app_->add_option("--format", format_, "report format")->check(CLI::IsMember({"text", "json"}));
    app_->add_option("--seed", args_.seed, "override explore.seed")->check(CLI::NonNegativeNumber);
    app_->add_option("--executions", args_.executions, "override explore.executions")
        ->check(CLI::Range(std::uint64_t(1), std::uint64_t(100000000)));
    app_->add_option("--jobs", args_.jobs, "worker threads")->check(CLI::Range(1u, 256u));
    add_max_memory(app_);
  }
  bool selected() const override { return app_->parsed(); }
  int run() override;

 private:
  CLI::App* app_;
  std::vector<std::string> files_, variants_;
  std::string format_ = "text";
  struct {
    std::optional<std::uint64_t> seed, executions;
    std::optional<unsigned> jobs;
  } args_;
};

int DiffCommand::run() {
  DiffInput in;
  if (variants_.empty()) {
    if (files_.size() != 2)
      throw InputError("<command line>", 0, 0, "scenarios", "give two scenario files, or one with --variants VA VB");
    in.a_file = files_[0];
    in.b_file = files_[1];
  } else {
    if (files_.size() != 1)
      throw InputError("<command line>", 0, 0, "--variants", "--variants takes one scenario file");
    in.a_file = in.b_file = files_[0];
    in.a_variant = variants_[0];
    in.b_variant = variants_[1];
  }
  RunOptions o;
  o.seed = args_.seed;
  o.executions = args_.executions;
  o.jobs = args_.jobs;
  return diff_scenarios(in, o, format_, std::cout);
}

}  // namespace

std::unique_ptr<Command> add_diff_command(CLI::App& app) { return std::make_unique<DiffCommand>(app); }

}  // namespace mhp
