// The lock-scope checker: its rules by era, and errors in rule files.
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

TEST_CASE("lock-scope rules: a span write without mem_hotplug_lock fires on any execution, under it stays silent") {
  KernelWorld w;
  LockScopeChecker scope(w.h.ex, "v6");
  w.h.ex.add_observer(&scope);
  CHECK(scope.rule_count() > 5);
  Zone& z = w.k.zone(0, ZONE_MOVABLE);
  SUBCASE("fires") {
    w.h.thread("t", [&] { w.k.write(z.spanned_pages, 4); });
    auto keys = w.keys(scope, 1);
    CHECK(keys == std::set<std::string>{"scope/R4/zone->spanned_pages/<root>"});
  }
  SUBCASE("silent") {
    w.h.thread("t", [&] {
      w.k.mem_hotplug_lock.down_write();
      w.k.write(z.spanned_pages, 4);
      w.k.mem_hotplug_lock.up_write();
    });
    CHECK(w.keys(scope, 1).empty());
  }
  SUBCASE("the read side is not enough for a write rule") {
    w.h.thread("t", [&] {
      w.k.mem_hotplug_lock.down_read();
      w.k.write(z.spanned_pages, 4);
      w.k.mem_hotplug_lock.up_read();
    });
    CHECK(w.keys(scope, 1).size() == 1);
  }
}

TEST_CASE("lock-scope rules: the era decides (v4.19 wants pgdat_resize_lock + span seqlock)") {
  // Two machines, one write each: a key is reported once per execution, so
  // a wrong report of the locked write could hide behind the other's.
  auto run = [](bool with_v4_19_locks) {
    KernelWorld w;
    LockScopeChecker scope(w.h.ex, "v4.19");
    w.h.ex.add_observer(&scope);
    Zone& z = w.k.zone(0, ZONE_MOVABLE);
    w.h.thread("t", [&] {
      w.k.mem_hotplug_lock.down_write();
      if (with_v4_19_locks) {
        w.k.nodes[0]->node_size_lock.lock();
        z.span_seqlock.write_lock();
      }
      w.k.write(z.spanned_pages, 8);
      if (with_v4_19_locks) {
        z.span_seqlock.write_unlock();
        w.k.nodes[0]->node_size_lock.unlock();
      }
      w.k.mem_hotplug_lock.up_write();
    });
    return w.keys(scope, 1);
  };
  CHECK(run(false) == std::set<std::string>{"scope/R4/zone->spanned_pages/<root>"});  // MHP alone: not v4.19's rule
  CHECK(run(true).empty());                                                           // both: fine
}

TEST_CASE("lock-scope rule files: errors name file, line and field") {
  CHECK_THROWS_AS(
      parse_scope_rules("r.yaml", "rules:\n  - {id: R1, what: x, objects: [a], eras: [v9], held: [[l]], source: s}\n"),
      InputError);
  try {
    parse_scope_rules("r.yaml", "rules:\n  - {id: R1, what: x, objects: [a], eras: [v6], held: [[l]]}\n");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("r.yaml:2:") == 0);
    CHECK(std::string(e.what()).find("source") != std::string::npos);
  }
}
