// mhpsim: run scenarios, replay a witness schedule, show step programs.
// Exit codes: 0 expectations hold, 1 an expectation fails (or replay
// diverges), 2 internal error or a failed write (stdout or an output file),
// 3 bad input (scenario file or options); `run` stopped by SIGINT 130, by
// SIGTERM 143, after printing what it found (a --time-limit stop keeps 0/1).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "model/scenario/memory_limit.hpp"
#include "model/support/input_error.hpp"
#include "model/support/yaml_util.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/output_file.hpp"

using namespace mhp;

namespace {

// "did you mean" for a misspelled subcommand or option, which CLI11 only
// calls unexpected: the first word no subcommand has, or the first --option
// the innermost subcommand (or the program) does not take.
std::string cli_hint(CLI::App& app, int argc, char** argv) {
  auto all = [](CLI::App* a) { return a->get_subcommands([](CLI::App*) { return true; }); };
  CLI::App* at = &app;
  std::vector<std::string> options;
  auto add_options = [&](CLI::App* a) {
    for (const CLI::Option* o : a->get_options())
      for (const auto& l : o->get_lnames()) options.push_back("--" + l);
  };
  add_options(&app);
  for (int i = 1; i < argc; ++i) {
    std::string w = argv[i];
    if (w.rfind("--", 0) == 0) {
      w = w.substr(0, w.find('='));
      if (std::find(options.begin(), options.end(), w) == options.end()) return did_you_mean(w, options);
      continue;
    }
    if (w.empty() || w[0] == '-') continue;
    std::vector<std::string> names;
    CLI::App* next = nullptr;
    for (CLI::App* s : all(at)) {
      names.push_back(s->get_name());
      if (s->get_name() == w) next = s;
    }
    if (next) {
      at = next;
      add_options(at);
    } else if (!names.empty() && at->get_subcommands().empty() && at->get_require_subcommand_min() > 0) {
      return did_you_mean(w, names);  // a word where a subcommand must be
    }
  }
  return "";
}

int run_main(int argc, char** argv) {
  CLI::App app{"mhpsim: a discrete-event model of Linux memory-hotplug locking"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("mhpsim ") + MHPSIM_VERSION, "print the version and exit");
  auto* help = app.add_subcommand("help", "print this help (the same as --help)");
  std::vector<std::unique_ptr<Command>> commands;
  for (auto add :
       {add_run_command, add_replay_command, add_time_command, add_diff_command, add_merge_command, add_ops_command})
    commands.push_back(add(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    const std::string hint = cli_hint(app, argc, argv);
    if (!hint.empty()) std::cerr << "(did you mean '" << hint << "'?)\n";
    return 3;
  }
  if (*help) {  // app.help() would print the selected subcommand's help, that of `help`
    std::cout << app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
    return 0;
  }
  for (auto& c : commands) {
    if (!c->selected()) continue;
    if (!c->max_memory().empty()) {
      auto bytes = parse_size(c->max_memory());
      if (!bytes || *bytes == 0)
        throw InputError("<command line>", 0, 0, "--max-memory",
                         "'" + c->max_memory() + "' is not a size such as 4G, 512M or 1T");
      set_max_memory(*bytes);
    }
    return c->run();
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  install_stdout_buffer();
  try {
    int rc = run_main(argc, argv);
    check_stdout();  // a report lost on a full disk or a closed pipe is not a pass
    return rc;
  } catch (const OutputError& e) {
    std::cerr << "mhpsim: error: " << e.what() << "\n";
    return 2;
  } catch (const InputError& e) {
    std::cerr << "mhpsim: error: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "mhpsim: internal error: " << e.what() << "\n";
    return 2;
  }
}
