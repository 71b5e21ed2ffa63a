// The stale-page checker: poisoned and uninitialised struct page fields,
// boot memory, idle device-private pages.
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

TEST_CASE("stale-page checker fires on a poisoned field and is silent once it is initialised") {
  RaceWorld w;
  w.h.thread("t", [&] {
    w.k.poison_page(5, PageState::DevUninit);
    w.k.read_page(5, PageField::Flags);               // fires: case 4
    w.k.init_page_field(5, PageField::Flags, 0x201);  // initialised
    w.k.read_page(5, PageField::Flags);               // silent
    w.k.read_page(5, PageField::Pgmap);               // fires: pgmap still poisoned
    w.k.read_page(6, PageField::Flags);               // fires: no memmap at all
  });
  RandomStrategy s(1);
  w.h.run_once(s, 0);
  std::vector<std::string> keys;
  for (auto& f : w.stale.found()) keys.push_back(f.key);
  REQUIRE(keys.size() == 3);
  CHECK(keys[0] == "uninit/DEV_UNINIT/page->flags/<root>");
  CHECK(keys[1] == "uninit/DEV_UNINIT/page->pgmap/<root>");
  CHECK(keys[2] == "stale/ABSENT/page->flags/<root>");
  CHECK(w.stale.found()[0].notes[0].find("case 4 of [fukasawa-reserved-2019]") != std::string::npos);
}

TEST_CASE("boot memory is initialised and online after reset, reads of it are silent") {
  Harness h;
  MachineSpec m;
  m.boot_sections = 1;
  Kernel k(h.ex, m);
  StalePageChecker stale(h.ex, k);
  h.ex.add_observer(&stale);
  h.reset = [&] { k.reset(); };
  h.thread("walker", [&] {
    for (Pfn p = 0; p < 4; ++p) k.read_page(p, PageField::Flags);
  });
  RandomStrategy s(1);
  h.run_once(s, 0);
  CHECK(stale.found().empty());
  CHECK(k.page_state(0) == PageState::Online);
  CHECK(k.page_state(4) == PageState::Absent);
  CHECK((k.sections[0].mem_map.v & SECTION_IS_ONLINE) != 0);
  CHECK(k.zone(0, ZONE_NORMAL).spanned_pages.v == 4);
}
TEST_CASE("stale: an idle device-private page read without a pgmap reference ([williams-request-folio-2022])") {
  KernelWorld w(one_private_device());
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
      p.idle_at_zero = false;              // memmap_init_zone_device() before ef233450898f: free pages at 1
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

// The memmap's shadow (kEvPageSuspect) decides which page accesses reach
// the stale-page checker: a second checker that sees every page access must
// report exactly where the dispatched one does, and each of its reports
// must be on an access the shadow called suspect. A pseudo-random mix of
// poisoning, initialisation (a list pointer in page->pgmap too), frees,
// refcount changes to and from zero on an idle-at-zero device-private page,
// and loads of every field.
namespace {
struct SeesEveryPageAccess final : EventObserver {
  StalePageChecker& all;
  const Kernel& k;
  int suspect = 0, clean = 0, unflagged_reports = 0;
  SeesEveryPageAccess(StalePageChecker& c, const Kernel& kk) : all(c), k(kk) {}
  void on_execution_begin() override { all.on_execution_begin(); }
  void on_event(const Event& ev) override {
    if (ev.kind == EvKind::RefOp) return all.on_event(ev);
    if (!k.is_page_obj(ev.obj)) return;
    const bool s = ev.flags & kEvPageSuspect;
    (s ? suspect : clean) += 1;
    const std::size_t before = all.found().size();
    all.on_event(ev);
    if (all.found().size() > before && !s) ++unflagged_reports;
  }
};
}  // namespace

TEST_CASE("the memmap's shadow passes by exactly the page accesses the stale-page checker would") {
  KernelWorld w(one_private_device());
  StalePageChecker dispatched(w.h.ex, w.k), every(w.h.ex, w.k);
  SeesEveryPageAccess audit(every, w.k);
  w.h.ex.add_observer(&dispatched);
  w.h.ex.add_observer(&audit);
  DevPagemap& p = *w.k.pgmaps[0];
  const PageState states[] = {PageState::Uninit, PageState::DevUninit, PageState::Poisoned, PageState::DevReserved};
  const std::int64_t values[] = {0, 1, 0x201, kLruSelf, kListPoison};
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  auto next = [&](unsigned n) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return unsigned(x % n);
  };
  w.h.thread("t", [&] {
    p.ref.init(nullptr, nullptr);
    p.idle_at_zero = true;
    for (int i = 0; i < 4000; ++i) {
      const Pfn pfn = 6 + next(7);  // boot pages, the device's, one beyond
      const auto f = PageField(next(kPageFields));
      switch (next(8)) {
        case 0: w.k.poison_page(pfn, states[next(4)]); break;
        case 1: w.k.free_memmap(pfn, pfn + 1); break;
        case 2: w.k.set_page_state(pfn, PageState::DevReady); break;
        case 3: w.k.page_ref_add(pfn, pfn + 1, next(2) ? 1 : -1); break;
        case 4: w.k.write_pages(pfn, pfn + 1, f, values[next(5)]); break;
        case 5:
          if (f != PageField::CompoundHead) w.k.init_page_field(pfn, f, values[next(5)]);
          break;
        default: w.k.read_page(pfn, f); break;
      }
    }
  });
  RandomStrategy s(1);
  w.h.run_once(s, 0);
  CHECK(audit.unflagged_reports == 0);
  CHECK(dispatched.found().size() == every.found().size());
  for (std::size_t i = 0; i < std::min(dispatched.found().size(), every.found().size()); ++i)
    CHECK(dispatched.found()[i].key == every.found()[i].key);
  // both kinds met, and reports of each finding kind the shadow filters for
  CHECK(audit.suspect > 100);
  CHECK(audit.clean > 100);
  std::set<std::string> prefixes;
  for (const Finding& f : every.found()) prefixes.insert(f.key.substr(0, f.key.find('/', f.key.find('/') + 1)));
  CHECK(prefixes.count("stale/IDLE") == 1);
  CHECK(prefixes.count("stale/ABSENT") == 1);
  CHECK(prefixes.count("uninit/DEV_UNINIT") == 1);
}
