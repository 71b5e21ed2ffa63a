// mm/memremap.c: memremap_pages() / pagemap_range() steps and the pgmap
// lookup get_dev_pagemap() / put_dev_pagemap().
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// memremap_pages(): init_completion(&pgmap->done) + percpu_ref_init(&pgmap->ref)
bool memremap_percpu_ref_init(Kernel& k, OpState& st);
// pagemap_range(): get_dev_pagemap() on both ends must find no other pgmap
bool pagemap_range_conflict_check(Kernel& k, OpState& st);
// pagemap_range(): region_intersects() under resource_lock (read)
bool region_intersects(Kernel& k, OpState& st);
// pagemap_range(): xa_store_range() publishes the pgmap for every pfn
bool xa_store_range(Kernel& k, OpState& st);
// pagemap_range(): percpu_ref_get_many(&pgmap->ref, pfn_len())
bool percpu_ref_get_many(Kernel& k, OpState& st);

// get_dev_pagemap(pfn): RCU lookup + percpu_ref_tryget_live(); -1 if none.
int get_dev_pagemap(Kernel& k, Pfn pfn);
void put_dev_pagemap(Kernel& k, int pgmap);
// Step form for walkers: stores the pgmap in st.pgmap_ref, stops if none.
bool get_dev_pagemap_step(Kernel& k, OpState& st);
bool put_dev_pagemap_step(Kernel& k, OpState& st);

}  // namespace mhp
