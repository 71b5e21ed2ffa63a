// Lock misuse: the primitives refuse a release the task does not hold and
// keep their state; the checker reports it as lockdep and the lock debug
// options do, and stays silent on balanced use; acquire/release nodes parse,
// show and are inserted by variant edits.
#include <doctest/doctest.h>

#include <set>

#include "checkers/lock_misuse.hpp"
#include "model/ops/program.hpp"
#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "model/sync/percpu_rwsem.hpp"
#include "model/sync/rwlock.hpp"
#include "model/sync/seqcount.hpp"
#include "model/sync/spinlock.hpp"
#include "tests/harness.hpp"

using namespace mhp;
using namespace mhp::test;
using S = Outcome::Status;

namespace {

std::size_t misuses(const Execution& ex) {
  std::size_t n = 0;
  for (const Event& e : ex.events()) n += e.kind == EvKind::LockMisuse;
  return n;
}

// Every key the checker reports over n random executions.
std::set<std::string> keys(Harness& h, LockMisuseChecker& c, int n = 100) {
  std::set<std::string> out;
  RandomStrategy s(7);
  for (int i = 0; i < n; ++i) {
    CHECK(h.run_once(s, i).status == S::Completed);
    for (auto& f : c.found()) out.insert(f.key);
  }
  return out;
}

// A frame named fn inside one named caller, as a step program would push them.
struct In {
  Frame outer, inner;
  In(Execution& ex, const char* caller, const char* fn)
      : outer(ex, ex.stacks().fn(caller)), inner(ex, ex.stacks().fn(fn)) {}
};

}  // namespace

TEST_CASE("lock misuse: the primitives refuse a release the task does not hold, state unchanged") {
  Harness h;
  Mutex m(h.ex, "m");
  PercpuRwsem sem(h.ex, "sem");
  Rwlock rw(h.ex, "rw");
  Seqlock seq(h.ex, "seq");
  h.reset = [&] {
    m.reset();
    sem.reset();
    rw.reset();
    seq.reset();
  };
  SUBCASE("unlock of a free mutex, up_read/up_write of a free rwsem, rwlock and seqlock unlocks") {
    h.thread("a", [&] {
      m.unlock();
      sem.up_read();
      sem.up_write();
      rw.read_unlock();
      rw.write_unlock();
      seq.write_unlock();
      // nothing went negative or stayed set: each lock can still be taken and dropped
      sem.down_write();
      sem.up_write();
      m.lock();
      m.unlock();
    });
    RandomStrategy s(1);
    CHECK(h.run_once(s, 0).status == S::Completed);
    CHECK(misuses(h.ex) == 6);
    CHECK(sem.readers() == 0);
    CHECK_FALSE(sem.blocked());
    CHECK(seq.sequence() == 0);
    CHECK(m.owner() == kNoThread);
    for (const Event& e : h.ex.events())
      if (e.kind == EvKind::LockMisuse) CHECK(e.value == -1);
  }
  SUBCASE("a mutex unlocked by a non-owner stays with its owner") {
    ThreadId owner_seen = kNoThread;
    h.thread("owner", [&] {
      m.lock();
      h.ex.choice_point();
      h.ex.choice_point();
      owner_seen = m.owner();
      m.unlock();
    });
    h.thread("other", [&] { m.unlock(); });
    RandomStrategy s(2);
    bool stole = false;
    for (int k = 0; k < 50; ++k) {
      CHECK(h.run_once(s, k).status == S::Completed);
      CHECK(owner_seen == 0);  // the owner's unlock is its own, whenever the other one ran
      CHECK(misuses(h.ex) == 1);
      for (const Event& e : h.ex.events())
        if (e.kind == EvKind::LockMisuse && e.value == 0) stole = true;
    }
    CHECK(stole);
  }
  SUBCASE("a read side taken twice is still held after one up_read") {
    h.thread("a", [&] {
      sem.down_read();
      sem.down_read();
      sem.up_read();
      sem.up_read();
      sem.up_read();  // the third is one too many
    });
    RandomStrategy s(1);
    CHECK(h.run_once(s, 0).status == S::Completed);
    CHECK(misuses(h.ex) == 1);
    CHECK(sem.readers() == 0);
  }
}

TEST_CASE("lock misuse checker: bad unlock balance, not the owner, held at exit") {
  Harness h;
  Mutex m(h.ex, "device_hotplug_lock");
  Spinlock z(h.ex, "zone->lock", "zone_lock");
  h.reset = [&] {
    m.reset();
    z.reset();
  };
  LockMisuseChecker c(h.ex);
  h.ex.add_observer(&c);
  SUBCASE("balanced and contended: silent") {
    for (const char* n : {"a", "b"})
      h.thread(n, [&] {
        {
          In f(h.ex, "add_memory", "lock_device_hotplug");
          m.lock();
        }
        h.ex.choice_point();
        In f(h.ex, "add_memory", "unlock_device_hotplug");
        m.unlock();
      });
    CHECK(keys(h, c).empty());
  }
  SUBCASE("an unlock next to an owner: not held, or held by the other task") {
    h.thread("owner", [&] {
      m.lock();
      h.ex.choice_point();
      m.unlock();
    });
    h.thread("kmemleak", [&] {
      In f(h.ex, "kmemleak", "unlock_device_hotplug");
      m.unlock();
    });
    auto k = keys(h, c);
    CHECK(k == std::set<std::string>{"unlock_balance/device_hotplug_lock/unlock_device_hotplug/kmemleak",
                                     "unlock_owner/device_hotplug_lock/unlock_device_hotplug/kmemleak"});
  }
  SUBCASE("titles: lockdep's, the mutex debug check's, spin_bug()'s") {
    h.thread("owner", [&] {
      m.lock();
      z.lock();
      h.ex.choice_point();
      h.ex.choice_point();
      h.ex.choice_point();
      z.unlock();
      m.unlock();
    });
    h.thread("other", [&] {
      h.ex.choice_point();
      m.unlock();
      z.unlock();
    });
    std::set<std::string> titles;
    RandomStrategy s(5);
    for (int i = 0; i < 100; ++i) {
      h.run_once(s, i);
      for (auto& f : c.found()) titles.insert(f.title);
    }
    CHECK(titles.count("WARNING: bad unlock balance detected!") == 1);
    CHECK(titles.count("WARNING: DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)") == 1);
    CHECK(titles.count("BUG: spinlock wrong owner") == 1);
  }
  SUBCASE("a thread that ends holding a lock") {
    h.thread("add_memory", [&] {
      In f(h.ex, "add_memory", "lock_device_hotplug");
      m.lock();
    });
    RandomStrategy s(1);
    h.run_once(s, 0);
    REQUIRE(c.found().size() == 1);
    const Finding& f = c.found()[0];
    CHECK(f.kind == FindingKind::HeldAtExit);
    CHECK(f.key == "held_at_exit/device_hotplug_lock/lock_device_hotplug/add_memory");
    CHECK(f.title == "WARNING: lock held when returning to user space!");
    REQUIRE(f.sides.size() == 1);
    CHECK(f.sides[0].stack == std::vector<std::string>{"lock_device_hotplug", "add_memory"});
    CHECK(f.sides[0].locks == std::vector<std::string>{"device_hotplug_lock (write)"});
  }
}

TEST_CASE("lock misuse checker: unbalanced mem_hotplug_begin/done and get/put_online_mems") {
  Harness h;
  PercpuRwsem mem(h.ex, "mem_hotplug_lock"), cpu(h.ex, "cpu_hotplug_lock");
  h.reset = [&] {
    mem.reset();
    cpu.reset();
  };
  LockMisuseChecker c(h.ex);
  h.ex.add_observer(&c);
  auto begin = [&] {
    In f(h.ex, "add_memory_resource", "mem_hotplug_begin");
    cpu.down_read();
    mem.down_write();
  };
  auto done = [&] {
    In f(h.ex, "add_memory_resource", "mem_hotplug_done");
    mem.up_write();
    cpu.up_read();
  };
  auto run = [&] {
    RandomStrategy s(1);
    CHECK(h.run_once(s, 0).status == S::Completed);
    std::vector<std::string> out;
    for (auto& f : c.found()) out.push_back(f.key);
    return out;
  };
  SUBCASE("balanced: silent") {
    h.thread("a", [&] {
      begin();
      done();
    });
    h.thread("b", [&] {
      In f(h.ex, "kmemleak", "get_online_mems");
      mem.down_read();
      In g(h.ex, "kmemleak", "put_online_mems");
      mem.up_read();
    });
    CHECK(run().empty());
  }
  SUBCASE("done twice: one finding for both locks") {
    h.thread("a", [&] {
      begin();
      done();
      done();
    });
    CHECK(run() == std::vector<std::string>{"hotplug_balance/mem_hotplug_lock/mem_hotplug_done/add_memory_resource"});
    CHECK(c.found()[0].title == "WARNING: bad unlock balance detected!");
  }
  SUBCASE("begin without done") {
    h.thread("a", [&] { begin(); });
    CHECK(run() == std::vector<std::string>{"hotplug_balance/mem_hotplug_lock/mem_hotplug_begin/add_memory_resource"});
    CHECK(c.found()[0].title == "WARNING: lock held when returning to user space!");
  }
  SUBCASE("put_online_mems without get, get without put") {
    h.thread("a", [&] {
      In f(h.ex, "kmemleak", "put_online_mems");
      mem.up_read();
    });
    h.thread("b", [&] {
      In f(h.ex, "kmemleak", "get_online_mems");
      mem.down_read();
    });
    auto k = run();
    CHECK(std::set<std::string>(k.begin(), k.end()) ==
          std::set<std::string>{"hotplug_balance/mem_hotplug_lock/put_online_mems/kmemleak",
                                "hotplug_balance/mem_hotplug_lock/get_online_mems/kmemleak"});
  }
  SUBCASE("another function's imbalance is the generic kind") {
    h.thread("a", [&] {
      In f(h.ex, "kmemleak", "percpu_up_read");
      mem.up_read();
    });
    CHECK(run() == std::vector<std::string>{"unlock_balance/mem_hotplug_lock/percpu_up_read/kmemleak"});
  }
}

namespace {

const char* kOpHead = "op: x\neras: [v6]\nsteps:\n";

std::string op_error(const std::string& steps) {
  try {
    OpCatalog::parse("op.yaml", std::string(kOpHead) + steps);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* kScenarioHead = R"(name: t
era: v6
threads:
  - {name: k, op: kmemleak}
variant:
  name: v
  edits:
)";

std::string edit_error(const std::string& edit) {
  try {
    parse_scenario("x.yaml", std::string(kScenarioHead) + edit);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("acquire and release nodes: op files, ops show, variant edits") {
  SUBCASE("parse and show") {
    OpProgram p = OpCatalog::parse("op.yaml", std::string(kOpHead) +
                                                  "  - acquire: device_hotplug_lock\n"
                                                  "    mode: write\n"
                                                  "    via: lock_device_hotplug_sysfs\n"
                                                  "    trylock: true\n"
                                                  "  - step: pfn_valid\n"
                                                  "  - release: device_hotplug_lock\n"
                                                  "    mode: write\n");
    REQUIRE(p.steps.size() == 3);
    CHECK(p.steps[0].kind == OpNode::Kind::Acquire);
    CHECK(p.steps[0].trylock);
    CHECK(p.steps[2].kind == OpNode::Kind::Release);
    CHECK(p.steps[2].done == "device_hotplug_lock_write_unlock");
    const std::string shown = show_program(p);
    CHECK(shown.find("  acquire [device_hotplug_lock write] by lock_device_hotplug_sysfs (trylock, retried)\n") !=
          std::string::npos);
    CHECK(shown.find("  release [device_hotplug_lock write] by device_hotplug_lock_write_unlock\n") !=
          std::string::npos);
  }
  SUBCASE("op file errors name the field") {
    CHECK(op_error("  - acquire: rcu\n    mode: read\n")
              .find("field 'steps[0].acquire': rcu is taken in lock regions only") != std::string::npos);
    CHECK(op_error("  - release: device_hotplug_lock\n    mode: read\n")
              .find("field 'steps[0].mode': device_hotplug_lock cannot be taken in read mode") != std::string::npos);
    CHECK(op_error("  - release: device_hotplug_lock\n    mode: write\n    via: x\n").find("steps[0]") !=
          std::string::npos);
    CHECK(op_error("  - acquire: device_hotplug_lock\n").find("mode") != std::string::npos);
  }
  SUBCASE("variant edits insert them next to a step") {
    Scenario sc =
        parse_scenario("x.yaml", std::string(kScenarioHead) +
                                     "    - {op: kmemleak, unwrap: mem_hotplug_lock, around: kmemleak_scan}\n"
                                     "    - {op: kmemleak, insert_acquire: mem_hotplug_lock, mode: read, via: "
                                     "get_online_mems, before: kmemleak_scan}\n"
                                     "    - {op: kmemleak, insert_release: mem_hotplug_lock, mode: read, done: "
                                     "put_online_mems, after: kmemleak_scan}\n");
    const auto& s = sc.programs.at("kmemleak").steps;
    REQUIRE(s.size() == 3);
    CHECK(s[0].kind == OpNode::Kind::Acquire);
    CHECK(s[0].via == "get_online_mems");
    CHECK(s[1].name == "kmemleak_scan");
    CHECK(s[2].kind == OpNode::Kind::Release);
    CHECK(s[2].done == "put_online_mems");
  }
  SUBCASE("variant edit errors") {
    CHECK(edit_error("    - {op: kmemleak, insert_release: rcu, mode: read, after: kmemleak_scan}\n")
              .find("field 'variant.edits[0].insert_release': rcu is taken in lock regions only") != std::string::npos);
    CHECK(edit_error("    - {op: kmemleak, insert_acquire: mem_hotplug_lock, mode: read, after: nope}\n")
              .find("field 'after': operation 'kmemleak' (era v6) has no step 'nope'") != std::string::npos);
    CHECK(
        edit_error("    - {op: kmemleak, insert_release: mem_hotplug_lock, mode: read, via: x, after: kmemleak_scan}\n")
            .find("variant.edits[0]") != std::string::npos);
    CHECK(edit_error("    - {op: kmemleak, insert_acquire: mem_hotplug_lock, after: kmemleak_scan}\n").find("mode") !=
          std::string::npos);
  }
}
