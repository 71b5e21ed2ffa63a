// The table of step primitives a step program may name: each is a C++
// function standing for one kernel function (DESIGN.md idea 1). Each file of
// model/kernel/ adds the primitives of its kernel file to the table.
#pragma once
#include <string>
#include <vector>

#include "model/kernel/op_state.hpp"

namespace mhp {

struct PrimitiveInfo {
  const char* name;  // the primitive's name (a step's `impl`, by default its name)
  Primitive fn;
  const char* kernel;  // where the kernel does it
};
using PrimitiveTable = std::vector<PrimitiveInfo>;

const PrimitiveInfo* find_primitive(const std::string& name);
const PrimitiveTable& all_primitives();

// One per model/kernel/ file, named after the kernel file it models.
void add_sparse_primitives(PrimitiveTable& t);          // mm/sparse.c, include/linux/mmzone.h
void add_memory_hotplug_primitives(PrimitiveTable& t);  // mm/memory_hotplug.c, mm/page_alloc.c
void add_memory_block_primitives(PrimitiveTable& t);    // drivers/base/memory.c
void add_mm_init_primitives(PrimitiveTable& t);         // mm/mm_init.c
void add_memremap_primitives(PrimitiveTable& t);        // mm/memremap.c, kernel/resource.c
void add_subsection_dev_map_primitives(
    PrimitiveTable& t);  // hypothetical: [fukasawa-reserved-2019]'s per-subsection ZONE_DEVICE bit
void add_memory_notify_primitives(PrimitiveTable& t);     // drivers/base/memory.c memory_notify()
void add_walker_primitives(PrimitiveTable& t);            // the pfn walkers of docs/KERNEL_REFERENCE.md §6.2
void add_migrate_device_primitives(PrimitiveTable& t);    // mm/migrate_device.c, mm/memory.c: device-private ptes
void add_dmirror_primitives(PrimitiveTable& t);           // lib/test_hmm.c: the hmm selftests' driver
void add_memmap_on_memory_primitives(PrimitiveTable& t);  // mm/memory_hotplug.c MHP_MEMMAP_ON_MEMORY
void add_kmem_primitives(PrimitiveTable& t);              // drivers/dax/kmem.c

}  // namespace mhp
