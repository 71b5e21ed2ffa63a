// MHP_MEMMAP_ON_MEMORY (mm/memory_hotplug.c, a08a2ae34613; absent in 5.10.89, in 5.14-rc5): the
// memmap of a hot-added memory block lives in the block's own first pages
// (a vmem_altmap), recorded per block (mem->nr_vmemmap_pages, mem->altmap
// from v6.6). Those vmemmap pages are never onlined: mhp_init_memmap_on_memory()
// gives them zone links at online and mhp_deinit_memmap_on_memory() takes
// them away at offline; online_pages() and offline_pages() work on the rest.
#include "model/kernel/primitives.hpp"

namespace mhp {

namespace {

// memory_block_memmap_on_memory_pages(): one struct page (64 bytes) per
// page of the block, rounded up to whole pageblocks (the model's pageblock
// is a subsection), as vmemmap population from the altmap needs.
Pfn vmemmap_pages_per_block(const Kernel& k) {
  const Pfn per = k.geo.pages_per_subsection, need = (k.geo.pages_per_block() + 63) / 64;
  return (need + per - 1) / per * per;
}

// The pages left to online: the feature needs at least one pageblock.
bool block_fits(const Kernel& k) { return vmemmap_pages_per_block(k) < k.geo.pages_per_block(); }

// Runs primitive `name` in a frame of its own over [start, start+nr).
void run_over(Kernel& k, const OpState& st, const char* fn, const char* name, Pfn start, Pfn nr) {
  OpState sub = st;
  sub.args.start = start;
  sub.args.nr_pages = nr;
  Frame f(k.ex, k.ex.stacks().fn(fn));
  find_primitive(name)->fn(k, sub);
}

// mhp_supports_memmap_on_memory(size) (v5.14..v6.1): the range must be one
// memory block (and the module parameter on: a thread's memmap_on_memory
// stands for both); add_memory_resource() fails -EINVAL otherwise.
bool mhp_supports_memmap_on_memory_v5_14(Kernel& k, OpState& st) {
  st.vmemmap_pages = 0;
  if (!st.args.memmap_on_memory) return true;
  if (st.args.nr_pages != k.geo.pages_per_block() || !block_fits(k)) return false;
  st.vmemmap_pages = vmemmap_pages_per_block(k);
  return true;
}

// v6.6 (one block still, 2d1f649c7c08): an unsupported request falls back
// to a memmap from the page allocator.
bool mhp_supports_memmap_on_memory_v6_6(Kernel& k, OpState& st) {
  if (!mhp_supports_memmap_on_memory_v5_14(k, st)) st.vmemmap_pages = 0;
  return true;
}

// v6.9+ (6b8f0798b85a): an altmap per memory block of the range
// (create_altmaps_and_memory_blocks()), else the fallback.
bool mhp_supports_memmap_on_memory(Kernel& k, OpState& st) {
  st.vmemmap_pages = st.args.memmap_on_memory && block_fits(k) ? vmemmap_pages_per_block(k) : 0;
  return true;
}

MemoryBlock& first_block(Kernel& k, const OpState& st) { return *k.blocks[k.block_of(st.args.start)]; }

// memory_block_online(): nr_vmemmap_pages = mem->nr_vmemmap_pages (or
// mem->altmap->free), then mhp_init_memmap_on_memory(start, nr_vmemmap_pages,
// zone): move_pfn_range_to_zone() of the vmemmap pages (zone links,
// PageReserved / from v6.11 PageOffline cleared again), online_mem_sections()
// of sections they fill; online_pages() then gets the rest of the block.
template <bool ClearOffline>
bool mhp_init_memmap_on_memory(Kernel& k, OpState& st) {
  const Pfn v = first_block(k, st).nr_vmemmap_pages;
  if (v == 0) return true;
  const Pfn start = st.args.start;
  {
    Frame f(k.ex, k.ex.stacks().fn("move_pfn_range_to_zone"));
    run_over(k, st, "clear_zone_contiguous", "clear_zone_contiguous", start, v);
    run_over(k, st, "init_currently_empty_zone", "init_currently_empty_zone", start, v);
    run_over(k, st, "resize_zone_range", "resize_zone_range", start, v);
    run_over(k, st, "resize_pgdat_range", "resize_pgdat_range", start, v);
    run_over(k, st, "memmap_init_range", ClearOffline ? "memmap_init_range" : "memmap_init_range_reserved", start, v);
    run_over(k, st, "set_zone_contiguous", "set_zone_contiguous", start, v);
  }
  if (ClearOffline) {  // __ClearPageOffline(), SetPageVmemmapSelfHosted()
    k.for_chunks(start, start + v, [&](Pfn lo, Pfn hi) {
      k.write_pages(lo, hi, PageField::Flags, k.read_page(lo, PageField::Flags) & ~PG_offline);
    });
  }
  const Pfn sec = k.geo.pages_per_section();
  if (v >= sec) run_over(k, st, "online_mem_sections", "online_mem_sections", start, v / sec * sec);
  st.vmemmap_pages = v;
  st.args.start += v;
  st.args.nr_pages -= v;
  return true;
}

// Hypothetical, for variants only: memory_block_online() splitting the block
// (online_pages() of the rest) without mhp_init_memmap_on_memory()'s work, as
// a kernel that forgot to initialise the vmemmap pages would: their memmap
// stays poisoned while online_pages() marks their section online.
bool vmemmap_split_only(Kernel& k, OpState& st) {
  const Pfn v = first_block(k, st).nr_vmemmap_pages;
  st.vmemmap_pages = v;
  st.args.start += v;
  st.args.nr_pages -= v;
  return true;
}

void vmemmap_present(Kernel& k, OpState& st, std::int64_t sign) {
  if (!st.vmemmap_pages) return;
  OpState sub = st;
  sub.args.nr_pages = st.vmemmap_pages;
  find_primitive(sign > 0 ? "present_pages_add" : "present_pages_sub")->fn(k, sub);
}

// adjust_present_page_count(+nr_vmemmap_pages) once online_pages() succeeded
// (or offline_pages() failed: "Account back").
bool vmemmap_present_pages_add(Kernel& k, OpState& st) {
  vmemmap_present(k, st, +1);
  return true;
}

// memory_block_offline(): nr_vmemmap_pages from the block, the zone of the
// first page (page_zone(pfn_to_page(start_pfn))), adjust_present_page_count(
// -nr_vmemmap_pages) before offline_pages() of the rest of the block.
bool vmemmap_present_pages_sub(Kernel& k, OpState& st) {
  const Pfn v = first_block(k, st).nr_vmemmap_pages;
  st.vmemmap_pages = v;
  if (v == 0) return true;
  const std::int64_t f = k.read_page(st.args.start, PageField::Flags);
  st.args.zone = flags_zone(f);
  st.args.nid = flags_nid(f);
  if (st.args.zone >= MAX_NR_ZONES || st.args.nid >= int(k.nodes.size())) return false;  // no zone link
  vmemmap_present(k, st, -1);
  st.args.start += v;
  st.args.nr_pages -= v;
  return true;
}

// mhp_deinit_memmap_on_memory(): offline_mem_sections() of sections the
// vmemmap pages fill, then remove_pfn_range_from_zone() of them (poisoned
// again, spans shrunk).
bool mhp_deinit_memmap_on_memory(Kernel& k, OpState& st) {
  const Pfn v = st.vmemmap_pages;
  if (v == 0) return true;
  const Pfn start = st.args.start - v, sec = k.geo.pages_per_section();
  if (v >= sec) run_over(k, st, "offline_mem_sections", "offline_mem_sections", start, v / sec * sec);
  run_over(k, st, "remove_pfn_range_from_zone", "remove_pfn_range_from_zone", start, v);
  return true;
}

// try_remove_memory() (v5.14..v6.5): walk_memory_blocks(get_nr_vmemmap_pages_cb)
// when the module parameter is on; memory with an altmap is removed one
// memory block at a time ("Refuse to remove ... wrong granularity", -EINVAL).
bool get_nr_vmemmap_pages_cb(Kernel& k, OpState& st) {
  Pfn v = 0;
  for (std::uint32_t b = k.block_of(st.args.start); b <= k.block_of(st.args.start + st.args.nr_pages - 1); ++b)
    v += k.blocks[b]->nr_vmemmap_pages;
  return v == 0 || st.args.nr_pages == k.geo.pages_per_block();
}

}  // namespace

void add_memmap_on_memory_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"mhp_supports_memmap_on_memory_v5_14", mhp_supports_memmap_on_memory_v5_14,
           "mm/memory_hotplug.c mhp_supports_memmap_on_memory() (v5.14..v6.1): one memory block, else "
           "add_memory_resource() fails -EINVAL"},
          {"mhp_supports_memmap_on_memory_v6_6", mhp_supports_memmap_on_memory_v6_6,
           "mm/memory_hotplug.c mhp_supports_memmap_on_memory() (v6.6): one memory block, else the memmap comes from "
           "the page allocator"},
          {"mhp_supports_memmap_on_memory", mhp_supports_memmap_on_memory,
           "mm/memory_hotplug.c mhp_supports_memmap_on_memory() (v6.9+): an altmap per memory block"},
          {"mhp_init_memmap_on_memory_v5_14", mhp_init_memmap_on_memory<false>,
           "mm/memory_hotplug.c mhp_init_memmap_on_memory() (v5.14..v6.6): move_pfn_range_to_zone() of the vmemmap "
           "pages (PageReserved)"},
          {"mhp_init_memmap_on_memory", mhp_init_memmap_on_memory<true>,
           "mm/memory_hotplug.c mhp_init_memmap_on_memory() (v6.11+): move_pfn_range_to_zone(), __ClearPageOffline()"},
          {"vmemmap_split_only", vmemmap_split_only,
           "hypothetical (variants): memory_block_online() hands online_pages() the rest of the block without "
           "initialising the vmemmap pages"},
          {"vmemmap_present_pages_add", vmemmap_present_pages_add,
           "drivers/base/memory.c memory_block_online()/offline(): adjust_present_page_count(+nr_vmemmap_pages)"},
          {"vmemmap_present_pages_sub", vmemmap_present_pages_sub,
           "drivers/base/memory.c memory_block_offline(): adjust_present_page_count(-nr_vmemmap_pages)"},
          {"mhp_deinit_memmap_on_memory", mhp_deinit_memmap_on_memory,
           "mm/memory_hotplug.c mhp_deinit_memmap_on_memory(): offline_mem_sections(), remove_pfn_range_from_zone()"},
          {"get_nr_vmemmap_pages_cb", get_nr_vmemmap_pages_cb,
           "mm/memory_hotplug.c try_remove_memory() (v5.14..v6.5): walk_memory_blocks(get_nr_vmemmap_pages_cb), one "
           "block at a time"},
      });
  // clang-format on
}

}  // namespace mhp
