// The refcount rules of a device-private page, by release, shared by the
// fault, migration and zap paths and by lib/test_hmm.c's driver. A
// device-coherent page (v6.1+ in the model) follows the same rules from
// v6.1: every tree tests PRIVATE and COHERENT together.
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// put_page() of a device-private page of pgmap `pg`. From ef233450898f
// (v6.1) a free page sits at refcount 0: the put that reaches 0 frees it,
// free_zone_device_page() -> pgmap->ops->page_free(), then drops the page's
// pgmap reference. Before, free pages sat at 1 (put_devmap_managed_page()):
// the put that leaves 1 frees it to the driver (free_devmap_managed_page()),
// one that reaches 0 -- memunmap_pages() putting a free page -- drops the
// pgmap reference (__put_page() -> put_dev_pagemap()).
void put_device_private_page(Kernel& k, int pg, Pfn pfn);
// The count a free page of the pgmap sits at: 0 from v6.1, else 1.
std::int64_t device_private_idle_count(const Kernel& k, int pg);
// pgmap->ops->page_free() of the driver (lib/test_hmm.c dmirror_devmem_free()).
void dmirror_devmem_free(Kernel& k, int pg, Pfn pfn);

}  // namespace mhp
