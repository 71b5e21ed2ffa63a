// `merge`: join the JSON reports of `run --shard` into one run's report.
#include <iostream>

#include "tools/cli/commands.hpp"
#include "tools/cli/merge.hpp"

namespace mhp {

namespace {

class MergeCommand final : public Command {
 public:
  explicit MergeCommand(CLI::App& app) {
    app_ = app.add_subcommand("merge", "join the JSON reports of `run --shard` into one run's report");
    app_->add_option("reports", files_, "JSON report files")->required();
  }
  bool selected() const override { return app_->parsed(); }
  int run() override { return merge_reports(files_, std::cout); }

 private:
  CLI::App* app_;
  std::vector<std::string> files_;
};

}  // namespace

std::unique_ptr<Command> add_merge_command(CLI::App& app) { return std::make_unique<MergeCommand>(app); }

}  // namespace mhp
