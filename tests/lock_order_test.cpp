// The lock-order checker: cycles without a deadlock, lockdep's report
// shapes, trylocks and read recursion.
#include <doctest/doctest.h>

#include <cstdio>
#include <set>

#include "checkers/lock_order.hpp"
#include "checkers/lock_scope.hpp"
#include "checkers/race.hpp"
#include "checkers/refcount.hpp"
#include "checkers/stale_page.hpp"
#include "model/engine/dfs.hpp"
#include "model/kernel/kernel.hpp"
#include "model/support/input_error.hpp"
#include "model/sync/completion.hpp"
#include "tests/checker_worlds.hpp"
#include "tests/harness.hpp"

using namespace mhp;
using namespace mhp::test;

TEST_CASE("lock order: opposite orders form a cycle even when no execution deadlocks") {
  KernelWorld w;
  LockOrderChecker order(w.h.ex, {"resource_lock"}, "device_hotplug_lock");
  w.h.ex.add_observer(&order);
  Mutex& a = w.k.pgmap_lock;
  Spinlock& b = w.k.pgmap_xa_lock;
  bool gate = false;
  auto ab = [&] {
    if (gate) w.k.device_hotplug_lock.lock();
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
    if (gate) w.k.device_hotplug_lock.unlock();
  };
  auto ba = [&] {
    if (gate) w.k.device_hotplug_lock.lock();
    b.lock();
    a.lock();
    a.unlock();
    b.unlock();
    if (gate) w.k.device_hotplug_lock.unlock();
  };
  SUBCASE("fires") {
    w.h.thread("ab", ab);
    w.h.thread("ba", ba);
    RandomStrategy s(1);
    w.h.run_once(s, 0);  // one execution, whatever it did
    auto c = order.cycles();
    REQUIRE(c.size() == 1);
    CHECK(c[0].key == "lockorder/pgmap_array.xa_lock/pgmap_lock");
    CHECK(c[0].sides.size() == 4);  // holder and taker of both dependencies
    // lockdep's table: two classes, so no chain line
    const auto& t = c[0].unsafe_scenario;
    REQUIRE(t.size() == 10);
    CHECK(t[0] == " Possible unsafe locking scenario:");
    CHECK(t[2] == "       CPU0                    CPU1");
    CHECK(t[9] == " *** DEADLOCK ***");
  }
  SUBCASE("silent when both orders are taken under the gate lock") {
    gate = true;
    w.h.thread("ab", ab);
    w.h.thread("ba", ba);
    RandomStrategy s(1);
    w.h.run_once(s, 0);
    CHECK(order.cycles().empty());
  }
  SUBCASE("silent for one order") {
    w.h.thread("ab", ab);
    w.h.thread("ab2", ab);
    RandomStrategy s(1);
    w.h.run_once(s, 0);
    CHECK(order.cycles().empty());
  }
}

TEST_CASE("lock order: a cycle of three classes shows lockdep's chain and unsafe scenario") {
  KernelWorld w;
  LockOrderChecker order(w.h.ex, {}, "device_hotplug_lock");
  w.h.ex.add_observer(&order);
  Mutex& a = w.k.pgmap_lock;
  Spinlock& b = w.k.pgmap_xa_lock;
  Rwlock& c = w.k.resource_lock;
  w.h.thread("t", [&] {  // a -> b, b -> c, then c -> a closes the cycle
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
    b.lock();
    c.write_lock();
    c.write_unlock();
    b.unlock();
    c.write_lock();
    a.lock();
    a.unlock();
    c.write_unlock();
  });
  RandomStrategy s(1);
  w.h.run_once(s, 0);
  auto cyc = order.cycles();
  REQUIRE(cyc.size() == 1);
  CHECK(cyc[0].key == "lockorder/pgmap_array.xa_lock/resource_lock/pgmap_lock");
  // every dependency came in execution 0: the last in cycle order closes it,
  // pgmap_lock (held) -> pgmap_array.xa_lock (taken); its parent is resource_lock
  CHECK(cyc[0].unsafe_scenario ==
        std::vector<std::string>{"Chain exists of:", "  pgmap_array.xa_lock --> resource_lock --> pgmap_lock", "",
                                 " Possible unsafe locking scenario:", "", "       CPU0                    CPU1",
                                 "       ----                    ----", "  lock(pgmap_lock);",
                                 "                               lock(resource_lock);",
                                 "                               lock(pgmap_lock);", "  lock(pgmap_array.xa_lock);", "",
                                 " *** DEADLOCK ***"});
}

TEST_CASE("lock order: a trylock adds no dependency, read recursion of a percpu_rwsem is reported") {
  KernelWorld w;
  LockOrderChecker order(w.h.ex, {"resource_lock"}, "device_hotplug_lock");
  w.h.ex.add_observer(&order);
  w.h.thread("t", [&] {
    w.k.pgmap_lock.lock();
    CHECK(w.k.pgmap_xa_lock.trylock());
    w.k.pgmap_xa_lock.unlock();
    w.k.pgmap_lock.unlock();
    w.k.pgmap_xa_lock.lock();
    w.k.pgmap_lock.lock();
    w.k.pgmap_lock.unlock();
    w.k.pgmap_xa_lock.unlock();
    w.k.resource_lock.read_lock();
    w.k.resource_lock.read_lock();  // rwlock readers are recursive: fine
    w.k.resource_lock.read_unlock();
    w.k.resource_lock.read_unlock();
    w.k.mem_hotplug_lock.down_read();
    w.k.mem_hotplug_lock.down_read();  // percpu_rwsem: not recursive
    w.k.mem_hotplug_lock.up_read();
    w.k.mem_hotplug_lock.up_read();
  });
  auto keys = w.keys(order, 1);
  CHECK(order.cycles().empty());
  CHECK(keys == std::set<std::string>{"lockorder/recursive/mem_hotplug_lock"});
}
