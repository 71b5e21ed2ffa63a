// Sequential postconditions of every operation in every era: one thread runs
// the operations one after another, the model invariants are checked after
// each, and the state the kernel leaves behind is compared with
// docs/KERNEL_REFERENCE.md §5 (spans, present pages, section flags, page states).
#include <doctest/doctest.h>

#include <deque>

#include "model/kernel/invariants.hpp"
#include "model/ops/program.hpp"
#include "tests/harness.hpp"

using namespace mhp;
using namespace mhp::test;

namespace {

// Machine: 4 sections of 4 pages, boot RAM in section 0; a pmem device in section 3.
struct Seq {
  std::string era;
  Harness h;
  Kernel k;
  std::deque<OpProgram> progs;
  std::vector<std::pair<const OpProgram*, OpArgs>> plan;
  std::vector<std::string> violations;
  std::vector<std::string> after;  // "op" + violations, per op

  static MachineSpec machine() {
    MachineSpec m;
    m.boot_sections = 1;
    PgmapDesc d;
    d.name = "pmem0";
    d.start = 12;
    d.nr_pages = 4;
    m.devices.push_back(d);
    return m;
  }
  explicit Seq(std::string e) : era(std::move(e)), k(h.ex, machine()) {}

  void op(const std::string& name, OpArgs a) {
    const OpProgram* p = OpCatalog::get().find(era, name);
    REQUIRE_MESSAGE(p, "era " << era << " has no op " << name);
    progs.push_back(*p);
    bind(progs.back(), h.ex.stacks());
    plan.push_back({&progs.back(), a});
  }
  void ram(const std::string& name, Pfn start, int zone = ZONE_NORMAL) {
    OpArgs a;
    a.start = start;
    a.nr_pages = 4;
    a.zone = zone;
    op(name, a);
  }
  void dev(const std::string& name) {
    OpArgs a;
    a.pgmap = 0;
    a.start = 12;
    a.nr_pages = 4;
    a.zone = ZONE_DEVICE;
    op(name, a);
  }
  // Runs the plan up to (and including) operation n, checking invariants after each.
  void run(std::size_t n = SIZE_MAX) {
    h.reset = [this] { k.reset(); };
    h.thread("seq", [this, n] {
      for (std::size_t i = 0; i < plan.size() && i < n; ++i) {
        OpState st;
        st.args = plan[i].second;
        run_program(k, *plan[i].first, st);
        for (auto& v : check_invariants(k)) violations.push_back(plan[i].first->op + ": " + v.text);
      }
    });
    RandomStrategy s(1);
    Outcome o = h.run_once(s, 0);
    REQUIRE(o.status == Outcome::Status::Completed);
    CHECK_MESSAGE(violations.empty(), era << ": " << (violations.empty() ? "" : violations.front()));
    CHECK_MESSAGE(k.warnings.empty(), era << ": " << (k.warnings.empty() ? "" : k.warnings.front().text));
  }
  std::int64_t flags(std::uint32_t s) const { return k.sections[s].mem_map.v; }
  bool all(Pfn lo, Pfn hi, PageState st) const {
    for (Pfn p = lo; p < hi; ++p)
      if (k.page_state(p) != st) return false;
    return true;
  }
};

// offline_pages() shrinks the zone and node spans (remove_pfn_range_from_zone(),
// feee6b298916 in v5.5, backported to 5.4.y: 5.4.286 has it, without poisoning).
bool shrinks_at_offline(const std::string& era) {
  for (const char* e : {"v4.19", "v4.20", "v5.0", "v5.3"})
    if (era == e) return false;
  return true;
}
// ... and poisons the memmap of the range first (5.10.89 has it, 5.4.286 not);
// before that __offline_isolated_pages() made the pages PG_reserved again.
bool poisons_at_offline(const std::string& era) { return shrinks_at_offline(era) && era != "v5.4"; }

}  // namespace

TEST_CASE("every era has the full set of operations") {
  for (const auto& era : known_eras()) {
    for (const char* op :
         {"add_memory", "remove_memory", "online_pages", "offline_pages", "memremap_pages", "memunmap_pages",
          "memory_failure", "kpageflags", "compaction", "page_owner", "kmemleak", "bad_range"})
      CHECK_MESSAGE(OpCatalog::get().find(era, op), era << " lacks " << op);
  }
}

TEST_CASE("add_memory leaves a present, offline, poisoned section, online_pages puts it in the zone") {
  for (const auto& era : known_eras()) {
    CAPTURE(era);
    {
      Seq s(era);
      s.ram("add_memory", 4);
      s.run();
      CHECK((s.flags(1) & (SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP)) ==
            (SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP));
      CHECK((s.flags(1) & SECTION_IS_ONLINE) == 0);
      CHECK(s.all(4, 8, PageState::Uninit));  // case 1 of [fukasawa-reserved-2019]
      CHECK(s.k.blocks[1]->registered.v == 1);
      CHECK(s.k.blocks[1]->state.v == MEM_OFFLINE);
      CHECK(s.k.iomem.v(2) == IORES_SYSTEM_RAM);
      CHECK(s.k.zone(0, ZONE_NORMAL).spanned_pages.v == 4);  // spans grow only at online
    }
    Seq s(era);
    s.ram("add_memory", 4);
    s.ram("online_pages", 4);
    s.run();
    CHECK((s.flags(1) & SECTION_IS_ONLINE) != 0);
    CHECK(s.all(4, 8, PageState::Online));
    CHECK(s.k.blocks[1]->state.v == MEM_ONLINE);
    Zone& z = s.k.zone(0, ZONE_NORMAL);
    CHECK(z.zone_start_pfn.v == 0);
    CHECK(z.spanned_pages.v == 8);
    CHECK(z.present_pages.v == 8);
    CHECK(s.k.nodes[0]->node_spanned_pages.v == 8);
    CHECK(s.k.nodes[0]->node_present_pages.v == 8);
    CHECK((s.k.page_value(5, PageField::Flags) & PG_buddy) != 0);
  }
}

TEST_CASE("online into an empty movable zone initialises the zone, offline and remove undo it per era") {
  for (const auto& era : known_eras()) {
    CAPTURE(era);
    Seq s(era);
    s.ram("add_memory", 8);
    s.ram("online_pages", 8, ZONE_MOVABLE);
    s.ram("offline_pages", 8, ZONE_MOVABLE);
    s.ram("remove_memory", 8, ZONE_MOVABLE);
    s.run(2);
    Zone& z = s.k.zone(0, ZONE_MOVABLE);
    CHECK(z.initialized.v == 1);
    CHECK(z.zone_start_pfn.v == 8);
    CHECK(z.spanned_pages.v == 4);
    CHECK(s.k.nodes[0]->nr_zones.v == ZONE_MOVABLE + 1);
    CHECK(s.k.nodes[0]->node_spanned_pages.v == 12);  // boot 0..4 plus 8..12

    Seq off(era);
    off.ram("add_memory", 8);
    off.ram("online_pages", 8, ZONE_MOVABLE);
    off.ram("offline_pages", 8, ZONE_MOVABLE);
    off.run();
    CHECK((off.flags(2) & SECTION_IS_ONLINE) == 0);
    CHECK(off.k.zone(0, ZONE_MOVABLE).present_pages.v == 0);
    CHECK(off.k.blocks[2]->state.v == MEM_OFFLINE);
    if (shrinks_at_offline(era)) {  // C8: shrink at offline
      CHECK(off.k.zone(0, ZONE_MOVABLE).spanned_pages.v == 0);
      CHECK(off.k.nodes[0]->node_spanned_pages.v == 4);
    } else {  // Era A: span kept
      CHECK(off.k.zone(0, ZONE_MOVABLE).spanned_pages.v == 4);
    }
    if (poisons_at_offline(era)) {  // memmap re-poisoned
      CHECK(off.all(8, 12, PageState::Poisoned));
    } else {  // PG_reserved again, stale zone links
      CHECK(off.all(8, 12, PageState::Offlined));
      CHECK((off.k.page_value(9, PageField::Flags) & PG_reserved) != 0);
    }

    Seq rm(era);
    rm.ram("add_memory", 8);
    rm.ram("online_pages", 8, ZONE_MOVABLE);
    rm.ram("offline_pages", 8, ZONE_MOVABLE);
    rm.ram("remove_memory", 8, ZONE_MOVABLE);
    rm.run();
    CHECK(rm.flags(2) == 0);
    CHECK(rm.k.sections[2].subsection_map.v == 0);
    CHECK(rm.all(8, 12, PageState::Absent));
    CHECK(rm.k.blocks[2]->registered.v == 0);
    CHECK(rm.k.iomem.v(4) == IORES_NONE);
    CHECK(rm.k.zone(0, ZONE_MOVABLE).spanned_pages.v == 0);  // shrunk at offline or at remove
    CHECK(rm.k.nodes[0]->node_spanned_pages.v == 4);
  }
}

TEST_CASE("memremap_pages initialises every device page, memunmap_pages frees it and balances the ref") {
  for (const auto& era : known_eras()) {
    CAPTURE(era);
    Seq s(era);
    s.dev("memremap_pages");
    s.run();
    CHECK(s.all(12, 16, PageState::DevReady));
    CHECK(s.k.pgmap_entry(13) == 1);
    CHECK(s.k.zone(0, ZONE_DEVICE).zone_start_pfn.v == 12);
    CHECK(s.k.zone(0, ZONE_DEVICE).spanned_pages.v == 4);
    CHECK(s.k.zone(0, ZONE_DEVICE).present_pages.v == 0);  // device memory is never "present"
    CHECK((s.flags(3) & SECTION_IS_ONLINE) == 0);
    CHECK(s.k.page_value(13, PageField::Pgmap) == 1);
    CHECK((s.k.page_value(13, PageField::Flags) & PG_reserved) != 0);  // S11: ZONE_DEVICE pages are PG_reserved
    CHECK(s.k.pgmaps[0]->ref.count() == 1 + 4);                        // initial + one per page
    CHECK(s.k.blocks[3]->registered.v == 0);                           // no memory blocks for ZONE_DEVICE

    Seq u(era);
    u.dev("memremap_pages");
    u.dev("memunmap_pages");
    u.run();
    CHECK(u.all(12, 16, PageState::Absent));
    CHECK(u.flags(3) == 0);
    CHECK(u.k.pgmap_entry(13) == 0);
    CHECK(u.k.pgmaps[0]->ref.count() == 0);
    CHECK(u.k.pgmaps[0]->ref.releases() == 1);
    CHECK(u.k.iomem.v(6) == IORES_NONE);
  }
}

TEST_CASE("an altmap: reserve pfns are never initialised, free pfns host the memmap") {
  for (const auto& era : known_eras()) {
    CAPTURE(era);
    MachineSpec m = Seq::machine();
    m.devices[0].altmap = true;
    m.devices[0].altmap_reserve = 1;
    m.devices[0].altmap_free = 1;
    Harness h;
    Kernel k(h.ex, m);
    OpProgram p = *OpCatalog::get().find(era, "memremap_pages");
    bind(p, h.ex.stacks());
    h.reset = [&] { k.reset(); };
    h.thread("map", [&] {
      OpState st;
      st.args = {0, 12, 4, 0, ZONE_DEVICE, 0};
      run_program(k, p, st);
    });
    RandomStrategy s(1);
    REQUIRE(h.run_once(s, 0).status == Outcome::Status::Completed);
    CHECK(k.page_state(12) == PageState::DevReserved);
    CHECK(k.page_init_mask(12) == 0);
    CHECK(k.page_state(13) == PageState::DevHostmap);
    CHECK(k.page_state(14) == PageState::DevReady);
    CHECK(k.pgmaps[0]->altmap_alloc.v == 4);
    CHECK(check_invariants(k).empty());
  }
}

TEST_CASE("invariants fire on a broken state") {
  Harness h;
  MachineSpec m = Seq::machine();
  Kernel k(h.ex, m);
  k.reset();
  CHECK(check_invariants(k).empty());
  k.zone(0, ZONE_NORMAL).present_pages.v = 9;  // more present than spanned
  auto v = check_invariants(k);
  REQUIRE(v.size() == 1);
  CHECK(v[0].text.find("present_pages 9 > spanned_pages 4") != std::string::npos);
  k.reset();
  k.sections[2].mem_map.v = SECTION_IS_ONLINE;  // online without a memmap
  v = check_invariants(k);
  REQUIRE(v.size() == 1);
  CHECK(v[0].text.find("ONLINE without a memmap") != std::string::npos);
  k.reset();
  k.set_page_state(2, PageState::Uninit);  // an online boot section with an uninitialised page
  v = check_invariants(k);
  REQUIRE(v.size() == 1);
  CHECK(v[0].text.find("pfn 2 in online mem_section[0] is UNINIT") != std::string::npos);
}

TEST_CASE("every walker runs on a settled machine in every era, leaving the state as it was") {
  for (const auto& era : known_eras()) {
    CAPTURE(era);
    Seq s(era);
    s.ram("add_memory", 4);
    s.ram("online_pages", 4);
    s.dev("memremap_pages");
    OpArgs range;
    range.start = 0;
    range.nr_pages = 16;
    OpArgs one;
    one.start = 5;
    one.nr_pages = 1;
    s.op("kpageflags", range);
    s.op("compaction", range);
    s.op("page_owner", range);
    s.op("kmemleak", OpArgs{});
    s.op("bad_range", one);
    s.op("memory_failure", OpArgs{-1, 13, 1, 0, ZONE_NORMAL, 0});
    s.run();
    CHECK(s.all(4, 8, PageState::Online));
    CHECK(s.all(12, 16, PageState::DevReady));
    CHECK(s.k.pgmaps[0]->ref.count() == 1 + 4);  // memory_failure put what it got
    CHECK(s.k.zone(0, ZONE_NORMAL).spanned_pages.v == 8);
  }
}

TEST_CASE("a step's otherwise: steps run in the caller's frame when its check fails, and the op ends") {
  // v4.19 memory_failure(): get_dev_pagemap() finds no pgmap for boot RAM, so
  // the RAM path (PageHuge(), TestSetPageHWPoison()) runs under memory_failure;
  // a device pfn takes memory_failure_dev_pagemap() and is not poisoned.
  Seq s("v4.19");
  s.dev("memremap_pages");
  OpArgs ram;
  ram.start = 2;
  s.op("memory_failure", ram);
  OpArgs dev;
  dev.start = 13;
  s.op("memory_failure", dev);
  s.run();
  CHECK((s.k.page_value(2, PageField::Flags) & PG_hwpoison) != 0);
  CHECK((s.k.page_value(13, PageField::Flags) & PG_hwpoison) == 0);
  bool saw = false;
  for (const Event& e : s.h.ex.events())
    if (e.kind == EvKind::Write && e.obj == s.k.page_obj(2, PageField::Flags)) {
      saw = true;
      CHECK(s.h.ex.stacks().joined(e.stack) == "TestSetPageHWPoison <- memory_failure");
    }
  CHECK(saw);
  // v6 checks pfn_to_online_page() first; its RAM path is not modelled: no poison bit
  Seq b("v6");
  b.op("memory_failure", ram);
  b.run();
  CHECK((b.k.page_value(2, PageField::Flags) & PG_hwpoison) == 0);
  // ops show prints the branch
  const std::string shown = show_program(*OpCatalog::get().find("v4.19", "memory_failure"));
  CHECK(shown.find("get_dev_pagemap    # mm/memremap.c get_dev_pagemap()\n  otherwise:\n    PageHuge") !=
        std::string::npos);
}

namespace {

// Reads of struct page fields and lock acquisitions an execution makes.
struct Counter final : EventObserver {
  const Execution& ex;
  long page_reads = 0, acquires = 0, kn_active = 0;
  explicit Counter(const Execution& e) : ex(e) {}
  void on_event(const Event& ev) override {
    if (ev.kind == EvKind::Acquire)
      ++(ex.objects().class_of(ev.obj) == "kn->active#memory_block" ? kn_active : acquires);
    if (ev.kind == EvKind::Read && ex.objects().class_of(ev.obj).rfind("page->", 0) == 0) ++page_reads;
  }
};

// An online block (pfns 4..7), then the sysfs reader `reader` of it, if any.
Counter sysfs_read(const std::string& era, const char* reader) {
  Seq s(era);
  s.ram("add_memory", 4);
  s.ram("online_pages", 4);
  if (reader) s.ram(reader, 4);
  Counter c(s.h.ex);
  s.h.ex.add_observer(&c);
  s.run();
  CHECK(s.all(4, 8, PageState::Online));
  CHECK(s.k.blocks[1]->state.v == MEM_ONLINE);
  CHECK(s.k.zone(0, ZONE_NORMAL).spanned_pages.v == 8);
  return c;
}

bool era_in(const std::string& era, std::initializer_list<const char*> eras) {
  for (const char* e : eras)
    if (era == e) return true;
  return false;
}

}  // namespace

TEST_CASE(
    "the memory block sysfs readers take no lock but their kernfs active reference and walk the memmap only where "
    "their release does") {
  for (const auto& era : known_eras()) {
    CAPTURE(era);
    const Counter base = sysfs_read(era, nullptr);
    // removable_show(): is_mem_section_removable() up to v5.6 (53cdc1cb29e8,
    // in 5.4.286 as a backport); valid_zones_show(): test_pages_in_a_zone()
    // up to v5.17 (395f6081bad4).
    const bool removable_walks = era_in(era, {"v4.19", "v4.20", "v5.0", "v5.3"});
    const bool valid_zones_walks = removable_walks || era_in(era, {"v5.4", "v5.10", "v5.14", "v5.15"});
    for (const char* reader :
         {"memory_block_state", "memory_block_valid_zones", "memory_block_removable", "memory_block_phys_device"}) {
      CAPTURE(reader);
      const Counter c = sysfs_read(era, reader);
      CHECK(c.acquires == base.acquires);
      CHECK(c.kn_active == base.kn_active + 1);
      const bool walks = (std::string(reader) == "memory_block_removable" && removable_walks) ||
                         (std::string(reader) == "memory_block_valid_zones" && valid_zones_walks);
      CHECK((c.page_reads > base.page_reads) == walks);
    }
  }
}
