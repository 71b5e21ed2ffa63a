#include "tools/cli/run.hpp"

#include <algorithm>
#include <memory>

#include "checkers/lock_order.hpp"
#include "checkers/lock_scope.hpp"
#include "checkers/race.hpp"
#include "checkers/refcount.hpp"
#include "checkers/stale_page.hpp"
#include "model/engine/execution.hpp"
#include "model/kernel/invariants.hpp"
#include "model/kernel/kernel.hpp"

namespace mhp {

namespace {

struct ThreadJob {
  Kernel* k;
  const OpProgram* prog;
  OpArgs args;
  Completion* after = nullptr;  // started only once that thread has finished
  Completion* done = nullptr;
};

void thread_main(void* arg) {
  auto* job = static_cast<ThreadJob*>(arg);
  if (job->after) job->after->wait();
  OpState st;
  st.args = job->args;
  run_program(*job->k, *job->prog, st);
  job->done->complete_all();
}

// WARN()s the modelled kernel hit become findings.
void warning_findings(const Execution& ex, const Kernel& k, std::vector<Finding>& out) {
  for (const auto& w : k.warnings) {
    Finding f;
    f.kind = w.kind;
    f.key = w.key;
    std::string where = ex.stacks().top_name(w.stack);
    f.title = std::string(w.kind == "underflow" ? "WARNING: refcount underflow" : "WARNING") + " in " + where;
    f.summary = w.text;
    const SimThread& t = ex.threads()[w.thread];
    FindingSide s;
    s.title = "task " + t.name + " (T" + std::to_string(t.id) + "):";
    s.stack = ex.stacks().frames(w.stack);
    s.locks = lock_names_of(ex, w.held, w.held_shared);
    f.sides.push_back(std::move(s));
    out.push_back(std::move(f));
  }
}

std::string awaited(const Execution& ex, const SimThread& t) {
  return ex.objects().describe(t.blocked_on) + (t.blocked_side == SyncSide::Shared ? " (read)" : " (write)");
}

// Deadlock and livelock are found by the engine; they become findings here.
void engine_findings(const Execution& ex, const Outcome& o, std::vector<Finding>& out) {
  if (o.status != Outcome::Status::Deadlock && o.status != Outcome::Status::Livelock) return;
  Finding f;
  bool dl = o.status == Outcome::Status::Deadlock;
  f.kind = dl ? "deadlock" : "livelock";
  std::vector<std::string> parts;
  for (const auto& t : ex.threads()) {
    if (t.state == ThreadState::Finished) continue;
    std::string top = ex.stacks().top_name(dl ? t.blocked_at : t.stack);
    parts.push_back(dl ? top + ":" + ex.objects().class_of(t.blocked_on) : top);
    FindingSide s;
    s.title = "task " + t.name + " (T" + std::to_string(t.id) + ")" +
              (t.state == ThreadState::Blocked ? " waits for " + awaited(ex, t) + " at:" : " is at:");
    s.stack = ex.stacks().frames(dl ? t.blocked_at : t.stack);
    s.locks = lock_names_of(ex, t.held, t.held_shared);
    f.sides.push_back(std::move(s));
  }
  std::sort(parts.begin(), parts.end());
  f.key = f.kind;
  for (auto& p : parts) f.key += "/" + p;
  f.title = dl ? "BUG: mhpsim: deadlock: no thread can run" : "BUG: mhpsim: livelock: " + o.detail;
  f.summary = dl ? "every unfinished thread waits for a lock or event another unfinished thread holds"
                 : o.detail + " without the threads finishing";
  out.push_back(std::move(f));
}

// Keeps the running thread while it can: PCT's calibration run.
struct CountingKeep final : Strategy {
  std::uint64_t calls = 0;
  void begin_execution(std::uint64_t) override { calls = 0; }
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    ++calls;
    if (current != kNoThread && (enabled & (1u << current))) return current;
    return static_cast<ThreadId>(__builtin_ctz(enabled));
  }
};

const char* kind_name(EvKind k) {
  switch (k) {
    case EvKind::Read: return "read";
    case EvKind::Write: return "write";
    case EvKind::Acquire: return "acquire";
    case EvKind::Release: return "release";
    case EvKind::Block: return "block";
    case EvKind::RefOp: return "ref";
    case EvKind::ThreadStart: return "start";
    case EvKind::ThreadEnd: return "end";
    case EvKind::SeqBegin: return "seq_begin";
    case EvKind::SeqRetry: return "seq_retry";
  }
  return "?";
}

// `mhpsim replay --events`: the execution as the checkers saw it.
std::string event_log(const Execution& ex) {
  std::string o;
  for (const Event& e : ex.events()) {
    const SimThread& t = ex.threads()[e.thread];
    o += std::to_string(e.index) + " T" + std::to_string(e.thread) + " " + t.name + " " + kind_name(e.kind) + " " +
         (e.obj ? ex.objects().describe(e.obj) : std::string("-")) + " = " + std::to_string(e.value) + "  in " +
         ex.stacks().top_name(e.stack) + "\n";
  }
  return o;
}

}  // namespace

std::string replay_command(const std::string& file, const std::string& schedule) {
  return "tools/mhpsim replay " + file + " --schedule " + (schedule.empty() ? "''" : schedule);
}

ScenarioResult run_scenario(const Scenario& sc, const RunOptions& opt) {
  ScenarioResult res;
  res.file = sc.file;
  res.name = sc.name;
  res.variant = sc.variant;
  res.era = sc.era;
  res.strategy = opt.replay ? "replay" : sc.strategy;
  res.seed = opt.seed.value_or(sc.seed);
  res.executions = opt.replay ? 1 : opt.executions.value_or(sc.executions);
  res.replay = opt.replay.has_value();

  Execution ex;
  ex.set_step_budget(sc.step_budget);
  Kernel k(ex, machine_of(sc));
  std::map<std::string, OpProgram> programs = sc.programs;
  for (auto& [name, p] : programs) bind(p, ex.stacks());
  std::vector<ThreadJob> jobs;
  std::vector<std::unique_ptr<Completion>> done;
  jobs.reserve(sc.threads.size());
  for (const auto& t : sc.threads) done.push_back(std::make_unique<Completion>(ex, "task " + t.name + " exited"));
  for (std::size_t i = 0; i < sc.threads.size(); ++i) {
    const auto& t = sc.threads[i];
    jobs.push_back({&k, &programs.at(t.op), t.args, t.after >= 0 ? done[t.after].get() : nullptr, done[i].get()});
    ex.add_thread(t.name, thread_main, &jobs.back());
  }
  std::string strategy_name = opt.strategy.value_or(sc.strategy);
  std::uint64_t pct_steps = 1;
  if (!opt.replay && strategy_name == "pct") {  // k for PCT: the steps of one run without preemption
    CountingKeep keep;
    k.reset();
    for (auto& d : done) d->reset();
    ex.run(keep, 0);
    pct_steps = std::max<std::uint64_t>(keep.calls, 1);
  }
  if (!opt.replay) res.strategy = strategy_name;
  StalePageChecker stale(ex, k);
  RaceChecker race(ex);
  LockOrderChecker order(ex, {"resource_lock"}, "device_hotplug_lock");
  RefcountChecker refs(ex);
  LockScopeChecker scope(ex, sc.era);
  std::vector<Checker*> checkers = {&stale, &race, &order, &refs, &scope};
  for (Checker* c : checkers) ex.add_observer(c);

  std::unique_ptr<Strategy> strategy;
  ReplayStrategy* replay = nullptr;
  if (opt.replay) {
    auto r = std::make_unique<ReplayStrategy>(*opt.replay);
    replay = r.get();
    strategy = std::move(r);
  } else if (strategy_name == "pct") {
    strategy = std::make_unique<PctStrategy>(res.seed, opt.depth.value_or(sc.depth), pct_steps);
    res.strategy = "pct (depth " + std::to_string(opt.depth.value_or(sc.depth)) + ", k " + std::to_string(pct_steps) + ")";
  } else if (strategy_name == "pos") {
    strategy = std::make_unique<PosStrategy>(res.seed);
  } else {
    strategy = std::make_unique<RandomStrategy>(res.seed);
  }

  FindingSet set;
  for (std::uint64_t i = 0; i < res.executions; ++i) {
    k.reset();
    for (auto& d : done) d->reset();
    Outcome o = ex.run(*strategy, i);
    if (replay) {
      if (o.status == Outcome::Status::Diverged) res.replay_error = o.detail;
      else if (!replay->consumed())
        res.replay_error = "the execution ended at choice " + std::to_string(replay->position()) +
                           " but the schedule has more choices";
    }
    std::vector<Finding> found;
    for (Checker* c : checkers)
      for (auto& f : c->found()) found.push_back(std::move(f));
    engine_findings(ex, o, found);
    warning_findings(ex, k, found);
    if (sc.check_invariants && o.status == Outcome::Status::Completed)
      for (const auto& v : check_invariants(k)) {
        Finding f;
        f.kind = "invariant";
        f.key = "invariant/" + v.rule;
        f.title = "BUG: mhpsim: model invariant " + v.rule + " violated at the end of the execution";
        f.summary = v.text;
        found.push_back(std::move(f));
      }
    if (opt.events) res.event_log = event_log(ex);
    std::string schedule = ex.schedule().encode();
    order.end_execution(i, schedule);
    set.merge_execution(std::move(found), i, schedule);
  }
  for (auto& f : order.cycles()) set.add_run_finding(std::move(f));
  res.findings = set.all();

  if (res.replay) {
    res.ok = res.replay_error.empty();
    return res;
  }
  std::vector<bool> matched(res.findings.size(), false);
  for (const auto& e : sc.expect) {
    std::size_t keys = 0;
    const Finding* first = nullptr;
    for (std::size_t i = 0; i < res.findings.size(); ++i)
      if (res.findings[i].kind == e.kind && glob_match(e.key, res.findings[i].key)) {
        matched[i] = true;
        ++keys;
        if (!first) first = &res.findings[i];
      }
    if (first) {
      res.expect_lines.push_back("expected " + e.kind + " '" + e.key + "': found (" + first->key + ", in " +
                                 std::to_string(first->count) + " execution(s)" +
                                 (keys > 1 ? "; " + std::to_string(keys) + " keys match" : "") + ")");
    } else {
      res.ok = false;
      res.expect_lines.push_back("expected " + e.kind + " '" + e.key + "': MISSING in " +
                                 std::to_string(res.executions) + " executions");
    }
  }
  for (std::size_t i = 0; i < res.findings.size(); ++i)
    if (!matched[i] && !sc.other_findings_allowed) {
      res.ok = false;
      res.expect_lines.push_back("unexpected finding (other_findings: forbidden): " + res.findings[i].key);
    }
  return res;
}

}  // namespace mhp
