// mm/memremap.c (kernel/memremap.c before v5.0): ZONE_DEVICE map and unmap
// steps, the pgmap lookup get_dev_pagemap()/put_dev_pagemap(), and the iomem
// busy region a driver holds (kernel/resource.c).
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// get_dev_pagemap(pfn): RCU lookup + percpu_ref_tryget_live(); -1 if none.
int get_dev_pagemap(Kernel& k, Pfn pfn);
void put_dev_pagemap(Kernel& k, int pgmap);
// percpu_ref_put_many()/percpu_ref_kill() on pgmap->ref; an underflow (the
// count at or below zero in atomic mode) is a WARN, as the kernel prints it.
void pgmap_ref_put(Kernel& k, int pgmap, long n);
void pgmap_ref_kill(Kernel& k, int pgmap);

}  // namespace mhp
