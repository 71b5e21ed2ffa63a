// mhpsim: run scenarios, replay a witness schedule, show step programs.
// Exit codes: 0 expectations hold, 1 an expectation fails (or replay
// diverges), 2 internal error or a failed write (stdout or an output file),
// 3 bad input (scenario file or options); `run` stopped by SIGINT 130, by
// SIGTERM 143, after printing what it found (a --time-limit stop keeps 0/1).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "model/ops/primitives.hpp"
#include "model/ops/program.hpp"
#include "model/support/yaml_util.hpp"
#include "model/scenario/memory_limit.hpp"
#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "tools/cli/baseline.hpp"
#include "tools/cli/diff.hpp"
#include "tools/cli/merge.hpp"
#include "tools/cli/output_file.hpp"
#include "tools/cli/progress.hpp"
#include "tools/cli/run.hpp"
#include "tools/cli/stop_signals.hpp"
#include "tools/cli/timing.hpp"
#include "tools/report/report.hpp"

namespace fs = std::filesystem;
using namespace mhp;

namespace {

std::vector<std::string> scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
          found.push_back(e.path().lexically_normal().string());
      std::sort(found.begin(), found.end());
      if (found.empty()) throw InputError(p, 0, 0, "<path>", "directory holds no .yaml scenario");
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(fs::path(p).lexically_normal().string());
    } else {
      throw InputError(p, 0, 0, "<path>", "no such file or directory");
    }
  }
  return out;
}

struct RunArgs {
  std::vector<std::string> paths;
  std::optional<std::uint64_t> seed, executions;
  std::optional<std::string> strategy, reduce;
  std::optional<unsigned> depth, bound, jobs;
  std::string shard_text;
  bool no_shrink = false;
  bool no_memo = false;
  bool no_progress = false;
  unsigned progress_every = 10;
};

void add_run_options(CLI::App* c, RunArgs& a) {
  c->add_option("paths", a.paths, "scenario files or directories")->required();
  c->add_option("--seed", a.seed, "override the scenario's explore.seed")->check(CLI::NonNegativeNumber);
  c->add_option("--executions", a.executions, "override the scenario's explore.executions")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(100000000)));
  c->add_option("--strategy", a.strategy, "override explore.strategy")->check(CLI::IsMember({"random", "pct", "pos", "dfs"}));
  c->add_option("--reduce", a.reduce, "dfs reduction: none (preemption-bounded), sleep (sleep sets, unbounded) or dpor (source sets "
                  "and sleep sets, unbounded; with a bound: BPOR)")
      ->check(CLI::IsMember({"none", "sleep", "dpor"}));
  c->add_option("--bound", a.bound, "dfs preemption bound (default: explore.bound; unset: 2 for --reduce none, unbounded for dpor)")->check(CLI::Range(0u, 16u));
  c->add_option("--depth", a.depth, "pct bug depth (default: explore.depth, 3)")->check(CLI::Range(1u, 8u));
  c->add_option("--jobs", a.jobs, "worker threads; findings and witnesses are the same for any value")
      ->check(CLI::Range(1u, 256u));
  c->add_option("--shard", a.shard_text, "I/N: run only executions whose index % N == I (merge with `mhpsim merge`)");
  c->add_flag("--no-shrink", a.no_shrink, "report witnesses as found, without shrinking them");
  c->add_flag("--no-progress", a.no_progress, "no progress line on stderr");
  c->add_option("--progress-every", a.progress_every,
                "when stderr is not a terminal (a CI log): a progress line every SECONDS (default 10; 0: none)")
      ->check(CLI::Range(0u, 86400u));
  c->add_flag("--no-memo", a.no_memo,
              "simulate every execution, also one whose schedule ran before (the report is the same; slower)");
}

// run --schedule-dir: each witness too long to print goes to
// DIR/<scenario number>-<name>-<finding number>.schedule in the compact form,
// 76 characters a line; the reports name the file.
void write_schedule_files(const std::string& dir, std::size_t index, ScenarioResult& r) {
  std::string name;
  for (char c : r.name) name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  for (std::size_t k = 0; k < r.findings.size(); ++k) {
    const Finding& f = r.findings[k];
    if (f.schedule.size() <= kLongSchedule) continue;
    const std::string path = (fs::path(dir) / (std::to_string(index + 1) + "-" + name + "-" + std::to_string(k + 1) +
                                                ".schedule")).string();
    const std::string compact = Schedule::decode(f.schedule).encode_compact();
    std::string text;
    for (std::size_t p = 0; p < compact.size(); p += 76) text += compact.substr(p, 76) + "\n";
    OutputFile out(path);
    out.write(text);
    out.commit();
    r.schedule_files[f.key] = path;
  }
}

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

RunOptions run_options(const RunArgs& a) {
  RunOptions o;
  if (!a.shard_text.empty()) {
    o.shard = parse_shard(a.shard_text);
    if (!o.shard) throw InputError("<command line>", 0, 0, "--shard", "'" + a.shard_text + "' is not I/N with 0 <= I < N");
  }
  o.seed = a.seed;
  o.executions = a.executions;
  o.strategy = a.strategy;
  o.depth = a.depth;
  o.bound = a.bound;
  o.reduce = a.reduce;
  o.jobs = a.jobs;
  o.shrink = !a.no_shrink;
  o.memo = !a.no_memo;
  set_progress_config({!a.no_progress, std::chrono::seconds(a.progress_every)});
  return o;
}

// An option of one strategy when no scenario of the run uses that strategy
// is a mistake (a user who adds --bound to a random run did not get a
// bounded search): an error before any report, not a silent no-op.
void check_options_apply(const RunOptions& o, const std::vector<Scenario>& scenarios) {
  auto any = [&](const char* strategy) {
    for (const auto& sc : scenarios)
      if (o.strategy.value_or(sc.strategy) == strategy) return true;
    return false;
  };
  const std::string n = std::to_string(scenarios.size()) + " scenario(s)";
  if ((o.bound || o.reduce) && !any("dfs"))
    throw InputError("<command line>", 0, 0, o.bound ? "--bound" : "--reduce",
                     "applies to --strategy dfs only, and none of the " + n + " runs dfs (add --strategy dfs)");
  if (o.depth && !any("pct"))
    throw InputError("<command line>", 0, 0, "--depth",
                     "applies to --strategy pct only, and none of the " + n + " runs pct (add --strategy pct)");
}

int run_main(int argc, char** argv) {
  CLI::App app{"mhpsim: a discrete-event model of Linux memory-hotplug locking"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("mhpsim ") + MHPSIM_VERSION, "print the version and exit");
  auto* help = app.add_subcommand("help", "print this help (the same as --help)");
  std::string max_mem;  // --max-memory, of every command that loads scenarios
  auto add_max_memory = [&](CLI::App* c) {
    c->add_option("--max-memory", max_mem, "refuse a geometry whose model needs more memory (default 4G; K, M, G, T)");
  };
  std::string format = "text";

  auto* run = app.add_subcommand("run", "run scenario files (or every .yaml below a directory)");
  auto* base = app.add_subcommand("baseline", "run scenarios and write a baseline file accepting every finding");
  RunArgs ra;
  add_run_options(run, ra);
  add_run_options(base, ra);
  run->add_option("--format", format, "report format on stdout")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit"}));
  std::string baseline_file, trace_file, trace_finding, lock_graph_file;
  run->add_option("--baseline", baseline_file, "baseline file: report only findings it does not accept");
  run->add_option("--trace", trace_file, "write the witness of a finding as Perfetto/Chrome trace JSON to FILE");
  run->add_option("--trace-finding", trace_finding, "with --trace: the finding's key (default: the first finding)");
  run->add_option("--lock-graph", lock_graph_file, "write the lock dependency graph as GraphViz DOT to FILE");
  std::string sarif_file, junit_file, json_file;
  run->add_option("--sarif", sarif_file, "also write the SARIF report to FILE (one run, any --format)");
  run->add_option("--json", json_file, "also write the JSON-lines report to FILE (any --format)");
  run->add_option("--junit", junit_file, "also write the JUnit report to FILE");
  std::size_t sarif_max_bytes = kSarifMaxBytes;
  run->add_option("--sarif-max-bytes", sarif_max_bytes,
                  "the SARIF log's size cap; code flows, then results, are cut to fit (default 10000000: "
                  "GitHub's 10 MB, uncompressed)")
      ->check(CLI::Range(std::size_t{1'000'000}, std::size_t{1} << 40));
  std::string schedule_dir;
  run->add_option("--schedule-dir", schedule_dir,
                  "write each witness schedule longer than 300 characters to a file in DIR (compact form); the "
                  "text report's replay command names the file");
  std::optional<std::string> time_limit;  // (optional: an empty one is an error, not none)
  run->add_option("--time-limit", time_limit,
                  "stop after DURATION (90s, 5m, 1h30m) and report what ran, marked incomplete; the exit code is "
                  "still 0 or 1 by the expectations");
  std::string base_out;
  base->add_option("-o,--output", base_out, "the baseline file to write")->required();

  auto* rep = app.add_subcommand("replay", "re-run one recorded schedule of a scenario");
  std::string rep_file, rep_sched;
  rep->add_option("scenario", rep_file, "scenario file")->required();
  auto* rep_sched_opt = rep->add_option("--schedule", rep_sched, "schedule from a finding (THREAD:COUNT,...)");
  std::string rep_sched_file;
  auto* rep_sched_file_opt =
      rep->add_option("--schedule-file", rep_sched_file, "instead: the schedule in a file (`run --schedule-dir`; either form)");
  std::optional<std::uint64_t> rep_seed;
  std::optional<std::string> rep_exec_text;  // parsed below: CLI11 reads "-1" as 2^64-1
  std::optional<std::string> rep_strategy;
  auto* rep_exec_opt = rep->add_option("--execution", rep_exec_text, "instead: execution K of the scenario's exploration");
  rep->add_option("--seed", rep_seed, "with --execution: the seed (default explore.seed)")->check(CLI::NonNegativeNumber);
  rep->add_option("--strategy", rep_strategy, "with --execution: random, pct or pos")
      ->check(CLI::IsMember({"random", "pct", "pos"}));
  rep_sched_opt->excludes(rep_exec_opt);
  rep_sched_file_opt->excludes(rep_exec_opt);
  rep_sched_file_opt->excludes(rep_sched_opt);
  rep->add_option("--format", format, "report format")->check(CLI::IsMember({"text", "json"}));
  bool rep_events = false;
  rep->add_flag("--events", rep_events, "also list every event of the execution (stderr)");

  auto* tim = app.add_subcommand("time", "run scenarios once in virtual time: makespan, lock_stat, critical path");
  std::vector<std::string> time_paths;
  tim->add_option("paths", time_paths, "scenario files or directories")->required();
  std::optional<unsigned> time_cpus;
  tim->add_option("--cpus", time_cpus, "simulated CPUs (default: timing.cpus, else one per thread)")
      ->check(CLI::Range(1u, 4096u));
  tim->add_option("--format", format, "report format")->check(CLI::IsMember({"text", "json"}));
  std::string time_trace;
  tim->add_option("--trace", time_trace, "write the (first) timing run as a Perfetto trace in virtual time to FILE");

  auto* dif = app.add_subcommand("diff", "compare two scenarios (or one under two variants): findings and timing");
  std::vector<std::string> diff_files;
  dif->add_option("scenarios", diff_files, "A B: two scenario files; or one with --variants")->required()->expected(1, 2);
  std::vector<std::string> diff_variants;
  dif->add_option("--variants", diff_variants, "VA VB: variant files (YAML with `variant:`; - for none) for one scenario")
      ->expected(2);
  dif->add_option("--format", format, "report format")->check(CLI::IsMember({"text", "json"}));
  RunArgs da;
  dif->add_option("--seed", da.seed, "override explore.seed")->check(CLI::NonNegativeNumber);
  dif->add_option("--executions", da.executions, "override explore.executions")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(100000000)));
  dif->add_option("--jobs", da.jobs, "worker threads")->check(CLI::Range(1u, 256u));

  auto* merge = app.add_subcommand("merge", "join the JSON reports of `run --shard` into one run's report");
  std::vector<std::string> merge_files;
  merge->add_option("reports", merge_files, "JSON report files")->required();

  auto* ops = app.add_subcommand("ops", "inspect step programs");
  ops->require_subcommand(1);
  auto* show = ops->add_subcommand("show", "print an operation's step program with its lock regions");
  std::string op_name, era = "v6", variant_file;
  show->add_option("op", op_name, "operation")->required();
  auto* era_opt = show->add_option("--era", era, "era (default: the --variant file's, else v6)");
  show->add_option("--variant", variant_file, "variant file, or scenario file, whose edits to apply");
  auto* list = ops->add_subcommand("list", "the eras and the operations each one has");
  auto* prims = ops->add_subcommand("primitives", "every step primitive and the kernel function it models");

  for (auto* c : {run, base, rep, tim, dif}) add_max_memory(c);

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
  if (!max_mem.empty()) {
    auto bytes = parse_size(max_mem);
    if (!bytes || *bytes == 0)
      throw InputError("<command line>", 0, 0, "--max-memory", "'" + max_mem + "' is not a size such as 4G, 512M or 1T");
    set_max_memory(*bytes);
  }

  if (*run || *base) {
    auto opts = run_options(ra);
    auto files = scenario_files(ra.paths);
    std::vector<Scenario> scenarios;
    for (const auto& f : files) scenarios.push_back(load_scenario(f));  // all parsed before any report
    // --bound with sleep sets (--reduce sleep, or a file's reduce: sleep), before any report: BPOR
    // (Coons et al. 2013) says why a bound prunes what a sleep set relies on
    for (const auto& sc : scenarios)
      if (opts.bound && opts.reduce.value_or(sc.reduce) == "sleep")
        throw InputError(opts.reduce ? "<command line>" : sc.file, 0, 0, "--bound",
                         "sleep sets search unbounded (a bound makes them miss schedules); use --reduce dpor or none with a bound");
    check_options_apply(opts, scenarios);
    std::optional<Baseline> baseline;
    if (!baseline_file.empty()) baseline = Baseline::load(baseline_file);
    if (!trace_finding.empty() && trace_file.empty())
      throw InputError("<command line>", 0, 0, "--trace-finding", "needs --trace FILE");
    std::optional<std::chrono::milliseconds> limit;
    if (time_limit) {
      limit = parse_duration(*time_limit);
      if (!limit)
        throw InputError("<command line>", 0, 0, "--time-limit",
                         "'" + *time_limit + "' is not a duration such as 90s, 5m, 1h30m or 1500ms (at most 30 days)");
    }
    // Output files are created before the run: a bad path fails at once.
    auto open_out = [](const std::string& path) {
      return path.empty() ? std::make_unique<OutputFile>() : std::make_unique<OutputFile>(path);
    };
    auto trace_out = open_out(trace_file);
    auto graph_out = open_out(lock_graph_file);
    auto sarif_out = open_out(sarif_file);
    auto junit_out = open_out(junit_file);
    auto json_out = open_out(json_file);
    const bool want_sarif = format == "sarif" || !sarif_file.empty();
    // `run` stops on SIGINT, SIGTERM or the time limit and reports what it found
    // (stop_signals.hpp); `baseline` is ended by them as before (an
    // incomplete baseline would accept too little).
    std::unique_ptr<RunStop> stopper;
    if (*run) stopper = std::make_unique<RunStop>(limit, time_limit.value_or(""));
    std::unique_ptr<OutputFile> base_stream;
    if (*base) {
      opts.shrink = false;  // keys do not depend on the witness
      base_stream = open_out(base_out);
    }
    bool all_ok = true;
    std::size_t passed = 0, suppressed = 0;
    std::vector<ScenarioResult> results;
    if (!schedule_dir.empty()) {
      std::error_code ec;
      fs::create_directories(schedule_dir, ec);
      if (ec) throw_output_error(schedule_dir, ec.value());
    }
    auto prepare = [&](std::size_t i, ScenarioResult& r) {  // on the worker
      if (baseline) baseline->apply(r);
      if (*run && want_sarif) attach_witnesses(scenarios[i], r);
      if (*run && !schedule_dir.empty()) write_schedule_files(schedule_dir, i, r);
    };
    auto emit = [&](std::size_t, ScenarioResult& r) {  // in file order
      suppressed += r.suppressed;
      if (*run && format == "text") std::cout << render_text(r);
      if (*run && format == "json") std::cout << render_json(r);
      all_ok &= r.ok;
      passed += r.ok;
      results.push_back(std::move(r));
    };
    run_scenarios(scenarios, opts, prepare, emit);
    if (*base) {
      base_stream->write(write_baseline(results, base_out));
      base_stream->commit();
      std::size_t n = 0;
      for (const auto& r : results) n += r.findings.size();
      std::cerr << "mhpsim: wrote " << base_out << ": " << n << " accepted finding(s) of " << files.size()
                << " scenario(s)\n";
      return 0;
    }
    if (format == "sarif") std::cout << render_sarif(results, {}, sarif_max_bytes);
    if (format == "junit") std::cout << render_junit(results);
    if (!trace_file.empty()) {
      std::size_t which = results.size();
      std::string key;
      for (std::size_t i = 0; i < results.size() && which == results.size(); ++i)
        for (const auto& f : results[i].findings)
          if (trace_finding.empty() || f.key == trace_finding || glob_match(trace_finding, f.key)) {
            which = i;
            key = f.key;
            break;
          }
      if (which == results.size()) {
        if (!trace_finding.empty())
          throw InputError("<command line>", 0, 0, "--trace-finding", "no finding matches '" + trace_finding + "'");
        std::cerr << "mhpsim: --trace: no finding, so no witness to trace; " << trace_file << " left empty\n";
      } else {
        attach_witnesses(scenarios[which], results[which], key);
        std::string trace = render_trace(results[which], key);
        if (trace.empty())
          std::cerr << "mhpsim: --trace: the witness of " << key << " is too long to trace event by event; "
                    << "`mhpsim time --trace` shows a real-geometry run in virtual time\n";
        trace_out->write(trace);
      }
    }
    if (!lock_graph_file.empty()) graph_out->write(render_lock_graph(results));
    if (!sarif_file.empty()) sarif_out->write(render_sarif(results, {}, sarif_max_bytes));
    if (!junit_file.empty()) junit_out->write(render_junit(results));
    if (!json_file.empty()) {
      std::string lines;
      for (const auto& r : results) lines += render_json(r);
      json_out->write(lines);
    }
    for (auto* f : {trace_out.get(), graph_out.get(), sarif_out.get(), junit_out.get(), json_out.get()}) f->commit();
    std::string incomplete;  // a stopped run's summary line
    if (!stop_text().empty()) {
      std::size_t cut = 0;
      std::uint64_t ran = 0;
      for (const auto& r : results) {
        cut += !r.stopped.empty();
        ran += r.executions_run;
      }
      incomplete = "INCOMPLETE: " + stop_text() + ": " + std::to_string(cut) + " of " + std::to_string(files.size()) +
                   " scenario(s) stopped before their end; " + std::to_string(ran) + " execution(s) ran";
    }
    if (format == "text") {
      std::cout << "\n" << files.size() << " scenario(s): " << passed << " passed, " << files.size() - passed
                << " failed\n";
      if (baseline)
        std::cout << "baseline " << baseline_file << ": " << suppressed << " accepted finding(s) suppressed\n";
      if (!incomplete.empty()) std::cout << incomplete << "\n";
    } else {
      if (baseline)
        std::cerr << "mhpsim: baseline " << baseline_file << ": " << suppressed << " accepted finding(s) suppressed\n";
      if (!incomplete.empty()) std::cerr << "mhpsim: " << incomplete << "\n";
    }
    return stop_exit_code(all_ok);
  }
  if (*rep) {
    Scenario sc = load_scenario(rep_file);
    RunOptions o;
    o.events = rep_events;
    std::optional<std::uint64_t> rep_exec;
    if (rep_exec_text) {
      const std::string& t = *rep_exec_text;
      if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos ||
          std::stoull(t) >= 100000000)
        throw InputError("<command line>", 0, 0, "--execution",
                         "'" + t + "' is not an execution index (0 <= K < 100000000, the most explore.executions allows)");
      rep_exec = std::stoull(t);
    }
    if (rep_exec) {  // replay by seed: one execution of the exploration, its witness as found
      o.only_execution = rep_exec;
      o.seed = rep_seed;
      o.strategy = rep_strategy;
      o.shrink = false;
    } else if (rep_sched_file_opt->count()) {
      const std::string text = read_input_file(rep_sched_file);
      try {
        o.replay = Schedule::decode_any(text, sc.step_budget);
      } catch (const std::invalid_argument& e) {
        throw InputError(rep_sched_file, 1, 1, "<schedule>", e.what());
      }
    } else {
      if (rep_sched_opt->count() == 0)
        throw InputError("<command line>", 0, 0, "--schedule", "give --schedule S, --schedule-file FILE or --execution K");
      try {
        // an execution stops at its step budget: a longer schedule cannot replay
        o.replay = Schedule::decode(rep_sched, sc.step_budget);
      } catch (const std::invalid_argument& e) {
        throw InputError("<command line>", 0, 0, "--schedule", e.what());
      }
    }
    ScenarioResult r = run_scenario(sc, o);
    std::cerr << r.event_log;
    std::cout << (format == "json" ? render_json(r) : render_text(r));
    if (!r.replay_error.empty()) {
      std::cerr << "mhpsim: replay diverged: " << r.replay_error << "\n";
      return 1;
    }
    return 0;
  }
  if (*tim) {
    std::vector<Scenario> scenarios;
    for (const auto& f : scenario_files(time_paths)) scenarios.push_back(load_scenario(f));
    std::unique_ptr<OutputFile> trace_out =
        time_trace.empty() ? std::make_unique<OutputFile>() : std::make_unique<OutputFile>(time_trace);
    bool ok = true;
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
      Scenario& sc = scenarios[i];
      if (time_cpus) sc.timing.cpus = *time_cpus;
      std::string trace;
      TimingResult t = run_timing(sc, false, !time_trace.empty() && i == 0 ? &trace : nullptr);
      if (!trace.empty()) trace_out->write(trace);
      if (sc.timing.present && !time_cpus) check_timing_expectations(sc, t);
      ok &= t.ok;
      if (format == "json") {
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
  if (*dif) {
    DiffInput in;
    if (diff_variants.empty()) {
      if (diff_files.size() != 2)
        throw InputError("<command line>", 0, 0, "scenarios", "give two scenario files, or one with --variants VA VB");
      in.a_file = diff_files[0];
      in.b_file = diff_files[1];
    } else {
      if (diff_files.size() != 1)
        throw InputError("<command line>", 0, 0, "--variants", "--variants takes one scenario file");
      in.a_file = in.b_file = diff_files[0];
      in.a_variant = diff_variants[0];
      in.b_variant = diff_variants[1];
    }
    RunOptions o;
    o.seed = da.seed;
    o.executions = da.executions;
    o.jobs = da.jobs;
    return diff_scenarios(in, o, format, std::cout);
  }
  if (*merge) return merge_reports(merge_files, std::cout);
  if (*list) {
    const OpCatalog& cat = OpCatalog::get();
    for (const auto& e : cat.eras()) {
      std::cout << e << ":";
      for (const auto& o : cat.ops(e)) std::cout << " " << o;
      std::cout << "\n";
    }
    return 0;
  }
  if (*prims) {
    for (const auto& p : all_primitives()) std::cout << p.name << "    # " << p.kernel << "\n";
    return 0;
  }
  if (*show) {
    const OpCatalog& cat = OpCatalog::get();
    // --variant: a scenario (its program, era and variant) or a variant file
    // (its edits of op, on the era it names)
    std::string vtext;
    bool scenario_variant = false;
    VariantSpec vspec;
    if (!variant_file.empty()) {
      vtext = read_input_file(variant_file);
      scenario_variant = is_scenario_text(vtext);
      std::string file_era;
      int era_line = 0, era_col = 0;
      if (scenario_variant) {
        Scenario sc = parse_scenario(variant_file, vtext);
        file_era = sc.era;
      } else {
        vspec = parse_variant_file(variant_file, vtext);
        file_era = vspec.era;
        era_line = vspec.era_line;
        era_col = vspec.era_col;
      }
      if (era_opt->count() == 0 && !file_era.empty()) era = file_era;
      if (!file_era.empty() && era != file_era)
        throw InputError(variant_file, era_line, era_col, "era",
                         "the file is written for era " + file_era + ", not --era " + era);
    }
    const OpProgram* p = cat.find(era, op_name);
    if (!p) {
      const auto& eras = known_eras();
      if (std::find(eras.begin(), eras.end(), era) == eras.end())
        throw InputError("<command line>", 0, 0, "era", "'" + era + "' is not one of: " + join_list(cat.eras()));
      std::vector<std::string> has;
      for (const auto& e : cat.eras())
        if (cat.find(e, op_name)) has.push_back(e);
      if (has.empty())
        throw InputError("<command line>", 0, 0, "op",
                         "no op '" + op_name + "'; the ops of era " + era + " are: " + join_list(cat.ops(era)));
      throw InputError("<command line>", 0, 0, "era",
                       "op '" + op_name + "' does not exist in era " + era + "; it exists in: " + join_list(has));
    }
    if (scenario_variant) {
      Scenario sc = parse_scenario(variant_file, vtext);
      auto it = sc.programs.find(op_name);
      if (it == sc.programs.end())
        throw InputError(variant_file, 0, 0, "variant", "scenario does not run op '" + op_name + "' in era " + era);
      std::cout << "variant " << sc.variant << " of " << variant_file << "\n" << show_program(it->second);
      return 0;
    }
    if (!variant_file.empty()) {
      // edits naming threads change those threads' programs only: not shown
      OpProgram v = *p;
      int per_thread = 0;
      for (const VariantEdit& e : vspec.edits) {
        if (e.op != op_name) continue;
        if (e.threads.empty()) apply_edit(v, e);
        else ++per_thread;
      }
      std::cout << "variant " << vspec.name << " of " << variant_file << "\n";
      if (per_thread)
        std::cout << "(" << per_thread << " edit(s) naming threads not applied: they edit those threads' programs)\n";
      std::cout << show_program(v);
      return 0;
    }
    std::cout << show_program(*p);
    return 0;
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
