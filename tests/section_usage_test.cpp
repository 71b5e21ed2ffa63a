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
    u.boot0 = k.sections[0].usage;
    u.added = k.sections[2].usage;
    u.objects = k.usages.size();
    if (!k.usages.empty()) u.last = k.usages.back().state;
  });
  return u;
}

}  // namespace

TEST_CASE("section usage: allocated at add, kept for early sections") {
  Usage u = run(scenario("v5.10", false));
  CHECK(u.boot0 == 1);     // boot sections 0 and 1 have theirs from sparse_init()
  CHECK(u.objects == 3);   // and section 2 got one from section_activate()
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
