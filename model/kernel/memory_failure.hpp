// mm/memory-failure.c memory_failure() on one pfn: the v6 pfn walker of seed
// 003's concern, reaching ZONE_DEVICE pages through get_dev_pagemap().
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// pfn_to_online_page(): ZONE_DEVICE pfns are never online, so memory_failure()
// goes on to the pgmap path; an online pfn takes the RAM path (not modelled in
// this slice: the operation ends).
bool pfn_to_online_page_step(Kernel& k, OpState& st);
bool pfn_valid_step(Kernel& k, OpState& st);
// memory_failure_dev_pagemap(): pgmap_pfn_valid() ("device metadata space is
// not recoverable"), then page_folio(pfn_to_page(pfn)) and the folio lock:
// reads page->flags and page->pgmap of the pfn.
bool pgmap_pfn_valid_step(Kernel& k, OpState& st);
bool dax_lock_folio(Kernel& k, OpState& st);

}  // namespace mhp
