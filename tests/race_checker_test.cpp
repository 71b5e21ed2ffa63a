// The race checker: where it must fire and where it must stay silent (locks,
// marked accesses, release/acquire, seqcount read sections, 64 threads).
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

TEST_CASE("race checker fires on unordered plain writes") {
  RaceWorld w;
  for (const char* n : {"a", "b"}) w.h.thread(n, [&] { w.k.write(w.data, 1); });
  auto keys = w.keys(w.race);
  REQUIRE(keys.size() == 1);
  CHECK(keys.begin()->rfind("race/data/", 0) == 0);
}

TEST_CASE("race checker is silent when a mutex orders the accesses") {
  RaceWorld w;
  for (const char* n : {"a", "b"})
    w.h.thread(n, [&] {
      w.k.device_hotplug_lock.lock();
      w.k.write(w.data, w.k.read(w.data) + 1);
      w.k.device_hotplug_lock.unlock();
    });
  CHECK(w.keys(w.race).empty());
}

TEST_CASE("race checker: rwsem writer vs reader ordered, reader vs reader never a race") {
  RaceWorld w;
  w.h.thread("w", [&] {
    w.k.mem_hotplug_lock.down_write();
    w.k.write(w.data, 1);
    w.k.mem_hotplug_lock.up_write();
  });
  for (const char* n : {"r0", "r1"})
    w.h.thread(n, [&] {
      w.k.mem_hotplug_lock.down_read();
      w.k.read(w.data);
      w.k.mem_hotplug_lock.up_read();
    });
  CHECK(w.keys(w.race, 300).empty());
}

TEST_CASE("race checker: marked accesses are intended concurrency") {
  RaceWorld w;
  w.h.thread("a", [&] { w.k.write(w.data, 1, Access::Once); });
  w.h.thread("b", [&] { w.k.read(w.data, Access::Once); });
  w.h.thread("c", [&] { w.k.read(w.data, Access::Once); });
  CHECK(w.keys(w.race).empty());
}

TEST_CASE("race checker: release/acquire publication orders the payload, skipping the flag races") {
  RaceWorld ok;
  ok.h.thread("pub", [&] {
    ok.k.write(ok.data, 42);
    ok.k.write(ok.flag, 1, Access::Release);
  });
  ok.h.thread("sub", [&] {
    if (ok.k.read(ok.flag, Access::Acquire)) ok.k.read(ok.data);
  });
  CHECK(ok.keys(ok.race, 300).empty());

  RaceWorld bad;
  bad.h.thread("pub", [&] {
    bad.k.write(bad.data, 42);
    bad.k.write(bad.flag, 1, Access::Release);
  });
  bad.h.thread("sub", [&] {
    bad.k.read(bad.flag, Access::Once);  // not an acquire: no ordering
    bad.k.read(bad.data);
  });
  auto keys = bad.keys(bad.race, 300);
  CHECK(keys.count("race/data/<root>/<root>") == 1);
}

TEST_CASE("race checker keeps both accesses of a race") {
  RaceWorld w;
  w.h.thread("writer", [&] {
    Frame f(w.h.ex, w.h.ex.stacks().fn("resize_zone_range"));
    w.k.write(w.data, 1);
  });
  w.h.thread("reader", [&] {
    Frame f(w.h.ex, w.h.ex.stacks().fn("page_outside_zone_boundaries"));
    w.k.read(w.data);
  });
  RandomStrategy s(1);
  w.h.run_once(s, 0);
  REQUIRE(w.race.found().size() == 1);
  const Finding& f = w.race.found()[0];
  CHECK(f.key == "race/data/page_outside_zone_boundaries/resize_zone_range");
  REQUIRE(f.sides.size() == 2);
  CHECK(f.sides[0].stack != f.sides[1].stack);
}

namespace {
// 64 threads, a search of all their traces (source-DPOR, complete): thread 40
// writes data and completes c1, thread 50 waits for c1 and completes c2,
// thread 63 (after waiting for c2 if ordered) writes data; every other thread
// writes a cell of its own. The order reaches thread 63 only through the
// clock components of threads 40 and 50. Returns the race findings' sides.
std::set<std::string> chain_races(bool ordered) {
  RaceWorld w;
  Completion c1(w.h.ex, "c1"), c2(w.h.ex, "c2");
  std::vector<Cell> own;
  for (unsigned i = 0; i < kMaxThreads; ++i) own.push_back(Cell{w.h.ex.objects().add("own"), 0, 0});
  auto reset_world = w.h.reset;
  w.h.reset = [&] {
    reset_world();
    c1.reset();
    c2.reset();
    for (Cell& c : own) c.v = 0;
  };
  for (unsigned i = 0; i < kMaxThreads; ++i) {
    char name[8];
    std::snprintf(name, sizeof name, "t%u", i);
    w.h.thread(name, [&, i] {
      if (i == 40) {
        w.k.write(w.data, 1);
        c1.complete();
      } else if (i == 50) {
        c1.wait();
        c2.complete();
      } else if (i == 63) {
        if (ordered) c2.wait();
        w.k.write(w.data, 2);
      } else {
        w.k.write(own[i], 1);
      }
    });
  }
  DfsStrategy dfs(DfsStrategy::kUnbounded, Reduction::Dpor, &w.h.ex.objects());
  std::set<std::string> sides;
  std::uint64_t runs = 0;
  bool more = true;
  for (; more && runs < 1000; more = dfs.next()) {
    REQUIRE(w.h.run_once(dfs, runs++).status == Outcome::Status::Completed);
    for (const Finding& f : w.race.found())
      for (const auto& side : f.sides) sides.insert(side.title);
  }
  CHECK_FALSE(more);  // the search is complete
  return sides;
}
}  // namespace

TEST_CASE("race checker over 64 threads: order through the clocks of threads 40 and 50, a race without it") {
  CHECK(chain_races(true).empty());
  std::set<std::string> sides = chain_races(false);
  CHECK(sides == std::set<std::string>{"write to data of 8 bytes by task t40 (T40):",
                                       "write to data of 8 bytes by task t63 (T63):"});
}

TEST_CASE("seqcount: a read section that retries is speculative, a validated one still races with a lockless writer") {
  KernelWorld w;
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
  KernelWorld w;
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
