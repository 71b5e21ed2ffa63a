#include "model/kernel/primitives.hpp"

namespace mhp {

const PrimitiveTable& all_primitives() {
  static const PrimitiveTable table = [] {
    PrimitiveTable t;
    add_sparse_primitives(t);
    add_memory_hotplug_primitives(t);
    add_memory_block_primitives(t);
    add_mm_init_primitives(t);
    add_memremap_primitives(t);
    add_memory_notify_primitives(t);
    add_walker_primitives(t);
    add_subsection_dev_map_primitives(t);
    add_migrate_device_primitives(t);
    add_dmirror_primitives(t);
    add_memmap_on_memory_primitives(t);
    add_kmem_primitives(t);
    return t;
  }();
  return table;
}

const PrimitiveInfo* find_primitive(const std::string& name) {
  for (const auto& p : all_primitives())
    if (name == p.name) return &p;
  return nullptr;
}

}  // namespace mhp
