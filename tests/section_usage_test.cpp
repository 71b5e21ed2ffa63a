// mem_section::usage's lifetime (mm/sparse.c): allocated by section_activate(),
// freed by section_deactivate() -- at once before 5ec8e8ea8b77, by kfree_rcu()
// from the 6.1 era's trees on -- and kept for early sections.
#include <doctest/doctest.h>

#include "tests/one_execution.hpp"

using namespace mhp;

namespace {

std::string scenario(const std::string& era, bool remove) {
  return "name: t\nera: " + era +
         "\ngeometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4}\n"
         "initial: {boot_sections: 2}\n"
         "threads:\n"
         "  - {name: add, op: add_memory, pfn: 8}\n" +
         (remove ? "  - {name: remove, op: remove_memory, pfn: 8, after: add}\n" : "");
}

struct Usage {
  std::uint32_t boot0 = 0, added = 0;
  std::size_t objects = 0;
  MemSectionUsage::State last = MemSectionUsage::State::Live;
};

Usage run(const std::string& text) {
  Usage u;
  test::run_one(text, [&](const Kernel& k) {
    u.boot0 = std::uint32_t(k.sections[0].usage.v);
    u.added = std::uint32_t(k.sections[2].usage.v);
    u.objects = k.usages.size();
    if (!k.usages.empty()) u.last = k.usages.back().state;
  });
  return u;
}

}  // namespace

TEST_CASE("section usage: allocated at add, kept for early sections") {
  Usage u = run(scenario("v5.10", false));
  CHECK(u.boot0 == 1);    // boot sections 0 and 1 have theirs from sparse_init()
  CHECK(u.objects == 3);  // and section 2 got one from section_activate()
  CHECK(u.added == 3);
  CHECK(u.last == MemSectionUsage::State::Live);
}

TEST_CASE("section usage: freed at removal, by era") {
  Usage old = run(scenario("v5.10", true));
  CHECK(old.added == 0);  // ms->usage = NULL
  CHECK(old.last == MemSectionUsage::State::Freed);
  CHECK(old.boot0 == 1);
  Usage rcu = run(scenario("v6.1", true));
  CHECK(rcu.added == 0);
  CHECK(rcu.last == MemSectionUsage::State::RcuPending);  // kfree_rcu()
}

TEST_CASE("section usage: no usage object before v5.3") {
  Usage u = run(scenario("v5.0", false));
  CHECK(u.objects == 0);  // v5.0 has no struct mem_section_usage
  CHECK(u.boot0 == 0);
  CHECK(u.added == 0);
}

namespace {

// pmem0 in the free subsection of early section 1 (boot RAM ends at pfn 6).
struct Teardown {
  PageState dev = PageState::Uninit;  // pfn 6 after the unmap
  std::int64_t flags = 0;             // section 1's section_mem_map
  bool warned = false;
};

Teardown unmap_in_early_section(const std::string& era) {
  Teardown t;
  test::run_one("name: t\nera: " + era +
                    "\ngeometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4}\n"
                    "initial: {boot_pages: 6}\n"
                    "devices: [{name: pmem0, start_pfn: 6, nr_pages: 2}]\n"
                    "threads:\n"
                    "  - {name: map, op: memremap_pages, device: pmem0}\n"
                    "  - {name: unmap, op: memunmap_pages, device: pmem0, after: map}\n",
                [&](const Kernel& k) {
                  t.dev = k.page_state(6);
                  t.flags = k.sections[1].mem_map.v;
                  t.warned = !k.warnings.empty();
                });
  return t;
}

std::int64_t section_flags_after_remove(const std::string& era) {
  std::int64_t flags = -1;
  test::run_one(scenario(era, true), [&](const Kernel& k) { flags = k.sections[2].mem_map.v; });
  return flags;
}

}  // namespace

TEST_CASE("section teardown: an early section keeps its memmap from ef69bc9f689d") {
  // v5.4.286 still frees the device's part of an early section's memmap
  Teardown old = unmap_in_early_section("v5.4");
  CHECK(old.dev == PageState::Absent);
  CHECK((old.flags & SECTION_IS_EARLY) != 0);  // the section is not emptied: RAM is left
  CHECK_FALSE(old.warned);
  for (const char* era : {"v5.10", "v6.1", "v6"}) {
    CAPTURE(era);
    Teardown t = unmap_in_early_section(era);
    CHECK(t.dev != PageState::Absent);
    CHECK((t.flags & SECTION_HAS_MEM_MAP) != 0);
    CHECK_FALSE(t.warned);
  }
}

TEST_CASE("section teardown: an emptied section's section_mem_map ends NULL in every Era B release") {
  for (const char* era : {"v5.3", "v5.4", "v5.10", "v6.1", "v6.6", "v7.1"}) {
    CAPTURE(era);
    CHECK(section_flags_after_remove(era) == 0);
  }
}
