// Hypothetical, for [fukasawa-reserved-2019]: Dan Williams' "if
// ZONE_DEVICE is to be a first class citizen in pfn walkers I think it would
// be worth the cost to double the size of subsection_map and to identify
// whether a sub-section is ZONE_DEVICE, or not", and David Hildenbrand's
// pfn_zone_device(). No kernel has this map; these steps let a scenario put
// its store where a patch would (before the subsection goes present, after
// the memmap init, with or without release ordering) and let walkers test it,
// so the proposal's answer to the five cases of the thread can be run.
#include <algorithm>

#include "model/kernel/primitives.hpp"
#include "model/kernel/sparse.hpp"

namespace mhp {

namespace {

// The device range's bits in one word of each section it covers (the
// operation's range).
template <typename Fn>
void for_range_bits(Kernel& k, const OpState& st, Fn fn) {
  if (st.args.nr_pages == 0) return;
  const Pfn end = st.args.start + st.args.nr_pages;
  for (std::uint32_t s = k.geo.section_of(st.args.start); s <= k.geo.section_of(end - 1); ++s)
    fn(k.sections[s],
       subsection_bits(k, std::max(st.args.start, k.geo.section_start(s)), std::min(end, k.geo.section_start(s + 1))));
}

// Set the range's bits, as section_activate() sets subsection_map, with
// WRITE_ONCE or with smp_store_release() (a store meant to publish the
// memmap init): in the ZONE_DEVICE map, or in the "initialised" map.
template <Cell MemSection::*Map, Access A>
bool subsection_dev_map_set(Kernel& k, OpState& st) {
  for_range_bits(k, st, [&](MemSection& ms, std::int64_t bits) {
    Cell& map = ms.*Map;
    k.write(map, k.read(map, Access::Once) | bits, A);
  });
  return true;
}

// The teardown's counterpart (before the memmap is poisoned and freed): both
// maps, the "initialised" bits first.
bool subsection_dev_map_clear(Kernel& k, OpState& st) {
  for_range_bits(k, st, [&](MemSection& ms, std::int64_t bits) {
    for (Cell* map : {&ms.subsection_dev_init_map, &ms.subsection_dev_map}) {
      const std::int64_t v = k.read(*map, Access::Once);
      if (v & bits) k.write(*map, v & ~bits, Access::Once);
    }
  });
  return true;
}

// pfn_zone_device(): the pfn's bit, by READ_ONCE or smp_load_acquire().
template <Access A, Cell MemSection::*Map = &MemSection::subsection_dev_map>
bool pfn_zone_device(Kernel& k, Pfn pfn) {
  return (k.read(k.sections[k.geo.section_of(pfn)].*Map, A) >> k.geo.subsection_of(pfn)) & 1;
}

// pfn_to_online_page() with the map in place of C10's TAINT slow path
// (get_dev_pagemap()): online section, subsection present, not ZONE_DEVICE.
bool online_not_zone_device(Kernel& k, Pfn pfn) {
  MemSection& ms = k.sections[k.geo.section_of(pfn)];
  if (!(k.read(ms.mem_map, Access::Once) & SECTION_IS_ONLINE)) return false;
  if (!((k.read(ms.subsection_map, Access::Once) >> k.geo.subsection_of(pfn)) & 1)) return false;
  return !pfn_zone_device<Access::Once>(k, pfn);
}
bool pfn_to_online_page_dev_map(Kernel& k, OpState& st) { return online_not_zone_device(k, st.cur); }

// A walker with ZONE_DEVICE as "a first class citizen": online RAM
// (pfn_to_online_page(), v6) or a pfn the map says is ZONE_DEVICE.
template <Access A>
bool pfn_to_online_page_or_zone_device(Kernel& k, OpState& st) {
  return pfn_to_online_page_b(k, st.cur) || pfn_zone_device<A>(k, st.cur);
}

// Both states: online RAM by the ZONE_DEVICE bit (set before the subsection
// goes valid), or ZONE_DEVICE with an initialised memmap (smp_load_acquire()
// of the second bit, set with release after memmap_init_zone_device()).
bool pfn_to_online_page_or_initialised_zone_device(Kernel& k, OpState& st) {
  return online_not_zone_device(k, st.cur) ||
         pfn_zone_device<Access::Acquire, &MemSection::subsection_dev_init_map>(k, st.cur);
}

}  // namespace

void add_subsection_dev_map_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"subsection_dev_map_set", subsection_dev_map_set<&MemSection::subsection_dev_map, Access::Once>,
           "hypothetical ([fukasawa-reserved-2019]): set the range's per-subsection ZONE_DEVICE bits, WRITE_ONCE"},
          {"subsection_dev_map_set_release", subsection_dev_map_set<&MemSection::subsection_dev_map, Access::Release>,
           "hypothetical ([fukasawa-reserved-2019]): set the range's per-subsection ZONE_DEVICE bits, "
           "smp_store_release()"},
          {"subsection_dev_init_map_set_release",
           subsection_dev_map_set<&MemSection::subsection_dev_init_map, Access::Release>,
           "hypothetical ([fukasawa-reserved-2019]): set the range's per-subsection \"memmap initialised\" bits, "
           "smp_store_release()"},
          {"subsection_dev_map_clear", subsection_dev_map_clear,
           "hypothetical ([fukasawa-reserved-2019]): clear the range's per-subsection ZONE_DEVICE (and "
           "\"initialised\") bits, WRITE_ONCE"},
          {"pfn_to_online_page_dev_map", pfn_to_online_page_dev_map,
           "hypothetical ([fukasawa-reserved-2019]): pfn_to_online_page() testing the per-subsection ZONE_DEVICE bit "
           "instead of TAINT + get_dev_pagemap()"},
          {"pfn_to_online_page_or_zone_device", pfn_to_online_page_or_zone_device<Access::Once>,
           "hypothetical ([fukasawa-reserved-2019]): pfn_to_online_page() || pfn_zone_device() (READ_ONCE of the bit)"},
          {"pfn_to_online_page_or_zone_device_acquire", pfn_to_online_page_or_zone_device<Access::Acquire>,
           "hypothetical ([fukasawa-reserved-2019]): pfn_to_online_page() || pfn_zone_device() (smp_load_acquire() of "
           "the bit)"},
          {"pfn_to_online_page_or_initialised_zone_device", pfn_to_online_page_or_initialised_zone_device,
           "hypothetical ([fukasawa-reserved-2019]): pfn_to_online_page_dev_map() || the \"initialised\" bit "
           "(smp_load_acquire())"},
      });
  // clang-format on
}

}  // namespace mhp
