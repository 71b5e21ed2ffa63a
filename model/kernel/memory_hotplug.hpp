// mm/memory_hotplug.c: zone and node span updates.
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// move_pfn_range_to_zone() into ZONE_DEVICE (v6: no pgdat_resize_lock or span
// seqlock, C11): init_currently_empty_zone() if the zone is empty,
// resize_zone_range(), resize_pgdat_range(), then memmap_init_range().
bool move_pfn_range_to_zone(Kernel& k, OpState& st);

}  // namespace mhp
