// `ops`: inspect step programs: show one (with a variant's edits), list the
// eras and their ops, list the step primitives.
#include <algorithm>
#include <iostream>

#include "model/kernel/primitives.hpp"
#include "model/ops/program.hpp"
#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "model/support/yaml_util.hpp"
#include "tools/cli/commands.hpp"

namespace mhp {

namespace {

class OpsCommand final : public Command {
 public:
  explicit OpsCommand(CLI::App& app) {
    auto* ops = app.add_subcommand("ops", "inspect step programs");
    ops->require_subcommand(1);
    show_ = ops->add_subcommand("show", "print an operation's step program with its lock regions");
    show_->add_option("op", op_, "operation")->required();
    era_opt_ = show_->add_option("--era", era_, "era (default: the --variant file's, else v6)");
    show_->add_option("--variant", variant_file_, "variant file, or scenario file, whose edits to apply");
    list_ = ops->add_subcommand("list", "the eras and the operations each one has");
    prims_ = ops->add_subcommand("primitives", "every step primitive and the kernel function it models");
  }
  bool selected() const override { return show_->parsed() || list_->parsed() || prims_->parsed(); }
  int run() override {
    if (list_->parsed()) return list();
    if (prims_->parsed()) return primitives();
    return show();
  }

 private:
  int list();
  int primitives();
  int show();
  CLI::App* show_;
  CLI::App* list_;
  CLI::App* prims_;
  CLI::Option* era_opt_;
  std::string op_, era_ = "v6", variant_file_;
};

int OpsCommand::list() {
  const OpCatalog& cat = OpCatalog::get();
  for (const auto& e : cat.eras()) {
    std::cout << e << ":";
    for (const auto& o : cat.ops(e)) std::cout << " " << o;
    std::cout << "\n";
  }
  return 0;
}

int OpsCommand::primitives() {
  for (const auto& p : all_primitives()) std::cout << p.name << "    # " << p.kernel << "\n";
  return 0;
}

int OpsCommand::show() {
  const OpCatalog& cat = OpCatalog::get();
  // --variant: a scenario (its program, era and variant) or a variant file
  // (its edits of op, on the era it names)
  std::string vtext;
  bool scenario_variant = false;
  VariantSpec vspec;
  if (!variant_file_.empty()) {
    vtext = read_input_file(variant_file_);
    scenario_variant = is_scenario_text(vtext);
    std::string file_era;
    int era_line = 0, era_col = 0;
    if (scenario_variant) {
      Scenario sc = parse_scenario(variant_file_, vtext);
      file_era = sc.era;
    } else {
      vspec = parse_variant_file(variant_file_, vtext);
      file_era = vspec.era;
      era_line = vspec.era_line;
      era_col = vspec.era_col;
    }
    if (era_opt_->count() == 0 && !file_era.empty()) era_ = file_era;
    if (!file_era.empty() && era_ != file_era)
      throw InputError(variant_file_, era_line, era_col, "era",
                       "the file is written for era " + file_era + ", not --era " + era_);
  }
  const OpProgram* p = cat.find(era_, op_);
  if (!p) {
    const auto& eras = known_eras();
    if (std::find(eras.begin(), eras.end(), era_) == eras.end())
      throw InputError("<command line>", 0, 0, "era", "'" + era_ + "' is not one of: " + join_list(cat.eras()));
    std::vector<std::string> has;
    for (const auto& e : cat.eras())
      if (cat.find(e, op_)) has.push_back(e);
    if (has.empty())
      throw InputError("<command line>", 0, 0, "op",
                       "no op '" + op_ + "'; the ops of era " + era_ + " are: " + join_list(cat.ops(era_)));
    throw InputError("<command line>", 0, 0, "era",
                     "op '" + op_ + "' does not exist in era " + era_ + "; it exists in: " + join_list(has));
  }
  if (scenario_variant) {
    Scenario sc = parse_scenario(variant_file_, vtext);
    auto it = sc.programs.find(op_);
    if (it == sc.programs.end())
      throw InputError(variant_file_, 0, 0, "variant", "scenario does not run op '" + op_ + "' in era " + era_);
    std::cout << "variant " << sc.variant << " of " << variant_file_ << "\n" << show_program(it->second);
    return 0;
  }
  if (!variant_file_.empty()) {
    // edits naming threads change those threads' programs only: not shown
    OpProgram v = *p;
    int per_thread = 0;
    for (const VariantEdit& e : vspec.edits) {
      if (e.op != op_) continue;
      if (e.threads.empty())
        apply_edit(v, e);
      else
        ++per_thread;
    }
    std::cout << "variant " << vspec.name << " of " << variant_file_ << "\n";
    if (per_thread)
      std::cout << "(" << per_thread << " edit(s) naming threads not applied: they edit those threads' programs)\n";
    std::cout << show_program(v);
    return 0;
  }
  std::cout << show_program(*p);
  return 0;
}

}  // namespace

std::unique_ptr<Command> add_ops_command(CLI::App& app) { return std::make_unique<OpsCommand>(app); }

}  // namespace mhp
