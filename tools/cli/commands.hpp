// The subcommands of `mhpsim`, one file each (cmd_*.cpp): a command adds its
// subcommand and options to the program's CLI11 app, and main() runs the one
// the command line selected.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace mhp {

class Command {
 public:
  virtual ~Command() = default;
  // Whether the command line selected this command.
  virtual bool selected() const = 0;
  // Runs it; the exit code (main.cpp's table).
  virtual int run() = 0;
  // --max-memory, of every command that loads scenarios (empty: not given).
  const std::string& max_memory() const { return max_memory_; }

 protected:
  void add_max_memory(CLI::App* c) {
    c->add_option("--max-memory", max_memory_,
                  "refuse a geometry whose model needs more memory (default 4G; K, M, G, T)");
  }

 private:
  std::string max_memory_;
};

// In the order `mhpsim --help` lists them.
std::unique_ptr<Command> add_run_command(CLI::App& app);  // run and baseline
std::unique_ptr<Command> add_replay_command(CLI::App& app);
std::unique_ptr<Command> add_time_command(CLI::App& app);
std::unique_ptr<Command> add_diff_command(CLI::App& app);
std::unique_ptr<Command> add_merge_command(CLI::App& app);
std::unique_ptr<Command> add_ops_command(CLI::App& app);  // ops show, list, primitives

// Scenario files named on the command line: files as given, directories by
// every .yaml below them, in sorted order.
std::vector<std::string> scenario_files(const std::vector<std::string>& paths);

}  // namespace mhp
