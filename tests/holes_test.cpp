// Firmware holes inside boot memory (initial.holes): what boot leaves in a
// hole's memmap in each era, the zone and resource accounting around it, and
// the pfn walkers that read it.
#include <doctest/doctest.h>

#include "model/support/yaml_util.hpp"
#include "tests/one_execution.hpp"
#include "tests/scenario_error.hpp"

using namespace mhp;

namespace {

// boot pfns [0, 8) in two sections of 4; the hole is pfns 2, 3 (subsection 1
// of section 0).
std::string scenario(const std::string& era, const std::string& hole, const std::string& threads) {
  return "name: t\nera: " + era +
         "\ngeometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4}\n"
         "initial:\n  boot_sections: 2\n  holes: [" +
         hole +
         "]\n"
         "threads:\n" +
         threads;
}
const char* kHole = "{start_pfn: 2, nr_pages: 2}";
const char* kReservedHole = "{start_pfn: 2, nr_pages: 2, memblock_reserved: true}";
const char* kKpageflags = "  - {name: kpageflags, op: kpageflags, pfn: 0, nr_pages: 8}\n";

struct HolePage {
  PageState state = PageState::Absent;
  std::uint8_t init = 0;
  std::int64_t flags = 0, refcount = 0;
  std::int64_t present = 0, spanned = 0, contiguous = 0, subsections = 0, iomem = 0;
};

HolePage boot_state(const std::string& era, const char* hole = kHole) {
  HolePage h;
  test::run_one(scenario(era, hole, "  - {name: z, op: kpageflags, pfn: 0, nr_pages: 1}\n"), [&](const Kernel& k) {
    h.state = k.page_state(2);
    h.init = k.page_init_mask(2);
    h.flags = k.page_value(2, PageField::Flags);
    h.refcount = k.page_value(2, PageField::Refcount);
    const Zone& z = *k.nodes[0]->zones[ZONE_NORMAL];
    h.present = z.present_pages.v;
    h.spanned = z.spanned_pages.v;
    h.contiguous = z.contiguous.v;
    h.subsections = k.sections[0].subsection_map.v;
    h.iomem = k.iomem.v(1);
  });
  return h;
}

std::string err(const std::string& text) { return test::scenario_error(text); }

}  // namespace

TEST_CASE("holes: v4.19 leaves a hole outside memblock.reserved uninitialised") {
  HolePage h = boot_state("v4.19");
  CHECK(h.state == PageState::Hole);
  CHECK(h.init == 0);  // zero_resv_unavail() never wrote it
  CHECK(h.flags == kPagePoison);
  HolePage r = boot_state("v4.19", kReservedHole);
  CHECK(r.init == kAllPageFields);  // in memblock.reserved: zeroed
  CHECK(flags_zone(r.flags) == kZoneIdxLowest);
  CHECK(r.refcount == 0);
}

TEST_CASE("holes: v4.20..v5.4 zero every hole, v5.10 on give it the zone's links") {
  for (const char* era : {"v4.20", "v5.0", "v5.3", "v5.4"}) {
    HolePage h = boot_state(era);
    CAPTURE(era);
    CHECK(h.init == kAllPageFields);
    CHECK(flags_zone(h.flags) == kZoneIdxLowest);  // zone index 0: not the boot zone
    CHECK(flags_nid(h.flags) == 0);
    CHECK(!(h.flags & PG_reserved));
    CHECK(h.refcount == 0);
  }
  for (const char* era : {"v5.10", "v5.14", "v6.1", "v6", "v7.1"}) {
    HolePage h = boot_state(era);
    CAPTURE(era);
    CHECK(h.init == kAllPageFields);
    CHECK(flags_zone(h.flags) == ZONE_NORMAL);
    CHECK((h.flags & PG_reserved));
    CHECK(h.refcount == 1);
  }
}

TEST_CASE("holes: spanned, not present, no subsection bit, no System RAM") {
  HolePage h = boot_state("v6");
  CHECK(h.spanned == 8);
  CHECK(h.present == 6);
  CHECK(h.subsections == 0x1);  // subsection 1 of section 0 holds no memory
  CHECK(h.iomem == IORES_NONE);
  CHECK(h.contiguous == 0);                    // pfn_to_online_page() fails the hole's block
  CHECK(boot_state("v5.10").contiguous == 1);  // the macro passes it, its links name the zone
  CHECK(boot_state("v4.20").contiguous == 0);  // zone index 0 is another zone
}

TEST_CASE("holes: kpageflags reads the uninitialised memmap of a hole in v4.19 only") {
  auto old = test::run_one(scenario("v4.19", kHole, kKpageflags));
  CHECK(test::has(old.keys, "uninit/HOLE/page->flags/stable_page_flags"));
  CHECK(test::has(old.keys, "uninit/HOLE/page->compound_head/stable_page_flags"));
  for (const auto& k : old.keys) CHECK(k.rfind("uninit/HOLE/", 0) == 0);
  CHECK(test::run_one(scenario("v4.19", kReservedHole, kKpageflags)).keys.empty());
  CHECK(test::run_one(scenario("v4.20", kHole, kKpageflags)).keys.empty());
  CHECK(test::run_one(scenario("v6", kHole, kKpageflags)).keys.empty());
}

TEST_CASE("holes: bad declarations are input errors") {
  const std::string ok = "  - {name: z, op: kpageflags, pfn: 0, nr_pages: 1}\n";
  CHECK(err(scenario("v6", kHole, ok)).empty());
  CHECK(err(scenario("v6", "{start_pfn: 3, nr_pages: 2}", ok)).find("initial.holes[0].start_pfn") != std::string::npos);
  CHECK(err(scenario("v6", "{start_pfn: 2, nr_pages: 1}", ok)).find("initial.holes[0].nr_pages") != std::string::npos);
  CHECK(err(scenario("v6", "{start_pfn: 0, nr_pages: 2}", ok)).find("strictly inside boot memory") !=
        std::string::npos);
  CHECK(err(scenario("v6", "{start_pfn: 6, nr_pages: 2}", ok)).find("strictly inside boot memory") !=
        std::string::npos);
  std::string three = scenario("v6", "{start_pfn: 4, nr_pages: 4}", ok);
  three.replace(three.find("boot_sections: 2"), 16, "boot_sections: 3");
  CHECK(err(three).find("covers all of section 1") != std::string::npos);
  CHECK(err(scenario("v6", "{start_pfn: 2, nr_pages: 4}", ok)).empty());  // across a section boundary
  CHECK(err(scenario("v6", "{start_pfn: 2, nr_pages: 2}, {start_pfn: 2, nr_pages: 2}", ok))
            .find("overlaps initial.holes[0]") != std::string::npos);
  CHECK(err(scenario("v6", "{start_pfn: 2, nr_pages: 2, size: 1}", ok)).find("size") != std::string::npos);
  CHECK(err(scenario("v6", kHole, "  - {name: off, op: offline_pages, pfn: 0}\n")).find("firmware hole") !=
        std::string::npos);
}
