#include "model/kernel/sparse.hpp"

#include "model/kernel/memremap.hpp"
#include "model/kernel/primitives.hpp"

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
  if (ms.usage.v || !k.spec.section_usage) return;
  k.usages.push_back({MemSectionUsage::State::Live, section});
  ms.usage.v = std::int64_t(k.usages.size());
}

// kfree(ms->usage) / kfree_rcu(ms->usage, rcu): who freed it, for KASAN's report.
void usage_free(Kernel& k, MemSection& ms, bool rcu) {
  if (!ms.usage.v) return;
  MemSectionUsage& u = k.usages[ms.usage.v - 1];
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

// sparse_remove_section()'s WARN_ON_ONCE(!valid_section(ms)) (6.6 on):
// the section is skipped.
bool sparse_remove_section_valid(Kernel& k, OpState& st) {
  if (k.read(k.sections[st.cur].mem_map, Access::Once) & SECTION_HAS_MEM_MAP) return true;
  k.warn(FindingKind::Warn, "warn/sparse_remove_section/invalid-section",
         "sparse_remove_section(): WARN_ON_ONCE(!valid_section(ms))");
  return false;
}

// --- section_deactivate() (Era B), one step per statement a patch could
// move (model/ops/sparse_remove_section/ orders them per release). The first
// step decides, as the kernel's locals do, whether the section is early and
// whether it was emptied; the later ones act only on their `if`. ---

// clear_subsection_map() for the part of section st.cur the range covers
// (inline in section_deactivate() in the v5.3 and v5.4 trees), with
// section_deactivate()'s early_section() before it and
// is_subsection_map_empty() after it (a re-read of the word just stored:
// folded). The WARN returns from section_deactivate(): the item is skipped.
bool clear_subsection_map(Kernel& k, OpState& st) {
  auto [start, end] = chunk(k, st);
  MemSection& ms = k.sections[st.cur];
  st.section_early = k.read(ms.mem_map, Access::Once) & SECTION_IS_EARLY;
  st.section_empty = false;
  std::int64_t map = k.read(ms.subsection_map, Access::Plain);  // through ms->usage (model state)
  std::int64_t del = subsection_bits(k, start, end);
  if ((k.spec.section_usage && !ms.usage.v) || (map & del) != del) {
    k.warn(FindingKind::Warn, "warn/section_deactivate/already-deactivated",
           "section_deactivate(): \"section already deactivated\" (WARN)");
    return false;
  }
  map &= ~del;
  k.write(ms.subsection_map, map, Access::Once);
  st.section_empty = map == 0;
  return true;
}

// kfree(ms->usage) / kfree_rcu(ms->usage) and the NULL store of an emptied
// section. `keep`: the usage stays (the v5.3 tree tests early_section(), the
// later ones PageReserved(), i.e. a usage sparse_init() allocated).
bool usage_release(Kernel& k, OpState& st, bool rcu, bool keep) {
  MemSection& ms = k.sections[st.cur];
  if (!st.section_empty || keep || !ms.usage.v) return true;
  // The free touches the object (KASAN poisons it): a reader's later
  // usage->subsection_map read is ordered against it, so every search
  // tells a read before the free from one after (marked: no race of its own).
  k.write(ms.subsection_map, ms.subsection_map.v, Access::Once);
  usage_free(k, ms, rcu);
  k.write(ms.usage, 0, rcu ? Access::Once : Access::Plain);  // WRITE_ONCE() from 5ec8e8ea8b77
  return true;
}
bool boot_usage(const Kernel& k, const MemSection& ms) { return ms.usage.v && k.usages[ms.usage.v - 1].boot; }
bool section_usage_kfree_v5_3(Kernel& k, OpState& st) { return usage_release(k, st, false, st.section_early); }
bool section_usage_kfree(Kernel& k, OpState& st) {
  return usage_release(k, st, false, boot_usage(k, k.sections[st.cur]));
}
bool section_usage_kfree_rcu(Kernel& k, OpState& st) {
  return usage_release(k, st, true, boot_usage(k, k.sections[st.cur]));
}

// `ms->section_mem_map &= ~SECTION_HAS_MEM_MAP` of an emptied section, so
// valid_section() fails (b943f045a9af, after the free; before it from
// 5ec8e8ea8b77).
bool section_mark_invalid(Kernel& k, OpState& st) {
  if (!st.section_empty) return true;
  MemSection& ms = k.sections[st.cur];
  k.write(ms.mem_map, k.read(ms.mem_map, Access::Once) & ~SECTION_HAS_MEM_MAP, Access::Once);
  return true;
}

// The memmap of the range goes back. Early sections keep theirs whole
// (ef69bc9f689d, "mm/sparse: never partially remove memmap for early
// section"); the v5.3 and v5.4 trees free part of one (`section_is_early &&
// memmap` is false unless the section was emptied).
void depopulate(Kernel& k, OpState& st) {
  auto [start, end] = chunk(k, st);
  k.for_chunks(start, end, [&](Pfn lo, Pfn hi) { k.free_memmap(lo, hi); });
  vmemmap_alloc(k, st, -std::int64_t(end - start));
}
bool depopulate_section_memmap(Kernel& k, OpState& st) {
  if (!st.section_early) depopulate(k, st);
  return true;
}
bool depopulate_section_memmap_v5_3(Kernel& k, OpState& st) {
  if (!(st.section_early && st.section_empty)) depopulate(k, st);
  return true;
}
// free_map_bootmem(): an emptied early section's whole memmap.
bool free_map_bootmem(Kernel& k, OpState& st) {
  if (!(st.section_early && st.section_empty)) return true;
  auto [start, end] = whole_section(k, st);
  k.for_chunks(start, end, [&](Pfn lo, Pfn hi) { k.free_memmap(lo, hi); });
  return true;
}

// `ms->section_mem_map = NULL` of an emptied section: every flag goes,
// SECTION_IS_EARLY too (a re-added section is no longer early). The v5.3
// tree stores sparse_encode_mem_map(NULL), flags clear, before the memmap
// is freed.
bool section_mem_map_clear(Kernel& k, OpState& st) {
  if (!st.section_empty) return true;
  k.write(k.sections[st.cur].mem_map, 0, Access::Once);
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
bool online_mem_sections(Kernel& k, OpState& st) {
  set_online_bit(k, st, true);
  return true;
}
bool offline_mem_sections(Kernel& k, OpState& st) {
  set_online_bit(k, st, false);
  return true;
}

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

// pfn_section_valid(): ms->usage is loaded (plainly; READ_ONCE() from
// 5ec8e8ea8b77), then usage->subsection_map read through it. KASAN's view of
// that read: NULL (before 5ec8e8ea8b77 nothing tests for it), freed since the
// load, or queued for kfree_rcu() while the reader is outside an RCU read
// section. Returns the subsection's bit.
static bool pfn_section_valid(Kernel& k, Pfn pfn) {
  const std::uint32_t section = k.geo.section_of(pfn);
  MemSection& ms = k.sections[section];
  const auto bit = [&] { return (k.read(ms.subsection_map, Access::Once) >> k.geo.subsection_of(pfn)) & 1; };
  if (!k.spec.section_usage) return bit();
  const std::int64_t usage = k.read(ms.usage, k.spec.section_usage_rcu ? Access::Once : Access::Plain);
  const SimThread& t = k.ex.self();
  if (!usage) {
    if (k.spec.section_usage_rcu) return false;  // `usage ? test_bit(...) : 0`
    const std::string key = "kasan/null-ptr-deref/mem_section->usage/" + k.ex.stacks().top_name(t.stack);
    if (k.warned(key)) return false;
    k.warn(FindingKind::Kasan, key,
           "pfn_section_valid(): NULL pointer dereference of mem_section[" + std::to_string(section) +
               "].usage: section_deactivate() freed it and stored NULL after valid_section() passed");
    k.warnings.back().title = "BUG: KASAN: null-ptr-deref";
    return false;
  }
  const bool on = bit();
  const MemSectionUsage& u = k.usages[std::size_t(usage) - 1];
  const bool freed = u.state == MemSectionUsage::State::Freed ||
                     (u.state == MemSectionUsage::State::RcuPending && !k.rcu.reading(t.id));
  if (!freed) return on;
  const std::string key = "kasan/slab-use-after-free/mem_section->usage/" + k.ex.stacks().top_name(t.stack);
  if (k.warned(key)) return on;
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
  return on;
}

bool pfn_valid_a(Kernel& k, Pfn pfn) {
  return k.read(k.sections[k.geo.section_of(pfn)].mem_map, Access::Once) & SECTION_HAS_MEM_MAP;
}

static bool pfn_valid_sections(Kernel& k, Pfn pfn) {
  MemSection& ms = k.sections[k.geo.section_of(pfn)];
  std::int64_t f = k.read(ms.mem_map, Access::Once);
  if (!(f & SECTION_HAS_MEM_MAP)) return false;
  if (f & SECTION_IS_EARLY) return true;
  return pfn_section_valid(k, pfn);
}

// pfn_valid(): from 5ec8e8ea8b77 (v6.8; in the 6.1.158 and 6.6.57 trees) the
// section tests run inside rcu_read_lock_sched(), against kfree_rcu().
bool pfn_valid_b(Kernel& k, Pfn pfn) {
  if (!k.spec.section_usage_rcu) return pfn_valid_sections(k, pfn);
  k.rcu.read_lock();
  const bool ok = pfn_valid_sections(k, pfn);
  k.rcu.read_unlock();
  return ok;
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
  if (!pfn_section_valid(k, pfn)) return false;
  // online_device_section() loads section_mem_map again, after the subsection test
  if (!(k.read(ms.mem_map, Access::Once) & SECTION_TAINT_ZONE_DEVICE)) return true;
  // Slow path: a pgmap covering the pfn means ZONE_DEVICE, i.e. not online.
  int pg = get_dev_pagemap(k, pfn);
  if (pg < 0) return true;
  put_dev_pagemap(k, pg);
  return false;
}

void add_sparse_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"sparse_add_section", sparse_add_section,
           "mm/sparse.c sparse_add_section(): section_activate(), page_init_poison(), mark present"},
          {"sparse_add_one_section", sparse_add_one_section,
           "mm/sparse.c sparse_add_one_section() (v4.19): allocate and poison the section's memmap"},
          {"section_mark_present", section_mark_present,
           "mm/sparse.c section_mark_present() + sparse_init_one_section() (v4.19)"},
          {"sparse_remove_section_valid", sparse_remove_section_valid,
           "mm/sparse.c sparse_remove_section() (v6.6+): WARN_ON_ONCE(!valid_section(ms))"},
          {"clear_subsection_map", clear_subsection_map,
           "mm/sparse.c clear_subsection_map() (inline in section_deactivate() until v5.4), early_section(), "
           "is_subsection_map_empty()"},
          {"section_usage_kfree_v5_3", section_usage_kfree_v5_3,
           "mm/sparse.c section_deactivate() (v5.3): kfree(ms->usage), ms->usage = NULL unless early_section()"},
          {"section_usage_kfree", section_usage_kfree,
           "mm/sparse.c section_deactivate(): kfree(ms->usage), ms->usage = NULL unless PageReserved()"},
          {"section_usage_kfree_rcu", section_usage_kfree_rcu,
           "mm/sparse.c section_deactivate() (5ec8e8ea8b77): kfree_rcu(ms->usage), WRITE_ONCE(ms->usage, NULL) unless "
           "PageReserved()"},
          {"section_mark_invalid", section_mark_invalid,
           "mm/sparse.c section_deactivate(): clear SECTION_HAS_MEM_MAP (b943f045a9af)"},
          {"depopulate_section_memmap", depopulate_section_memmap,
           "mm/sparse.c depopulate_section_memmap() unless early_section() (ef69bc9f689d)"},
          {"depopulate_section_memmap_v5_3", depopulate_section_memmap_v5_3,
           "mm/sparse.c depopulate_section_memmap() (v5.3, v5.4): unless an emptied early section"},
          {"free_map_bootmem", free_map_bootmem, "mm/sparse.c free_map_bootmem(): an emptied early section's memmap"},
          {"section_mem_map_clear", section_mem_map_clear,
           "mm/sparse.c section_deactivate(): ms->section_mem_map = NULL"},
          {"sparse_remove_one_section", sparse_remove_one_section,
           "mm/sparse.c sparse_remove_one_section() (v4.19): zero section_mem_map"},
          {"free_section_memmap", free_section_memmap,
           "mm/sparse.c free_section_usemap() / __kfree_section_memmap() (v4.19)"},
          {"online_mem_sections", online_mem_sections, "mm/sparse.c online_mem_sections()"},
          {"offline_mem_sections", offline_mem_sections, "mm/sparse.c offline_mem_sections()"},
          {"section_taint_zone_device", section_taint_zone_device,
           "mm/memory_hotplug.c section_taint_zone_device() (v5.12+)"},
          {"present_section_nr", present_section_nr_step,
           "include/linux/mmzone.h present_section_nr(): SECTION_MARKED_PRESENT"},
      });
  // clang-format on
}

}  // namespace mhp
