#include "model/kernel/mm_init.hpp"

namespace mhp {

void init_single_page(Kernel& k, Pfn pfn, int zone) {
  // set_page_links() + __SetPageReserved(): the zone lives in page->flags
  k.init_page_field(pfn, PageField::Flags, (std::int64_t(zone) << kZoneShift) | kPGReserved);
  k.init_page_field(pfn, PageField::Refcount, 1);  // init_page_count()
}

void memmap_init_range_device(Kernel& k, const DevPagemap& p) {
  if (!p.desc.altmap) return;
  Frame f(k.ex, k.ex.stacks().fn("memmap_init_range"));
  Pfn first = p.desc.start + p.desc.altmap_reserve;
  for (Pfn pfn = first; pfn < p.pfn_first(); ++pfn) {
    init_single_page(k, pfn, ZONE_DEVICE);
    k.set_page_state(pfn, PageState::DevHostmap);
  }
}

bool memmap_init_zone_device(Kernel& k, OpState& st) {
  DevPagemap& p = *k.pgmaps[st.args.pgmap];
  for (Pfn pfn = p.pfn_first(); pfn < p.pfn_end(); ++pfn) {
    Frame f(k.ex, k.ex.stacks().fn("__init_zone_device_page"));
    init_single_page(k, pfn, ZONE_DEVICE);
    k.init_page_field(pfn, PageField::Pgmap, st.args.pgmap + 1);  // page->pgmap = pgmap
    k.set_page_state(pfn, PageState::DevReady);
  }
  return true;
}

}  // namespace mhp
