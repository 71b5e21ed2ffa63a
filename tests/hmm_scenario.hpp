// Test helper: a 4-page device of lib/test_hmm.c's type TYPE (private or
// coherent) mapped, its free list built and anon page 0 migrated to it, then
// THEN (threads each `after:` the previous one).
#pragma once
#include <string>
#include <vector>

#include "tests/one_execution.hpp"

namespace mhp::test {

// The free list holds pfns 8..11 pushed in order, so the head is 11: the
// first allocation takes pfn 11.
constexpr Pfn kHmmFirst = 11;

// What one execution of such a scenario left: the two ptes, the free list's
// head, the first allocated page's zone_device_data, the device pages'
// counts, the pgmap's reference count, the findings.
struct HmmSeen {
  std::int64_t pte0 = 0, pte1 = 0, free_head = 0, zdd = 0;
  std::int64_t refcount[4] = {};
  long pgmap_ref = 0;
  std::vector<std::string> keys;
};

inline HmmSeen run_hmm(const std::string& text) {
  HmmSeen s;
  auto one = run_one(text, [&](const Kernel& k) {
    s.pte0 = k.mm->pte[0].v;
    s.pte1 = k.mm->pte[1].v;
    s.free_head = k.dmirrors[0]->free_pages.v;
    s.zdd = k.page_value(kHmmFirst, PageField::ZoneDeviceData);
    for (Pfn i = 0; i < 4; ++i) s.refcount[i] = k.page_value(8 + i, PageField::Refcount);
    s.pgmap_ref = k.pgmaps[0]->ref.count();
  });
  s.keys = one.keys;
  return s;
}

inline std::string hmm_scenario(const std::string& era, const std::string& type, const std::string& then = "") {
  return "name: t\nera: " + era +
         "\n"
         "geometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4, sections_per_block: 1}\n"
         "initial: {boot_sections: 2, anon_pages: 2}\n"
         "devices:\n"
         "  - {name: d, start_pfn: 8, nr_pages: 4, type: " +
         type +
         "}\n"
         "threads:\n"
         "  - {name: map, op: memremap_pages, device: d}\n"
         "  - {name: chunk, op: dmirror_allocate_chunk, device: d, after: map}\n"
         "  - {name: migrate, op: dmirror_migrate_to_device, device: d, vpage: 0, after: chunk}\n" +
         then;
}

}  // namespace mhp::test
