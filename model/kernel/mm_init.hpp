// mm/mm_init.c (mm/page_alloc.c before v6.2): struct page initialisation.
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// __init_single_page() for [lo, hi): zone and node links plus extra flag bits, refcount,
// no compound head. Every field it writes counts as initialised.
void init_single_page(Kernel& k, Pfn lo, Pfn hi, int zone, int nid, std::int64_t flags, std::int64_t refcount);

}  // namespace mhp
