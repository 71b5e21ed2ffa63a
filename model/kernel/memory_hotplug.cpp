#include "model/kernel/memory_hotplug.hpp"

#include "model/kernel/mm_init.hpp"

namespace mhp {

namespace {

void grow_span(Kernel& k, Cell& start_c, Cell& spanned_c, Pfn start, Pfn end) {
  std::int64_t old_start = k.read(start_c);
  std::int64_t old_spanned = k.read(spanned_c);
  std::int64_t old_end = old_start + old_spanned;
  std::int64_t new_start = old_spanned == 0 ? std::int64_t(start) : std::min<std::int64_t>(old_start, start);
  std::int64_t new_end = old_spanned == 0 ? std::int64_t(end) : std::max<std::int64_t>(old_end, end);
  // Two separate stores: a reader in between sees a start without its span.
  k.write(start_c, new_start);
  k.write(spanned_c, new_end - new_start);
}

}  // namespace

bool move_pfn_range_to_zone(Kernel& k, OpState& st) {
  DevPagemap& p = *k.pgmaps[st.args.pgmap];
  Zone& z = k.node.zones[ZONE_DEVICE];
  Pfn start = p.desc.start, end = p.pfn_end();
  if (k.read(z.spanned_pages) == 0) {  // zone_is_empty()
    Frame f(k.ex, k.ex.stacks().fn("init_currently_empty_zone"));
    k.write(z.zone_start_pfn, static_cast<std::int64_t>(start));
    std::int64_t nr = k.read(k.node.nr_zones);
    if (nr < ZONE_DEVICE + 1) k.write(k.node.nr_zones, ZONE_DEVICE + 1);
  }
  {
    Frame f(k.ex, k.ex.stacks().fn("resize_zone_range"));
    grow_span(k, z.zone_start_pfn, z.spanned_pages, start, end);
  }
  {
    Frame f(k.ex, k.ex.stacks().fn("resize_pgdat_range"));
    grow_span(k, k.node.node_start_pfn, k.node.node_spanned_pages, start, end);
  }
  memmap_init_range_device(k, p);
  return true;
}

}  // namespace mhp
