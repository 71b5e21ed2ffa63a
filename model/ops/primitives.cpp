#include "model/ops/primitives.hpp"

#include "model/kernel/memory_failure.hpp"
#include "model/kernel/memory_hotplug.hpp"
#include "model/kernel/memremap.hpp"
#include "model/kernel/mm_init.hpp"
#include "model/kernel/sparse.hpp"

namespace mhp {

const std::vector<PrimitiveInfo>& all_primitives() {
  static const std::vector<PrimitiveInfo> table = {
      {"percpu_ref_init", memremap_percpu_ref_init, "mm/memremap.c memremap_pages()"},
      {"pagemap_range_conflict", pagemap_range_conflict_check, "mm/memremap.c pagemap_range(): get_dev_pagemap() on both ends"},
      {"region_intersects", region_intersects, "kernel/resource.c region_intersects()"},
      {"xa_store_range", xa_store_range, "mm/memremap.c pagemap_range(): publish in pgmap_array"},
      {"arch_add_memory", arch_add_memory, "arch/x86/mm/init_64.c arch_add_memory() -> __add_pages() -> sparse_add_section()"},
      {"move_pfn_range_to_zone", move_pfn_range_to_zone, "mm/memory_hotplug.c move_pfn_range_to_zone()"},
      {"memmap_init_zone_device", memmap_init_zone_device, "mm/mm_init.c memmap_init_zone_device()"},
      {"percpu_ref_get_many", percpu_ref_get_many, "mm/memremap.c pagemap_range(): percpu_ref_get_many(pfn_len)"},
      {"pfn_to_online_page", pfn_to_online_page_step, "mm/memory_hotplug.c pfn_to_online_page()"},
      {"pfn_valid", pfn_valid_step, "include/linux/mmzone.h pfn_valid()"},
      {"get_dev_pagemap", get_dev_pagemap_step, "mm/memremap.c get_dev_pagemap()"},
      {"pgmap_pfn_valid", pgmap_pfn_valid_step, "mm/memremap.c pgmap_pfn_valid()"},
      {"dax_lock_folio", dax_lock_folio, "fs/dax.c dax_lock_folio(page_folio(pfn_to_page(pfn)))"},
      {"put_dev_pagemap", put_dev_pagemap_step, "include/linux/memremap.h put_dev_pagemap()"},
  };
  return table;
}

const PrimitiveInfo* find_primitive(const std::string& name) {
  for (const auto& p : all_primitives())
    if (name == p.name) return &p;
  return nullptr;
}

}  // namespace mhp
