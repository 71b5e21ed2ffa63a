// The refcount checker: misuse of a percpu_ref fires, a balanced life is silent.
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

TEST_CASE("refcount: get after kill, put after release and a second release fire, a balanced life is silent") {
  KernelWorld w(one_private_device());
  RefcountChecker refs(w.h.ex);
  w.h.ex.add_observer(&refs);
  PercpuRef& r = w.k.pgmaps[0]->ref;
  SUBCASE("fires") {
    w.h.thread("t", [&] {
      r.init(nullptr, nullptr);
      r.kill();  // count 0: released
      r.get(1);  // get after kill (and after release)
      r.put(1);  // put after release; count 0 again: released twice
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
  KernelWorld w(one_private_device());
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
