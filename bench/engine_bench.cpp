// Engine benchmarks, ratios measured in the same run (docs/PERFORMANCE.md):
//  (a) ns per choice point of the engine, two threads switching at every
//      choice point, against a bare Boost.Fiber yield between two fibers
//      (round_robin, on its own OS thread);
//  (b) executions/s on the S1 scenario with all checkers on.
// `mhpsim_bench ops N SCENARIO`: the mean operations per execution of the
// first N executions `mhpsim run SCENARIO` does with its random strategy
// (recorded events less thread start, thread end and exit, three per
// thread), for bench/relacy_compare.sh's operations/s.
#include <boost/fiber/all.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "bench/reference_checker.hpp"
#include "model/engine/execution.hpp"
#include "model/scenario/scenario.hpp"
#include "tools/cli/machine.hpp"
#include "tools/cli/run.hpp"

using namespace mhp;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double bare_yield_ns(long n) {
  double ns = 0;
  std::thread t([&] {
    boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
    auto body = [n] {
      for (long i = 0; i < n; ++i) boost::this_fiber::yield();
    };
    auto t0 = Clock::now();
    boost::fibers::fiber a(body), b(body);
    a.join();
    b.join();
    ns = seconds_since(t0) * 1e9 / double(2 * n);
  });
  t.join();
  return ns;
}

// Always hands the CPU to the other thread: every choice point is a switch.
class Alternate final : public Strategy {
 public:
  void begin_execution(std::uint64_t) override {}
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    for (ThreadId t = 0; t < kMaxThreads; ++t)
      if ((enabled >> t) & 1 && t != current) return t;
    return current;
  }
};

// Runs the current thread until it ends, then the lowest enabled one.
class RunToEnd final : public Strategy {
 public:
  void begin_execution(std::uint64_t) override {}
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    if (current != kNoThread && ((enabled >> current) & 1)) return current;
    return lowest_thread(enabled);
  }
};

struct Loop {
  Execution* ex;
  long n;
};

double engine_ns(Strategy& s, long n, bool with_events) {
  Execution ex;
  ex.set_step_budget(~0ULL);
  static ObjId obj = 0;
  obj = ex.objects().add("x");
  Loop l{&ex, n};
  auto body = with_events ? +[](void* a) {
    auto* l = static_cast<Loop*>(a);
    for (long i = 0; i < l->n; ++i) {
      l->ex->choice_point();
      l->ex->emit(EvKind::Read, 0, obj, i);
    }
  }
                          : +[](void* a) {
                              auto* l = static_cast<Loop*>(a);
                              for (long i = 0; i < l->n; ++i) l->ex->choice_point();
                            };
  ex.add_thread("a", body, &l);
  ex.add_thread("b", body, &l);
  ex.run(s, 0);  // warm up: fibers and stacks
  auto t0 = Clock::now();
  ex.run(s, 1);
  return seconds_since(t0) * 1e9 / double(2 * n);
}

}  // namespace

// Mean operations per execution of the random strategy's first n executions.
static int mean_ops(std::uint64_t n, const std::string& scenario) {
  Scenario sc = load_scenario(scenario);
  Machine m(sc);
  m.set_memo(false);
  RandomStrategy r(sc.seed);
  std::uint64_t ops = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    m.run(r, i);
    ops += m.ex.events().size() - 3 * m.ex.thread_count();
  }
  std::printf("executions=%llu ops_mean=%.1f\n", static_cast<unsigned long long>(n), double(ops) / double(n));
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "ops") return mean_ops(std::stoull(argv[2]), argv[3]);
  long n = argc > 1 ? std::stol(argv[1]) : 2000000;
  std::uint64_t execs = argc > 2 ? std::stoull(argv[2]) : 20000;
  std::string scenario = argc > 3 ? argv[3] : "scenarios/seeds/s1_deferred_memmap_init.yaml";

  double bare = bare_yield_ns(n);
  Alternate alt;
  double sw = engine_ns(alt, n, false);
  double sw_ev = engine_ns(alt, n, true);
  RandomStrategy rnd(1);
  double rn = engine_ns(rnd, n, true);
  std::printf("bare Boost.Fiber yield (round_robin):        %7.1f ns per yield\n", bare);
  std::printf("engine choice point, switch every time:      %7.1f ns  (%.2fx bare yield)\n", sw, sw / bare);
  std::printf("  ... with an event recorded per point:      %7.1f ns  (%.2fx bare yield)\n", sw_ev, sw_ev / bare);
  std::printf("  ... random strategy, event per point:      %7.1f ns  (%.2fx bare yield)\n", rn, rn / bare);

  Scenario sc = load_scenario(scenario);
  RunOptions o;
  o.shrink = false;  // executions only: shrinking replays witnesses afterwards
  o.executions = execs;
  auto t0 = Clock::now();
  ScenarioResult r = run_scenario(sc, o);
  double s = seconds_since(t0);
  std::printf("%s: %llu executions in %.3f s = %.0f executions/s (%zu findings, all checkers on)\n", sc.name.c_str(),
              static_cast<unsigned long long>(execs), s, double(execs) / s, r.findings.size());
  // A repeated schedule is answered from the schedule trie without running:
  // the simulated ones are the model's and checkers' real throughput.
  const auto sim = r.executions_simulated;
  std::printf("  of which simulated: %llu (%.1f%%; the rest repeated a schedule); simulated executions/s: %.0f\n",
              static_cast<unsigned long long>(sim), 100.0 * double(sim) / double(execs), double(sim) / s);
  o.memo = false;  // every execution simulated (--no-memo): the same report
  t0 = Clock::now();
  ScenarioResult all = run_scenario(sc, o);
  double s_all = seconds_since(t0);
  std::printf("  with --no-memo (every execution simulated): %.3f s = %.0f executions/s (%zu findings)\n", s_all,
              double(execs) / s_all, all.findings.size());

  // The lower bound (bench/reference_checker.hpp): the same execution's events
  // as two fixed programs, the same random scheduler, only a vector-clock race
  // detector. Its events come from the scenario's first thread run to the end,
  // then the second (every thread's whole program).
  Machine m(sc);
  RunToEnd first_then_second;
  m.run(first_then_second, 0);
  bench::ReferenceChecker ref(m.ex.events());
  RandomStrategy rs(sc.seed);
  unsigned races = 0;
  t0 = Clock::now();
  for (std::uint64_t i = 0; i < execs; ++i) races += ref.run(rs, i);
  double s_ref = seconds_since(t0);
  std::printf(
      "  lower bound, its %zu recorded events replayed with a race detector only: %.0f executions/s "
      "(%u racy accesses); mhpsim --no-memo is %.1fx slower\n",
      ref.events(), double(execs) / s_ref, races, (double(execs) / s_ref) / (double(execs) / s_all));
  // The same floor with no scheduling decision to pay for: one fixed
  // schedule (each thread to its end, no random number per step), against
  // mhpsim running that schedule with every checker and the coverage hash.
  // What is left between the two is the engine's, model's and checkers' own
  // cost, the scheduler's taken out of both.
  {
    RunToEnd fixed;
    t0 = Clock::now();
    unsigned fixed_races = 0;
    for (std::uint64_t i = 0; i < execs; ++i) fixed_races += ref.run(fixed, i);
    const double s_fixed_ref = seconds_since(t0);
    struct AllKnownKeys final : KnownKeys {
      bool has(const std::string&) const override { return true; }
    } known;
    Machine fm(sc);
    fm.add_checkers();
    fm.set_known(&known);
    fm.set_memo(false);
    std::uint64_t sink = 0;
    t0 = Clock::now();
    for (std::uint64_t i = 0; i < execs; ++i) {
      Outcome out = fm.run(fixed, i);
      sink += fm.findings(out).size() + (fm.trace_signature() & 1);
    }
    const double s_fixed = seconds_since(t0);
    std::printf(
        "  one fixed schedule (no scheduling decisions): lower bound %.0f executions/s (%u racy accesses), "
        "mhpsim with every checker and the coverage hash %.0f executions/s (%llu): %.1fx\n",
        double(execs) / s_fixed_ref, fixed_races, double(execs) / s_fixed, (unsigned long long)sink,
        s_fixed / s_fixed_ref);
  }
  // Where an execution's time goes: the engine and model alone (no checker,
  // no coverage hash), then the checkers and their findings, then the
  // coverage hash (the Foata signature), each on its own Machine.
  // As in an exploration's steady state, every finding's key is known
  // already: the checkers skip a known finding's report text.
  struct AllKnown final : KnownKeys {
    bool has(const std::string&) const override { return true; }
  } all_known;
  auto rate = [&](bool checkers, bool coverage, std::uint32_t which = Machine::kAllCheckers) {
    Machine mm(sc);
    if (checkers) {
      mm.add_checkers(which);
      mm.set_known(&all_known);
    }
    mm.set_memo(false);
    std::uint64_t sink = 0;
    double sec = 1e30;
    for (int rep = 0; rep < 3; ++rep) {  // the best of three: differences of a few tenths of a us are measured
      RandomStrategy r(sc.seed);
      auto t = Clock::now();
      for (std::uint64_t i = 0; i < execs; ++i) {
        Outcome out = mm.run(r, i);
        if (checkers) sink += mm.findings(out).size();
        if (coverage) sink += mm.trace_signature() & 1;
      }
      sec = std::min(sec, seconds_since(t));
    }
    return std::make_pair(double(execs) / sec, sink);
  };
  auto engine_model = rate(false, false), checked = rate(true, false), full = rate(true, true);
  std::printf(
      "  where the time goes (executions/s): engine + model %.0f, + the six checkers %.0f, + coverage "
      "hash %.0f (per execution: %.2f + %.2f + %.2f us)\n",
      engine_model.first, checked.first, full.first, 1e6 / engine_model.first,
      1e6 / checked.first - 1e6 / engine_model.first, 1e6 / full.first - 1e6 / checked.first);
  // Each checker alone on top of the engine and model: its own cost.
  std::printf("  each checker alone adds (us per execution):");
  const std::pair<const char*, std::uint32_t> each[] = {
      {"stale-page", Machine::kCheckStale}, {"race", Machine::kCheckRace},
      {"lock-order", Machine::kCheckOrder}, {"refcount", Machine::kCheckRefs},
      {"lock-scope", Machine::kCheckScope}, {"lock-misuse", Machine::kCheckMisuse}};
  for (auto [name, bit] : each)
    std::printf(" %s %.2f", name, 1e6 / rate(true, false, bit).first - 1e6 / engine_model.first);
  std::printf("\n");
  // The same with PCT (priorities drawn once per execution, no random
  // number per step): a cheaper scheduler lowers the floor.
  RunOptions op = o;
  op.strategy = "pct";
  t0 = Clock::now();
  ScenarioResult pr = run_scenario(sc, op);
  double s_pct = seconds_since(t0);
  PctStrategy ps(sc.seed, 3, ref.events(), unsigned(sc.threads.size()));
  races = 0;
  t0 = Clock::now();
  for (std::uint64_t i = 0; i < execs; ++i) races += ref.run(ps, i);
  double s_pref = seconds_since(t0);
  std::printf("  pct: mhpsim --no-memo %.0f executions/s (%zu findings), lower bound %.0f executions/s: %.1fx\n",
              double(execs) / s_pct, pr.findings.size(), double(execs) / s_pref, s_pct / s_pref);
  return 0;
}
