// mm/mm_init.c: struct page initialisation.
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// __init_single_page() + __SetPageReserved() for one pfn of zone `zone`.
void init_single_page(Kernel& k, Pfn pfn, int zone);
// memmap_init_range(MEMINIT_HOTPLUG) for a ZONE_DEVICE range: only the altmap
// pfns that host the memmap itself are initialised here (DEV_HOSTMAP).
void memmap_init_range_device(Kernel& k, const DevPagemap& p);
// memmap_init_zone_device(): every pfn from pfn_first() to the end of the
// range, __init_zone_device_page() each: zone links, PG_reserved, pgmap,
// refcount. Runs after mem_hotplug_done() in v6 (pagemap_range()).
bool memmap_init_zone_device(Kernel& k, OpState& st);

}  // namespace mhp
