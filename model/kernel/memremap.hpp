// mm/memremap.c (kernel/memremap.c before v5.0): ZONE_DEVICE map and unmap
// steps, the pgmap lookup get_dev_pagemap()/put_dev_pagemap(), and the iomem
// busy region a driver holds (kernel/resource.c).
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// At construction: pgmap->ref's RCU and the hook that reports the WARN of
// its switch to atomic (fixed for the machine, not per execution).
void pgmap_ref_setup(Kernel& k, DevPagemap& p);

// get_dev_pagemap(pfn): RCU lookup + percpu_ref_tryget_live(); -1 if none.
int get_dev_pagemap(Kernel& k, Pfn pfn);
void put_dev_pagemap(Kernel& k, int pgmap);
// percpu_ref_put_many()/percpu_ref_kill() on pgmap->ref; an underflow (the
// count at or below zero in atomic mode) is a WARN, as the kernel prints it.
void pgmap_ref_put(Kernel& k, int pgmap, long n);
void pgmap_ref_kill(Kernel& k, int pgmap);
// zone_device_page_init() of the page at pfn: a reference on page->pgmap,
// read with no reference held yet, then set_page_count(page, 1). Until v7.1
// the reference is percpu_ref_tryget_live(), which fails on a killed ref;
// v7.1.5 takes it with percpu_ref_tryget_many() (`tryget_many`), which fails
// only on a count of zero, so an allocation racing memunmap_pages() after
// percpu_ref_kill() succeeds silently while references are left. Returns
// the pgmap, or -1 after the WARN.
int zone_device_page_init_at(Kernel& k, Pfn pfn, bool tryget_many);

// Rule R13 (docs/KERNEL_REFERENCE.md §4; [duyck-defer-2018], Dan Williams:
// "It's a bug if devm_memremap_pages and devm_memremap_pages_release are running
// simultaneously for the same range. This is enforced by the requirement that
// the caller has done a successful request_region() on the range"), checked
// where devres would enforce it, without events (the schedules stay as they
// are): a map must claim its range as a busy region, and the release runs only
// once the map has succeeded. A violation is a `scope/R13/...` finding.
void r13_map_done(Kernel& k, const OpState& st, bool ok);

// A pgmap torn down -- its release done, or its map failed -- must hold no
// increment of devmap_managed_key any more (a `static_key/leak` finding).
void devmap_managed_teardown_done(Kernel& k, const OpState& st, FnId op);
void r13_release_start(Kernel& k, const OpState& st);

}  // namespace mhp
