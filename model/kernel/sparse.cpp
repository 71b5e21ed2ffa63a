#include "model/kernel/sparse.hpp"

#include "model/kernel/memremap.hpp"
#include "model/ops/primitives.hpp"

namespace mhp {

namespace {

// The state a pfn's freshly poisoned memmap is in, by what will own it.
PageState allocated_state(const Kernel& k, Pfn pfn) {
  int pg = k.pgmap_of_range(pfn);
  if (pg < 0) return PageState::Uninit;
  const DevPagemap& p = *k.pgmaps[pg];
  if (p.desc.altmap && pfn < p.desc.start + p.desc.altmap_reserve) return PageState::DevReserved;
  if (pfn < p.pfn_first()) return PageState::Uninit;  // altmap "free": initialised by memmap_init_range()
  return PageState::DevUninit;
}

// The part of section st.cur the operation's range covers.
std::pair<Pfn, Pfn> chunk(const Kernel& k, const OpState& st) {
  Pfn s = k.geo.section_start(std::uint32_t(st.cur)), e = s + k.geo.pages_per_section();
  return {std::max(s, st.args.start), std::min(e, st.args.start + st.args.nr_pages)};
}

// The range a section-granular (Era A) operation covers in section st.cur:
// devm_memremap_pages() rounds the resource out to whole sections.
std::pair<Pfn, Pfn> whole_section(const Kernel& k, const OpState& st) {
  Pfn s = k.geo.section_start(std::uint32_t(st.cur));
  return {s, s + k.geo.pages_per_section()};
}

// --- ms->usage: allocated by section_activate(), freed by section_deactivate() ---

// section_activate(): `if (!ms->usage) ms->usage = kzalloc(...)`.
void usage_alloc(Kernel& k, MemSection& ms, std::uint32_t section) {
  if (ms.usage || !k.spec.section_usage) return;
  k.usages.push_back({MemSectionUsage::State::Live, section});
  ms.usage = std::uint32_t(k.usages.size());
}

// kfree(ms->usage) / kfree_rcu(ms->usage, rcu): who freed it, for KASAN's report.
void usage_free(Kernel& k, MemSection& ms, bool rcu) {
  if (!ms.usage) return;
  MemSectionUsage& u = k.usages[ms.usage - 1];
  const SimThread& t = k.ex.self();
  u.state = rcu ? MemSectionUsage::State::RcuPending : MemSectionUsage::State::Freed;
  u.by = t.id;
  u.at = t.stack;
  u.held = t.held;
  u.held_shared = t.held_shared;
}

void vmemmap_alloc(Kernel& k, const OpState& st, std::int64_t pages) {
  if (st.args.pgmap < 0 || !k.pgmaps[st.args.pgmap]->desc.altmap) return;
  Cell& alloc = k.pgmaps[st.args.pgmap]->altmap_alloc;  // vmem_altmap_alloc()/vmem_altmap_free()
  k.write(alloc, k.read(alloc) + pages);
}

// sparse_add_section() (Era B) for section st.cur: section_activate() sets the
// subsection bits and populates the memmap, page_init_poison() poisons it,
// then the section is marked present with a memmap.
bool sparse_add_section(Kernel& k, OpState& st) {
  auto [start, end] = chunk(k, st);
  MemSection& ms = k.sections[st.cur];
  {
    Frame f(k.ex, k.ex.stacks().fn("section_activate"));
    std::int64_t map = k.read(ms.subsection_map, Access::Plain);
    std::int64_t add = subsection_bits(k, start, end);
    if (map & add) {  // "subsection already present"
      k.warn(FindingKind::Warn, "warn/section_activate/subsection-already-present",
             "section_activate(): subsection already present (-EEXIST)");
      return false;
    }
    usage_alloc(k, ms, std::uint32_t(st.cur));  // folded into the store below
    k.write(ms.subsection_map, map | add, Access::Once);
    vmemmap_alloc(k, st, std::int64_t(end - start));
  }
  {
    Frame f(k.ex, k.ex.stacks().fn("page_init_poison"));
    k.for_device_pieces(start, end, [&](Pfn lo, Pfn hi) { k.poison_pages(lo, hi, allocated_state(k, lo)); });
  }
  // __section_mark_present() + sparse_init_one_section(): lockless readers
  // (pfn_valid) load this word with READ_ONCE semantics, so it is marked.
  std::int64_t flags = k.read(ms.mem_map, Access::Once);
  k.write(ms.mem_map, flags | SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP, Access::Once);
  return true;
}

// sparse_add_one_section() (Era A), the part before pgdat_resize_lock: the
// memmap of the whole section is allocated (and poisoned under DEBUG_VM).
bool sparse_add_one_section(Kernel& k, OpState& st) {
  auto [start, end] = whole_section(k, st);
  if (k.read(k.sections[st.cur].mem_map, Access::Once) & SECTION_MARKED_PRESENT) return false;  // -EEXIST
  vmemmap_alloc(k, st, std::int64_t(end - start));
  Frame f(k.ex, k.ex.stacks().fn("page_init_poison"));
  k.for_device_pieces(start, end, [&](Pfn lo, Pfn hi) {
    PageState s = allocated_state(k, lo);
    // a device section's pfns outside the device range
    // (case 3 of [fukasawa-reserved-2019])
    if (s == PageState::Uninit && st.args.pgmap >= 0 && k.pgmap_of_range(lo) < 0) s = PageState::DevPartial;
    k.poison_pages(lo, hi, s);
  });
  return true;
}

// sparse_add_one_section() (Era A) under pgdat_resize_lock: section_mark_present()
// and sparse_init_one_section() set PRESENT and HAS_MEM_MAP.
bool section_mark_present(Kernel& k, OpState& st) {
  MemSection& ms = k.sections[st.cur];
  k.write(ms.subsection_map, k.geo.full_subsection_map(), Access::Once);
  std::int64_t flags = k.read(ms.mem_map, Access::Once);
  k.write(ms.mem_map, flags | SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP, Access::Once);
  return true;
}

// sparse_remove_section() -> section_deactivate() (Era B) for section st.cur:
// clear the subsection bits; an empty section loses its memmap flags and
// usage; the memmap of the range is freed.
bool sparse_remove_section(Kernel& k, OpState& st) {
  auto [start, end] = chunk(k, st);
  MemSection& ms = k.sections[st.cur];
  std::int64_t map = k.read(ms.subsection_map, Access::Plain);
  std::int64_t del = subsection_bits(k, start, end);
  if ((map & del) != del) {
    k.warn(FindingKind::Warn, "warn/section_deactivate/already-deactivated",
           "section_deactivate(): \"section already deactivated\" (WARN)");
    return false;
  }
  map &= ~del;
  k.write(ms.subsection_map, map, Access::Once);
  if (map == 0) {
    std::int64_t flags = k.read(ms.mem_map, Access::Once);
    // ms->usage of a section added at run time goes with it; an early
    // section's (allocated at boot, PageReserved) is kept. Until
    // 5ec8e8ea8b77 kfree() and the NULL store come before SECTION_HAS_MEM_MAP
    // is cleared: the free is folded into the map store above, the NULL into
    // the flags store below. With it, the flags go first, then kfree_rcu()
    // and WRITE_ONCE(ms->usage, NULL), both folded into the flags store.
    const bool early = flags & SECTION_IS_EARLY;
    const bool rcu = k.spec.section_usage_rcu;
    if (!early && !rcu) usage_free(k, ms, false);
    k.write(ms.mem_map, flags & ~(SECTION_HAS_MEM_MAP | SECTION_MARKED_PRESENT | SECTION_IS_ONLINE), Access::Once);
    if (!early) {
      if (rcu) usage_free(k, ms, true);
      ms.usage = 0;
    }
  }
  Frame f(k.ex, k.ex.stacks().fn("depopulate_section_memmap"));
  k.for_chunks(start, end, [&](Pfn lo, Pfn hi) { k.free_memmap(lo, hi); });
  vmemmap_alloc(k, st, -std::int64_t(end - start));
  return true;
}

// sparse_remove_one_section() (Era A) under pgdat_resize_lock: the whole
// section_mem_map word is zeroed.
bool sparse_remove_one_section(Kernel& k, OpState& st) {
  MemSection& ms = k.sections[st.cur];
  if (!(k.read(ms.mem_map, Access::Once) & SECTION_MARKED_PRESENT)) {
    k.warn(FindingKind::Warn, "warn/sparse_remove_one_section/not-present",
           "sparse_remove_one_section(): section not present");
    return false;
  }
  k.write(ms.mem_map, 0, Access::Once);
  k.write(ms.subsection_map, 0, Access::Once);
  return true;
}

// free_section_usemap()/__kfree_section_memmap() (Era A), after the lock is dropped.
bool free_section_memmap(Kernel& k, OpState& st) {
  auto [start, end] = whole_section(k, st);
  k.for_chunks(start, end, [&](Pfn lo, Pfn hi) { k.free_memmap(lo, hi); });
  vmemmap_alloc(k, st, -std::int64_t(end - start));
  return true;
}

// online_mem_sections() / offline_mem_sections(): the ONLINE bit of every
// section of the range (under mem_hotplug_lock by the callers).
void set_online_bit(Kernel& k, const OpState& st, bool on) {
  if (st.args.nr_pages == 0) return;
  for (std::uint32_t s = k.geo.section_of(st.args.start); s <= k.geo.section_of(st.args.start + st.args.nr_pages - 1);
       ++s) {
    MemSection& ms = k.sections[s];
    std::int64_t f = k.read(ms.mem_map, Access::Once);
    k.write(ms.mem_map, on ? f | SECTION_IS_ONLINE : f & ~SECTION_IS_ONLINE, Access::Once);
  }
}
bool online_mem_sections(Kernel& k, OpState& st) { set_online_bit(k, st, true); return true; }
bool offline_mem_sections(Kernel& k, OpState& st) { set_online_bit(k, st, false); return true; }

// present_section_nr() of the section a for_each: section loop is at.
bool present_section_nr_step(Kernel& k, OpState& st) { return present_section_nr(k, std::uint32_t(st.cur)); }

// section_taint_zone_device() (C10): a device range that starts or ends
// inside a section taints it, so pfn_to_online_page() takes the slow path.
bool section_taint_zone_device(Kernel& k, OpState& st) {
  Pfn per = k.geo.pages_per_section();
  Pfn start = st.args.start, end = st.args.start + st.args.nr_pages;
  auto taint = [&](Pfn pfn) {
    MemSection& ms = k.sections[k.geo.section_of(pfn)];
    k.write(ms.mem_map, k.read(ms.mem_map, Access::Once) | SECTION_TAINT_ZONE_DEVICE, Access::Once);
  };
  if (start % per) taint(start);
  if (end % per) taint(end - 1);
  return true;
}

}  // namespace

std::int64_t subsection_bits(const Kernel& k, Pfn start, Pfn end) {
  std::int64_t map = 0;
  for (Pfn p = start; p < end; p += k.geo.pages_per_subsection) map |= std::int64_t(1) << k.geo.subsection_of(p);
  return map;
}

// pfn_section_valid()'s dereference of ms->usage, as KASAN sees it: NULL
// (before 5ec8e8ea8b77 nothing tests for it), freed, or queued for
// kfree_rcu() while the reader is outside an RCU read section. Model state
// only: the load is the subsection_map read that follows.
static void usage_deref(Kernel& k, std::uint32_t section) {
  if (!k.spec.section_usage) return;
  const MemSection& ms = k.sections[section];
  const SimThread& t = k.ex.self();
  if (!ms.usage) {
    if (k.spec.section_usage_rcu) return;  // `usage ? test_bit(...) : 0`
    const std::string key = "kasan/null-ptr-deref/mem_section->usage/" + k.ex.stacks().top_name(t.stack);
    if (k.warned(key)) return;
    k.warn(FindingKind::Kasan, key,
           "pfn_section_valid(): NULL pointer dereference of mem_section[" + std::to_string(section) +
               "].usage: section_deactivate() freed it and stored NULL after valid_section() passed");
    k.warnings.back().title = "BUG: KASAN: null-ptr-deref";
    return;
  }
  const MemSectionUsage& u = k.usages[ms.usage - 1];
  const bool freed = u.state == MemSectionUsage::State::Freed ||
                     (u.state == MemSectionUsage::State::RcuPending && t.rcu_depth == 0);
  if (!freed) return;
  const std::string key = "kasan/slab-use-after-free/mem_section->usage/" + k.ex.stacks().top_name(t.stack);
  if (k.warned(key)) return;
  k.warn(FindingKind::Kasan, key,
         "pfn_section_valid(): read of mem_section[" + std::to_string(section) + "].usage->subsection_map after " +
             (u.state == MemSectionUsage::State::Freed ? "kfree()" : "kfree_rcu(), outside any RCU read section"));
  KernelWarning& w = k.warnings.back();
  w.title = "BUG: KASAN: slab-use-after-free";
  w.has_other = true;
  w.other_title = "Freed by";
  w.other_thread = u.by;
  w.other_stack = u.at;
  w.other_held = u.held;
  w.other_held_shared = u.held_shared;
}

bool pfn_valid_a(Kernel& k, Pfn pfn) {
  return k.read(k.sections[k.geo.section_of(pfn)].mem_map, Access::Once) & SECTION_HAS_MEM_MAP;
}

bool pfn_valid_b(Kernel& k, Pfn pfn) {
  MemSection& ms = k.sections[k.geo.section_of(pfn)];
  std::int64_t f = k.read(ms.mem_map, Access::Once);
  if (!(f & SECTION_HAS_MEM_MAP)) return false;
  if (f & SECTION_IS_EARLY) return true;
  // pfn_section_valid(): ms->usage, then the subsection bit in it (one event)
  usage_deref(k, k.geo.section_of(pfn));
  return (k.read(ms.subsection_map, Access::Once) >> k.geo.subsection_of(pfn)) & 1;
}

bool present_section_nr(Kernel& k, std::uint32_t section) {
  return k.read(k.sections[section].mem_map, Access::Once) & SECTION_MARKED_PRESENT;
}

bool online_section(Kernel& k, Pfn pfn) {
  return k.read(k.sections[k.geo.section_of(pfn)].mem_map, Access::Once) & SECTION_IS_ONLINE;
}

bool pfn_to_online_page_a(Kernel& k, Pfn pfn) { return online_section(k, pfn); }

bool pfn_to_online_page_b0(Kernel& k, Pfn pfn) { return online_section(k, pfn); }

bool pfn_to_online_page_b(Kernel& k, Pfn pfn) {
  MemSection& ms = k.sections[k.geo.section_of(pfn)];
  if (!(k.read(ms.mem_map, Access::Once) & SECTION_IS_ONLINE)) return false;  // online_section()
  usage_deref(k, k.geo.section_of(pfn));  // pfn_section_valid()
  if (!((k.read(ms.subsection_map, Access::Once) >> k.geo.subsection_of(pfn)) & 1)) return false;
  // online_device_section() loads section_mem_map again, after the subsection test
  if (!(k.read(ms.mem_map, Access::Once) & SECTION_TAINT_ZONE_DEVICE)) return true;
  // Slow path: a pgmap covering the pfn means ZONE_DEVICE, i.e. not online.
  int pg = get_dev_pagemap(k, pfn);
  if (pg < 0) return true;
  put_dev_pagemap(k, pg);
  return false;
}

void add_sparse_primitives(PrimitiveTable& t) {
  t.insert(t.end(), {
    {"sparse_add_section", sparse_add_section, "mm/sparse.c sparse_add_section(): section_activate(), page_init_poison(), mark present"},
    {"sparse_add_one_section", sparse_add_one_section, "mm/sparse.c sparse_add_one_section() (v4.19): allocate and poison the section's memmap"},
    {"section_mark_present", section_mark_present, "mm/sparse.c section_mark_present() + sparse_init_one_section() (v4.19)"},
    {"sparse_remove_section", sparse_remove_section, "mm/sparse.c sparse_remove_section() -> section_deactivate()"},
    {"sparse_remove_one_section", sparse_remove_one_section, "mm/sparse.c sparse_remove_one_section() (v4.19): zero section_mem_map"},
    {"free_section_memmap", free_section_memmap, "mm/sparse.c free_section_usemap() / __kfree_section_memmap() (v4.19)"},
    {"online_mem_sections", online_mem_sections, "mm/sparse.c online_mem_sections()"},
    {"offline_mem_sections", offline_mem_sections, "mm/sparse.c offline_mem_sections()"},
    {"section_taint_zone_device", section_taint_zone_device, "mm/memory_hotplug.c section_taint_zone_device() (v5.12+)"},
    {"present_section_nr", present_section_nr_step, "include/linux/mmzone.h present_section_nr(): SECTION_MARKED_PRESENT"},
  });
}

}  // namespace mhp
