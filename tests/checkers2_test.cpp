// The race, stale-page, lock-scope, lock-order and refcount checkers, each on a case where it must fire and one where it
// must stay silent: seqcount sections, lock order, lock-scope rules, refcount
// misuse, idle device-private pages.
#include <doctest/doctest.h>

#include <set>

#include "checkers/lock_order.hpp"
#include "checkers/lock_scope.hpp"
#include "checkers/race.hpp"
#include "checkers/refcount.hpp"
#include "checkers/stale_page.hpp"
#include "model/kernel/kernel.hpp"
#include "model/support/input_error.hpp"
#include "tests/harness.hpp"

using namespace mhp;
using namespace mhp::test;

namespace {

struct World {
  Harness h;
  Kernel k;
  explicit World(MachineSpec m = MachineSpec{}) : k(h.ex, m) { h.reset = [this] { k.reset(); }; }
  std::set<std::string> keys(Checker& c, int n = 200) {
    std::set<std::string> out;
    RandomStrategy s(3);
    for (int i = 0; i < n; ++i) {
      h.run_once(s, i);
      for (auto& f : c.found()) out.insert(f.key);
    }
    return out;
  }
};

MachineSpec one_private_device() {
  MachineSpec m;
  m.boot_sections = 1;
  PgmapDesc d;
  d.name = "devpriv0";
  d.start = 8;
  d.nr_pages = 4;
  d.type = PgmapType::Private;
  m.devices.push_back(d);
  return m;
}

}  // namespace

TEST_CASE("seqcount: a read section that retries is speculative, a validated one still races with a lockless writer") {
  World w;
  RaceChecker race(w.h.ex);
  w.h.ex.add_observer(&race);
  Zone& z = w.k.zone(0, ZONE_NORMAL);
  auto reader = [&] {
    unsigned seq;
    do {
      seq = z.span_seqlock.read_begin();
      w.k.read(z.zone_start_pfn);
    } while (z.span_seqlock.read_retry(seq));
  };
  SUBCASE("writer inside the write section: silent") {
    w.h.thread("writer", [&] {
      z.span_seqlock.write_lock();
      w.k.write(z.zone_start_pfn, 4);
      z.span_seqlock.write_unlock();
    });
    w.h.thread("reader", reader);
    CHECK(w.keys(race).empty());
  }
  SUBCASE("writer without the seqlock: the validated read races") {
    w.h.thread("writer", [&] { w.k.write(z.zone_start_pfn, 4); });
    w.h.thread("reader", reader);
    auto keys = w.keys(race);
    CHECK(keys.count("race/zone->zone_start_pfn/<root>/<root>") == 1);
  }
}

TEST_CASE("seqcount: a value stored before read_seqretry() and then retried is its own kind") {
  World w;
  RaceChecker race(w.h.ex);
  w.h.ex.add_observer(&race);
  Zone& z = w.k.zone(0, ZONE_NORMAL);
  Cell copy{w.h.ex.objects().add("copy"), 0, 0};
  auto writer = [&] {
    z.span_seqlock.write_lock();
    w.k.write(z.zone_start_pfn, 4);
    z.span_seqlock.write_unlock();
  };
  SUBCASE("stored inside the section: fires") {
    w.h.thread("writer", writer);
    w.h.thread("reader", [&] {
      unsigned seq;
      do {
        seq = z.span_seqlock.read_begin();
        w.k.write(copy, w.k.read(z.zone_start_pfn));  // used before validation
      } while (z.span_seqlock.read_retry(seq));
    });
    CHECK(w.keys(race).count("seqcount/unvalidated/copy/<root>") == 1);
  }
  SUBCASE("stored after the retry check: silent") {
    w.h.thread("writer", writer);
    w.h.thread("reader", [&] {
      unsigned seq;
      std::int64_t v;
      do {
        seq = z.span_seqlock.read_begin();
        v = w.k.read(z.zone_start_pfn);
      } while (z.span_seqlock.read_retry(seq));
      w.k.write(copy, v);
    });
    CHECK(w.keys(race).empty());
  }
}

TEST_CASE("lock order: opposite orders form a cycle even when no execution deadlocks") {
  World w;
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
  World w;
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
  CHECK(cyc[0].unsafe_scenario == std::vector<std::string>{
                                      "Chain exists of:",
                                      "  pgmap_array.xa_lock --> resource_lock --> pgmap_lock",
                                      "",
                                      " Possible unsafe locking scenario:",
                                      "",
                                      "       CPU0                    CPU1",
                                      "       ----                    ----",
                                      "  lock(pgmap_lock);",
                                      "                               lock(resource_lock);",
                                      "                               lock(pgmap_lock);",
                                      "  lock(pgmap_array.xa_lock);",
                                      "",
                                      " *** DEADLOCK ***"});
}

TEST_CASE("lock order: a trylock adds no dependency, read recursion of a percpu_rwsem is reported") {
  World w;
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

TEST_CASE("lock-scope rules: a span write without mem_hotplug_lock fires on any execution, under it stays silent") {
  World w;
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
    World w;
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
  CHECK(run(true).empty());                                                        // both: fine
}

TEST_CASE("lock-scope rule files: errors name file, line and field") {
  CHECK_THROWS_AS(parse_scope_rules("r.yaml", "rules:\n  - {id: R1, what: x, objects: [a], eras: [v9], held: [[l]], source: s}\n"),
                  InputError);
  try {
    parse_scope_rules("r.yaml", "rules:\n  - {id: R1, what: x, objects: [a], eras: [v6], held: [[l]]}\n");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("r.yaml:2:") == 0);
    CHECK(std::string(e.what()).find("source") != std::string::npos);
  }
}

TEST_CASE("refcount: get after kill, put after release and a second release fire, a balanced life is silent") {
  World w(one_private_device());
  RefcountChecker refs(w.h.ex);
  w.h.ex.add_observer(&refs);
  PercpuRef& r = w.k.pgmaps[0]->ref;
  SUBCASE("fires") {
    w.h.thread("t", [&] {
      r.init(nullptr, nullptr);
      r.kill();   // count 0: released
      r.get(1);   // get after kill (and after release)
      r.put(1);   // put after release; count 0 again: released twice
    });
    auto keys = w.keys(refs, 1);
    CHECK(keys == std::set<std::string>{"refcount/get-after-kill/pgmap->ref/<root>",
                                        "refcount/put-after-release/pgmap->ref/<root>",
                                        "refcount/release-twice/pgmap->ref/<root>"});
  }
  SUBCASE("silent") {
    w.h.thread("t", [&] {
      r.init(nullptr, nullptr);
      r.get(3);
      CHECK(r.tryget_live());
      r.put(1);
      r.kill();
      CHECK_FALSE(r.tryget_live());
      r.put(3);
    });
    CHECK(w.keys(refs, 1).empty());
    CHECK(r.releases() == 1);
  }
}

TEST_CASE(
    "refcount: use after exit, exit with references, a live tryget on a dying ref and the kernel's WARN_ONCEs fire") {
  World w(one_private_device());
  RefcountChecker refs(w.h.ex);
  w.h.ex.add_observer(&refs);
  PercpuRef& r = w.k.pgmaps[0]->ref;
  SUBCASE("use after exit") {
    w.h.thread("t", [&] {
      r.init(nullptr, nullptr);
      r.kill();  // count 0: released
      r.exit();
      r.get(1);
      r.tryget(1);
      r.tryget_live();
    });
    CHECK(w.keys(refs, 1) == std::set<std::string>{"refcount/get-after-exit/pgmap->ref/<root>",
                                                   "refcount/tryget-after-exit/pgmap->ref/<root>"});
  }
  SUBCASE("exit with references held") {
    w.h.thread("t", [&] {
      r.init(nullptr, nullptr);
      r.get(2);
      r.kill();
      r.put(1);
      r.exit();  // one reference still held
    });
    CHECK(w.keys(refs, 1) == std::set<std::string>{"refcount/exit-with-refs/pgmap->ref/<root>"});
  }
  SUBCASE("a live tryget on a killed ref") {
    // The primitive refuses it; the event stands for a model that would not.
    w.h.thread("t", [&] {
      r.init(nullptr, nullptr);
      r.get(1);
      r.kill();
      w.h.ex.emit(EvKind::RefOp, std::uint8_t(RefOpKind::TryGetLive), r.obj(), 2);
    });
    CHECK(w.keys(refs, 1) == std::set<std::string>{"refcount/tryget-live-dying/pgmap->ref/<root>"});
  }
  SUBCASE("kill twice, reinit above zero, resurrect of a live ref") {
    w.h.thread("t", [&] {
      r.init(nullptr, nullptr);
      r.get(2);
      r.kill();
      r.kill();
      r.reinit();     // count 1 (a get): not zero
      r.resurrect();  // not dead any more
    });
    CHECK(w.keys(refs, 1) == std::set<std::string>{"refcount/kill-twice/pgmap->ref/<root>",
                                                   "refcount/reinit-nonzero/pgmap->ref/<root>",
                                                   "refcount/resurrect-live/pgmap->ref/<root>"});
  }
  SUBCASE("silent: init, use, kill, release, reinit, kill again, exit") {
    w.h.thread("t", [&] {
      r.init(nullptr, nullptr);
      r.get(2);
      CHECK(r.tryget(1));
      r.kill();
      CHECK_FALSE(r.tryget_live());
      CHECK(r.tryget(1));  // a killed ref with references left: tryget still succeeds
      r.put(4);            // released
      r.reinit();
      r.kill();  // released again: a new life
      r.exit();  // an init undone with only its initial reference would be fine too
    });
    CHECK(w.keys(refs, 1).empty());
    CHECK(r.releases() == 1);
  }
}

TEST_CASE("stale: an idle device-private page read without a pgmap reference ([williams-request-folio-2022])") {
  World w(one_private_device());
  StalePageChecker stale(w.h.ex, w.k);
  w.h.ex.add_observer(&stale);
  DevPagemap& p = *w.k.pgmaps[0];
  auto map = [&] {
    p.ref.init(nullptr, nullptr);
    p.idle_at_zero = true;  // memmap_init_zone_device() of v6.1+
    for (Pfn pfn = 8; pfn < 12; ++pfn) {
      w.k.poison_page(pfn, PageState::DevUninit);
      w.k.init_page_field(pfn, PageField::Flags, page_links(ZONE_DEVICE, 0));
      w.k.init_page_field(pfn, PageField::Refcount, 0);  // free device-private page
      w.k.init_page_field(pfn, PageField::Pgmap, 1);
      w.k.set_page_state(pfn, PageState::DevReady);
    }
  };
  SUBCASE("fires") {
    w.h.thread("driver", [&] {
      map();
      w.k.read_page(9, PageField::Pgmap);
    });
    CHECK(w.keys(stale, 1) == std::set<std::string>{"stale/IDLE/page->pgmap/<root>"});
  }
  SUBCASE("silent before v6.1: a private page at 0 is one the unmap has put, not an idle one") {
    bool read = false;
    w.h.thread("memunmap_pages", [&] {
      map();
      p.idle_at_zero = false;  // memmap_init_zone_device() before ef233450898f: free pages at 1
      w.k.read_page(9, PageField::Flags);  // page_to_nid() after the per-page puts (v5.0, v5.3)
      read = true;
    });
    CHECK(w.keys(stale, 1).empty());
    CHECK(read);
  }
  SUBCASE("silent with the reference taken first") {
    bool read = false;  // the read ran: silence is not an execution that stopped early
    w.h.thread("driver", [&] {
      map();
      CHECK(p.ref.tryget_live());
      w.k.read_page(9, PageField::Pgmap);
      read = true;
      p.ref.put(1);
    });
    CHECK(w.keys(stale, 1).empty());
    CHECK(read);
  }
}
