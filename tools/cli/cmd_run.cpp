// `run` and `baseline`: run scenarios and report (or accept) what they find.
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "tools/cli/baseline.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/output_file.hpp"
#include "tools/cli/progress.hpp"
#include "tools/cli/run.hpp"
#include "tools/cli/stop_signals.hpp"
#include "tools/report/report.hpp"

namespace fs = std::filesystem;

namespace mhp {

namespace {

struct RunArgs {
  std::vector<std::string> paths;
  std::optional<std::uint64_t> seed, executions;
  std::optional<std::string> strategy, reduce, observers;
  std::optional<unsigned> depth, bound, jobs;
  std::string shard_text;
  bool no_shrink = false;
  bool no_memo = false;
  bool all_choice_points = false;
  bool no_progress = false;
  unsigned progress_every = 10;
};

void add_run_options(CLI::App* c, RunArgs& a) {
  c->add_option("paths", a.paths, "scenario files or directories")->required();
  c->add_option("--seed", a.seed, "override the scenario's explore.seed")->check(CLI::NonNegativeNumber);
  c->add_option("--executions", a.executions, "override the scenario's explore.executions")
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(100000000)));
  c->add_option("--strategy", a.strategy, "override explore.strategy")
      ->check(CLI::IsMember({"random", "pct", "pos", "dfs"}));
  c->add_option("--reduce", a.reduce,
                "dfs reduction: none (preemption-bounded), sleep (sleep sets, unbounded) or dpor (source sets "
                "and sleep sets, unbounded; with a bound: BPOR)")
      ->check(CLI::IsMember({"none", "sleep", "dpor"}));
  c->add_option("--bound", a.bound,
                "dfs preemption bound (default: explore.bound; unset: 2 for --reduce none, unbounded for dpor)")
      ->check(CLI::Range(0u, 16u));
  c->add_option("--observers", a.observers,
                "dfs: per_pfn runs one search per pfn of each observer thread's loop (an op file's `observer: "
                "true`: /proc/kpageflags), the other pfns without choice points; whole: one search (default: "
                "explore.observers)")
      ->check(CLI::IsMember({"whole", "per_pfn"}));
  c->add_option("--depth", a.depth, "pct bug depth (default: explore.depth, 3)")->check(CLI::Range(1u, 8u));
  c->add_option("--jobs", a.jobs, "worker threads; findings and witnesses are the same for any value")
      ->check(CLI::Range(1u, 256u));
  c->add_option(
      "--shard", a.shard_text,
      "I/N: run only executions whose index % N == I; dfs: every N-th piece of the tree (merge with `mhpsim merge`)");
  c->add_flag("--no-shrink", a.no_shrink, "report witnesses as found, without shrinking them");
  c->add_flag("--no-progress", a.no_progress, "no progress line on stderr");
  c->add_option("--progress-every", a.progress_every,
                "when stderr is not a terminal (a CI log): a progress line every SECONDS (default 10; 0: none)")
      ->check(CLI::Range(0u, 86400u));
  c->add_flag("--all-choice-points", a.all_choice_points,
              "a choice point before every access, also to a struct page no other thread's op may touch (the "
              "schedules of mhpsim before 2026-12 replay only so)");
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
    const std::string path =
        (fs::path(dir) / (std::to_string(index + 1) + "-" + name + "-" + std::to_string(k + 1) + ".schedule")).string();
    const std::string compact = Schedule::decode(f.schedule).encode_compact();
    std::string text;
    for (std::size_t p = 0; p < compact.size(); p += 76) text += compact.substr(p, 76) + "\n";
    OutputFile out(path);
    out.write(text);
    out.commit();
    r.schedule_files[f.key] = path;
  }
}

RunOptions run_options(const RunArgs& a) {
  RunOptions o;
  if (!a.shard_text.empty()) {
    o.shard = parse_shard(a.shard_text);
    if (!o.shard)
      throw InputError("<command line>", 0, 0, "--shard", "'" + a.shard_text + "' is not I/N with 0 <= I < N");
  }
  o.seed = a.seed;
  o.executions = a.executions;
  o.strategy = a.strategy;
  o.depth = a.depth;
  o.bound = a.bound;
  o.reduce = a.reduce;
  if (a.observers) o.observers_per_pfn = *a.observers == "per_pfn";
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
  if ((o.bound || o.reduce || o.observers_per_pfn) && !any("dfs"))
    throw InputError("<command line>", 0, 0,
                     o.bound    ? "--bound"
                     : o.reduce ? "--reduce"
                                : "--observers",
                     "applies to --strategy dfs only, and none of the " + n + " runs dfs (add --strategy dfs)");
  if (o.depth && !any("pct"))
    throw InputError("<command line>", 0, 0, "--depth",
                     "applies to --strategy pct only, and none of the " + n + " runs pct (add --strategy pct)");
}

class RunCommand final : public Command {
 public:
  explicit RunCommand(CLI::App& app) {
    run_ = app.add_subcommand("run", "run scenario files (or every .yaml below a directory)");
    base_ = app.add_subcommand("baseline", "run scenarios and write a baseline file accepting every finding");
    add_run_options(run_, args_);
    add_run_options(base_, args_);
    run_->add_option("--format", format_, "report format on stdout")
        ->check(CLI::IsMember({"text", "json", "sarif", "junit"}));
    run_->add_option("--baseline", baseline_file_, "baseline file: report only findings it does not accept");
    run_->add_option("--trace", trace_file_, "write the witness of a finding as Perfetto/Chrome trace JSON to FILE");
    run_->add_option("--trace-finding", trace_finding_, "with --trace: the finding's key (default: the first finding)");
    run_->add_option("--lock-graph", lock_graph_file_, "write the lock dependency graph as GraphViz DOT to FILE");
    run_->add_option("--sarif", sarif_file_, "also write the SARIF report to FILE (one run, any --format)");
    run_->add_option("--json", json_file_, "also write the JSON-lines report to FILE (any --format)");
    run_->add_option("--junit", junit_file_, "also write the JUnit report to FILE");
    run_->add_option("--sarif-max-bytes", sarif_max_bytes_,
                     "the SARIF log's size cap; code flows, then results, are cut to fit (default 10000000: "
                     "GitHub's 10 MB, uncompressed)")
        ->check(CLI::Range(std::size_t{1'000'000}, std::size_t{1} << 40));
    run_->add_option("--schedule-dir", schedule_dir_,
                     "write each witness schedule longer than 300 characters to a file in DIR (compact form); the "
                     "text report's replay command names the file");
    run_->add_option("--time-limit", time_limit_,
                     "stop after DURATION (90s, 5m, 1h30m) and report what ran, marked incomplete; the exit code is "
                     "still 0 or 1 by the expectations");
    base_->add_option("-o,--output", base_out_, "the baseline file to write")->required();
  }
  // (--max-memory comes last in each subcommand's options)
  void add_max_memories() {
    add_max_memory(run_);
    add_max_memory(base_);
  }
  bool selected() const override { return run_->parsed() || base_->parsed(); }
  int run() override;

 private:
  CLI::App* run_;
  CLI::App* base_;
  RunArgs args_;
  std::string format_ = "text";
  std::string baseline_file_, trace_file_, trace_finding_, lock_graph_file_;
  std::string sarif_file_, junit_file_, json_file_;
  std::size_t sarif_max_bytes_ = kSarifMaxBytes;
  std::string schedule_dir_;
  std::optional<std::string> time_limit_;  // (optional: an empty one is an error, not none)
  std::string base_out_;
};

int RunCommand::run() {
  auto opts = run_options(args_);
  auto files = scenario_files(args_.paths);
  std::vector<Scenario> scenarios;
  for (const auto& f : files) scenarios.push_back(load_scenario(f));  // all parsed before any report
  for (auto& sc : scenarios) sc.page_footprint = !args_.all_choice_points;
  // --bound with sleep sets (--reduce sleep, or a file's reduce: sleep), before any report: BPOR
  // (Coons et al. 2013) says why a bound prunes what a sleep set relies on
  for (const auto& sc : scenarios)
    if (opts.bound && opts.reduce.value_or(sc.reduce) == "sleep")
      throw InputError(
          opts.reduce ? "<command line>" : sc.file, 0, 0, "--bound",
          "sleep sets search unbounded (a bound makes them miss schedules); use --reduce dpor or none with a bound");
  check_options_apply(opts, scenarios);
  for (const auto& sc : scenarios)  // explore.observers: per_pfn is checked when the file is read
    if (opts.observers_per_pfn.value_or(sc.observers_per_pfn) && opts.strategy.value_or(sc.strategy) == "dfs" &&
        (opts.reduce.value_or(sc.reduce) == "none" || opts.bound || sc.bound))
      throw InputError(opts.observers_per_pfn ? "<command line>" : sc.file, 0, 0, "--observers",
                       "per_pfn splits an unbounded search (--reduce dpor or sleep, no --bound): a preemption bound "
                       "counts differently in each piece (" +
                           sc.file + ")");
  std::optional<Baseline> baseline;
  if (!baseline_file_.empty()) baseline = Baseline::load(baseline_file_);
  if (!trace_finding_.empty() && trace_file_.empty())
    throw InputError("<command line>", 0, 0, "--trace-finding", "needs --trace FILE");
  std::optional<std::chrono::milliseconds> limit;
  if (time_limit_) {
    limit = parse_duration(*time_limit_);
    if (!limit)
      throw InputError("<command line>", 0, 0, "--time-limit",
                       "'" + *time_limit_ + "' is not a duration such as 90s, 5m, 1h30m or 1500ms (at most 30 days)");
  }
  // Output files are created before the run: a bad path fails at once.
  auto open_out = [](const std::string& path) {
    return path.empty() ? std::make_unique<OutputFile>() : std::make_unique<OutputFile>(path);
  };
  auto trace_out = open_out(trace_file_);
  auto graph_out = open_out(lock_graph_file_);
  auto sarif_out = open_out(sarif_file_);
  auto junit_out = open_out(junit_file_);
  auto json_out = open_out(json_file_);
  const bool want_sarif = format_ == "sarif" || !sarif_file_.empty();
  // `run` stops on SIGINT, SIGTERM or the time limit and reports what it found
  // (stop_signals.hpp); `baseline` is ended by them as before (an
  // incomplete baseline would accept too little).
  std::unique_ptr<RunStop> stopper;
  if (run_->parsed()) stopper = std::make_unique<RunStop>(limit, time_limit_.value_or(""));
  std::unique_ptr<OutputFile> base_stream;
  if (base_->parsed()) {
    opts.shrink = false;  // keys do not depend on the witness
    base_stream = open_out(base_out_);
  }
  bool all_ok = true;
  std::size_t passed = 0, suppressed = 0;
  std::vector<ScenarioResult> results;
  if (!schedule_dir_.empty()) {
    std::error_code ec;
    fs::create_directories(schedule_dir_, ec);
    if (ec) throw_output_error(schedule_dir_, ec.value());
  }
  auto prepare = [&](std::size_t i, ScenarioResult& r) {  // on the worker
    if (baseline) baseline->apply(r);
    if (run_->parsed() && want_sarif) attach_witnesses(scenarios[i], r);
    if (run_->parsed() && !schedule_dir_.empty()) write_schedule_files(schedule_dir_, i, r);
  };
  auto emit = [&](std::size_t, ScenarioResult& r) {  // in file order
    suppressed += r.suppressed;
    if (run_->parsed() && format_ == "text") std::cout << render_text(r);
    if (run_->parsed() && format_ == "json") std::cout << render_json(r);
    all_ok &= r.ok;
    passed += r.ok;
    results.push_back(std::move(r));
  };
  run_scenarios(scenarios, opts, prepare, emit);
  if (base_->parsed()) {
    base_stream->write(write_baseline(results, base_out_));
    base_stream->commit();
    std::size_t n = 0;
    for (const auto& r : results) n += r.findings.size();
    std::cerr << "mhpsim: wrote " << base_out_ << ": " << n << " accepted finding(s) of " << files.size()
              << " scenario(s)\n";
    return 0;
  }
  if (format_ == "sarif") std::cout << render_sarif(results, {}, sarif_max_bytes_);
  if (format_ == "junit") std::cout << render_junit(results);
  if (!trace_file_.empty()) {
    std::size_t which = results.size();
    std::string key;
    for (std::size_t i = 0; i < results.size() && which == results.size(); ++i)
      for (const auto& f : results[i].findings)
        if (trace_finding_.empty() || f.key == trace_finding_ || glob_match(trace_finding_, f.key)) {
          which = i;
          key = f.key;
          break;
        }
    if (which == results.size()) {
      if (!trace_finding_.empty())
        throw InputError("<command line>", 0, 0, "--trace-finding", "no finding matches '" + trace_finding_ + "'");
      std::cerr << "mhpsim: --trace: no finding, so no witness to trace; " << trace_file_ << " left empty\n";
    } else {
      attach_witnesses(scenarios[which], results[which], key);
      std::string trace = render_trace(results[which], key);
      if (trace.empty())
        std::cerr << "mhpsim: --trace: the witness of " << key << " is too long to trace event by event; "
                  << "`mhpsim time --trace` shows a real-geometry run in virtual time\n";
      trace_out->write(trace);
    }
  }
  if (!lock_graph_file_.empty()) graph_out->write(render_lock_graph(results));
  if (!sarif_file_.empty()) sarif_out->write(render_sarif(results, {}, sarif_max_bytes_));
  if (!junit_file_.empty()) junit_out->write(render_junit(results));
  if (!json_file_.empty()) {
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
  if (format_ == "text") {
    std::cout << "\n"
              << files.size() << " scenario(s): " << passed << " passed, " << files.size() - passed << " failed\n";
    if (baseline)
      std::cout << "baseline " << baseline_file_ << ": " << suppressed << " accepted finding(s) suppressed\n";
    if (!incomplete.empty()) std::cout << incomplete << "\n";
  } else {
    if (baseline)
      std::cerr << "mhpsim: baseline " << baseline_file_ << ": " << suppressed << " accepted finding(s) suppressed\n";
    if (!incomplete.empty()) std::cerr << "mhpsim: " << incomplete << "\n";
  }
  return stop_exit_code(all_ok);
}

}  // namespace

std::unique_ptr<Command> add_run_command(CLI::App& app) {
  auto c = std::make_unique<RunCommand>(app);
  c->add_max_memories();
  return c;
}

}  // namespace mhp
