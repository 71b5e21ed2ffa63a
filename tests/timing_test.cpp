#include <doctest/doctest.h>

#include <string>

#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "tools/cli/timing.hpp"

using namespace mhp;

namespace {
std::string path(const char* rel) { return std::string(MHPSIM_SOURCE_DIR) + "/" + rel; }
const LockStatRow* row(const TimingResult& t, const std::string& cls) {
  for (const auto& r : t.locks)
    if (r.cls == cls) return &r;
  return nullptr;
}
}  // namespace

TEST_CASE("timing: lock_stat, makespan and critical path match the hand computation") {
  // tests/data/timing_lock_stat.yaml says how each figure comes about.
  Scenario sc = load_scenario(path("tests/data/timing_lock_stat.yaml"));
  TimingResult t = run_timing(sc);
  CHECK(t.status == "completed");
  CHECK(t.makespan == 4800);
  REQUIRE(t.threads.size() == 2);
  CHECK(t.threads[0].end == 2800);
  CHECK(t.threads[1].end == 4800);
  CHECK(t.threads[0].busy == 2800);
  CHECK(t.threads[1].busy == 2800);
  CHECK(t.threads[1].waited == 2000);
  const LockStatRow* mhp = row(t, "mem_hotplug_lock");
  REQUIRE(mhp);
  CHECK(mhp->acquisitions == 2);
  CHECK(mhp->contentions == 1);
  CHECK(mhp->wait_min == 2000);
  CHECK(mhp->wait_max == 2000);
  CHECK(mhp->wait_total == 2000);
  CHECK(mhp->hold_min == 2000);
  CHECK(mhp->hold_max == 2000);
  CHECK(mhp->hold_total == 4000);
  const LockStatRow* cpu = row(t, "cpu_hotplug_lock-R");  // read side: map1 holds it while it waits
  REQUIRE(cpu);
  CHECK(cpu->acquisitions == 2);
  CHECK(cpu->contentions == 0);
  CHECK(cpu->hold_min == 2000);
  CHECK(cpu->hold_max == 4000);
  CHECK(cpu->hold_total == 6000);
  CHECK(t.locks.front().cls == "mem_hotplug_lock");  // the most waited-for first, as lock_stat sorts
  REQUIRE(t.critical_path.size() == 3);
  CHECK(t.critical_path[0].thread == "map0");
  CHECK(t.critical_path[0].to == 2000);
  CHECK(t.critical_path[1].lock == "mem_hotplug_lock");
  CHECK(t.critical_path[1].holder == "map0");
  CHECK(t.critical_path[2].thread == "map1");
  CHECK(t.critical_path[2].from == 2000);
  check_timing_expectations(sc, t);
  CHECK(t.ok);
}

TEST_CASE("timing: simulated CPUs queue work, a later start waits in virtual time") {
  Scenario sc = load_scenario(path("tests/data/timing_lock_stat.yaml"));
  sc.timing.cpus = 1;  // one CPU: map0's init (2..2.8 us) and map1's section work (2..4 us) share it
  TimingResult one = run_timing(sc);
  CHECK(one.makespan == 5600);  // all 5.6 us of work, back to back
  sc.timing.cpus = 2;
  sc.threads[1].start_s = 10e-6;  // map1 starts at 10 us: no contention, ends 2.8 us later
  TimingResult late = run_timing(sc);
  CHECK(late.makespan == 12800);
  const LockStatRow* mhp = row(late, "mem_hotplug_lock");
  REQUIRE(mhp);
  CHECK(mhp->contentions == 0);
}

TEST_CASE("timing: a timing expectation out of range fails, bad timing fields name file, line and field") {
  Scenario sc = load_scenario(path("tests/data/timing_lock_stat.yaml"));
  sc.timing.makespan_min_s = 1;
  sc.timing.makespan_max_s = 2;
  TimingResult t = run_timing(sc);
  check_timing_expectations(sc, t);
  CHECK_FALSE(t.ok);
  REQUIRE(t.expect_lines.size() == 1);
  CHECK(t.expect_lines[0].find("OUT OF RANGE") != std::string::npos);
  auto error_of = [](const std::string& text) {
    try {
      parse_scenario("t.yaml", text);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string base = "name: x\nera: v6\nthreads:\n  - {name: a, op: memory_failure, pfn: 1}\n";
  CHECK(error_of(base + "timing:\n  cpus: 0\n").find("t.yaml:6:9: field 'timing.cpus'") != std::string::npos);
  CHECK(error_of(base + "timing:\n  costs:\n    - {fn: x, per_page_ns: fast}\n")
            .find("field 'timing.costs[0].per_page_ns': expected a number") != std::string::npos);
  CHECK(error_of(base + "timing:\n  costs:\n    - {fn: x}\n").find("needs ns, per_page_ns or per_section_ns") !=
        std::string::npos);
  CHECK(error_of(base + "timing:\n  expect:\n    makespan_s: {min: 2, max: 1}\n").find("must not be below min") !=
        std::string::npos);
  CHECK(error_of(base + "explore:\n  executions: 0\n").find("needs a `timing:` section") != std::string::npos);
}

TEST_CASE("virtual time: a thread stays on its CPU, so a CPU it passed through is not counted busy") {
  VirtualTime vt;
  vt.reset(2, 2);  // two threads, two CPUs
  vt.charge(0, 10);
  vt.charge(0, 10);
  vt.charge(0, 10);  // thread 0 ran 0..30, all of it on one CPU
  CHECK(vt.now(0) == 30);
  vt.delay(1, 5);
  vt.charge(1, 5);  // the other CPU has been idle all along: 5..10, no queueing
  CHECK(vt.now(1) == 10);
  VirtualTime one;
  one.reset(2, 1);  // one CPU: the second thread's work queues behind the first's
  one.charge(0, 10);
  one.delay(1, 5);
  one.charge(1, 5);
  CHECK(one.now(1) == 15);
  CHECK(one.busy(1) == 5);
}
