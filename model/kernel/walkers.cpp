// The pfn walkers of docs/KERNEL_REFERENCE.md §6.2, as steps on the pfn `st.cur`:
// the checks each one really does (pfn_valid(), pfn_to_online_page(),
// get_dev_pagemap(), pgmap_pfn_valid()) and the struct page reads that follow.
// A check step returning false skips the pfn (or ends a one-pfn walker).
#include "model/kernel/memremap.hpp"
#include "model/kernel/sparse.hpp"
#include "model/ops/primitives.hpp"

namespace mhp {

namespace {

// --- checks ---
bool pfn_valid_step(Kernel& k, OpState& st) { return pfn_valid_b(k, st.cur); }
bool pfn_valid_v4_19(Kernel& k, OpState& st) { return pfn_valid_a(k, st.cur); }
bool pfn_to_online_page_step(Kernel& k, OpState& st) { return pfn_to_online_page_b(k, st.cur); }
bool pfn_to_online_page_v5_3(Kernel& k, OpState& st) { return pfn_to_online_page_b0(k, st.cur); }
bool pfn_to_online_page_v4_19(Kernel& k, OpState& st) { return pfn_to_online_page_a(k, st.cur); }
// pfn_to_page(): address arithmetic, no check at all.
bool pfn_to_page(Kernel&, OpState&) { return true; }

// memory_failure(): a pfn pfn_to_online_page() resolves takes the RAM path
// (not modelled: the walker ends); NULL goes on to the ZONE_DEVICE path.
bool memory_failure_not_online(Kernel& k, OpState& st) { return !pfn_to_online_page_b(k, st.cur); }
bool memory_failure_not_online_v5_3(Kernel& k, OpState& st) { return !pfn_to_online_page_b0(k, st.cur); }

// --- reads of the struct page ---
// stable_page_flags() (fs/proc/page.c): compound_head(), then the flag tests.
bool stable_page_flags(Kernel& k, OpState& st) {
  k.read_page(st.cur, PageField::CompoundHead);
  k.read_page(st.cur, PageField::Flags);
  return true;
}
// page_zone(): the zone links in page->flags.
bool page_zone(Kernel& k, OpState& st) {
  st.value = flags_zone(k.read_page(st.cur, PageField::Flags));
  return true;
}
// dax_lock_folio(page_folio(pfn_to_page(pfn))) in memory_failure_dev_pagemap():
// compound head, flags, page->pgmap.
bool dax_lock_folio(Kernel& k, OpState& st) {
  k.read_page(st.cur, PageField::CompoundHead);
  k.read_page(st.cur, PageField::Flags);
  k.read_page(st.cur, PageField::Pgmap);
  return true;
}
// memory_failure()'s RAM path before 96c804a6ae8c (v5.4, which checks
// pfn_to_online_page() first; the model's v5.3 era, v5.3-v5.11, has it):
// taken by any pfn_valid() pfn get_dev_pagemap() does not resolve, online or
// not. PageHuge() tests the
// head flag; TestSetPageHWPoison() is an atomic RMW of page->flags. The rest
// of the path (get_hwpoison_page(), the page state actions) is not modelled.
bool page_huge(Kernel& k, OpState& st) {
  k.read_page(st.cur, PageField::Flags);
  return true;
}
bool test_set_page_hwpoison(Kernel& k, OpState& st) {
  std::int64_t f = k.read_page(st.cur, PageField::Flags, Access::Once);
  if (f & PG_hwpoison) return false;  // "already hardware poisoned"
  k.write_page(st.cur, PageField::Flags, f | PG_hwpoison, Access::Once);
  return true;
}
// kcompactd_do_work()'s last store, kcompactd_highest_zoneidx =
// pgdat->nr_zones - 1: a plain load of nr_zones, no lock.
bool kcompactd_do_work(Kernel& k, OpState& st) {
  st.value = k.read(k.nodes[st.args.nid]->nr_zones) - 1;
  return true;
}
// read_page_owner(): PageBuddy() and the page_ext lookup.
bool read_page_owner(Kernel& k, OpState& st) {
  k.read_page(st.cur, PageField::Flags);
  return true;
}

// compaction: __pageblock_pfn_to_page() for the pageblock at st.cur, then
// isolate_migratepages_block() over its pages. The end page is tested with
// pfn_valid() only.
template <bool (*ToOnline)(Kernel&, Pfn)>
bool pageblock_pfn_to_page(Kernel& k, OpState& st) {
  Pfn end = st.cur + k.geo.pages_per_subsection - 1;
  if (!pfn_valid_b(k, end)) return false;
  if (!ToOnline(k, st.cur)) return false;
  std::int64_t a = k.read_page(st.cur, PageField::Flags);  // page_zone(start_page) != zone
  if (flags_zone(a) != st.args.zone) return false;
  std::int64_t b = k.read_page(end, PageField::Flags);  // page_zone_id(end_page)
  return flags_zone(b) == flags_zone(a);
}
bool isolate_migratepages_block(Kernel& k, OpState& st) {
  k.for_chunks(st.cur, st.cur + k.geo.pages_per_subsection, [&](Pfn lo, Pfn) {
    k.read_page(lo, PageField::Flags);     // PageBuddy(), PageLRU()
    k.read_page(lo, PageField::Refcount);  // page_count()
  });
  return true;
}

// kmemleak_scan() (v5.x+): for each populated zone (present pages) of the node, walk its
// span with pfn_to_online_page() and the page_zone() check, then scan the
// page (page_count()). The caller holds get_online_mems().
bool kmemleak_scan_zones(Kernel& k, OpState& st) {
  for (int zi = 0; zi < MAX_NR_ZONES; ++zi) {
    Zone& z = k.zone(st.args.nid, zi);
    if (k.read(z.present_pages) == 0) continue;  // for_each_populated_zone(): ZONE_DEVICE never is
    Pfn start = Pfn(k.read(z.zone_start_pfn)), end = start + Pfn(k.read(z.spanned_pages));
    k.for_chunks(start, end, [&](Pfn pfn, Pfn) {
      if (!pfn_to_online_page_b(k, pfn)) return;
      if (flags_zone(k.read_page(pfn, PageField::Flags)) != zi) return;
      k.read_page(pfn, PageField::Refcount);
    });
  }
  return true;
}
// kmemleak_scan() (v4.19..v5.3): the node span with pfn_valid() only
// (section-granular before v5.3, subsection-aware from v5.3).
template <bool (*Valid)(Kernel&, Pfn)>
bool kmemleak_scan_node(Kernel& k, OpState& st) {
  Pgdat& nd = *k.nodes[st.args.nid];
  Pfn start = Pfn(k.read(nd.node_start_pfn)), end = start + Pfn(k.read(nd.node_spanned_pages));
  k.for_chunks(start, end, [&](Pfn pfn, Pfn) {
    if (!Valid(k, pfn)) return;
    if (flags_nid(k.read_page(pfn, PageField::Flags)) != st.args.nid) return;  // page_to_nid()
    k.read_page(pfn, PageField::Refcount);                                      // page_count()
  });
  return true;
}

// page_outside_zone_boundaries() (mm/page_alloc.c, DEBUG_VM bad_range()): a
// zone_span_seqbegin()/zone_span_seqretry() loop around reading the span.
bool page_outside_zone_boundaries(Kernel& k, OpState& st) {
  Zone& z = k.zone(st.args.nid, st.args.zone);
  std::int64_t start = 0, spanned = 0;
  unsigned seq;
  do {
    seq = z.span_seqlock.read_begin();
    start = k.read(z.zone_start_pfn);
    spanned = k.read(z.spanned_pages);
  } while (z.span_seqlock.read_retry(seq));
  st.value = Pfn(start) <= st.cur && st.cur < Pfn(start + spanned) ? 0 : 1;
  return true;
}

// A KVM guest mapping of a host pfn (virt/kvm/kvm_main.c, v4.19..v5.4):
// hva_to_pfn() -> get_user_pages() always takes a page reference (for a
// devmap page only while the pgmap is live: get_dev_pagemap() during the
// walk). kvm_is_reserved_pfn() -- pfn_valid() && PageReserved(), true for
// every ZONE_DEVICE page -- then decides whether KVM touches the page and
// whether kvm_release_pfn_clean() drops that reference again.
// v4.19..v5.0: get_page() increments whatever the count is (its
// VM_BUG_ON_PAGE(count <= 0) exists only with CONFIG_DEBUG_VM).
// v5.1+ (8fde12ca79af): try_get_page() WARNs on a count <= 0 and GUP fails.
template <bool TryGet>
bool get_user_pages(Kernel& k, OpState& st) {
  int pg = get_dev_pagemap(k, st.cur);
  if (pg < 0) return false;  // -EFAULT: the pgmap is dying or gone
  if (TryGet && k.read_page(st.cur, PageField::Refcount, Access::Once) <= 0) {
    k.warn("warn", "warn/try_get_page/refcount-zero", "try_get_page(): WARN_ON_ONCE(page_ref_count(page) <= 0)");
    put_dev_pagemap(k, pg);
    return false;
  }
  k.page_ref_add(st.cur, st.cur + 1, +1);  // get_page()
  put_dev_pagemap(k, pg);
  st.page_ref = true;
  return true;
}
bool kvm_is_reserved_pfn(Kernel& k, OpState& st) {
  bool valid = pfn_valid_a(k, st.cur);
  st.value = !valid || (k.read_page(st.cur, PageField::Flags) & PG_reserved);
  return true;
}
// The proposal of [duyck-defer-2018] (Yi Zhang, Dan; merged as a78986aae9b2
// "KVM: MMU: Do not treat ZONE_DEVICE pages as being reserved"): PG_reserved is still
// set, but a ZONE_DEVICE page is not "reserved" for KVM.
bool kvm_is_reserved_pfn_zone_device(Kernel& k, OpState& st) {
  if (!pfn_valid_a(k, st.cur)) {
    st.value = 1;
    return true;
  }
  std::int64_t f = k.read_page(st.cur, PageField::Flags);
  st.value = (f & PG_reserved) && flags_zone(f) != ZONE_DEVICE;
  return true;
}
// kvm_set_pfn_accessed(): mark_page_accessed() unless reserved.
bool kvm_set_pfn_accessed(Kernel& k, OpState& st) {
  if (!st.value) k.read_page(st.cur, PageField::Flags);
  return true;
}
// kvm_release_pfn_clean(): put_page() unless reserved; the last put of a
// ZONE_DEVICE page drops its pgmap reference (put_devmap_managed_page /
// put_dev_pagemap at refcount 0, v4.19..v5.17). A reserved page's reference
// from get_user_pages() is never dropped.
bool kvm_release_pfn_clean(Kernel& k, OpState& st) {
  if (st.value || !st.page_ref) return true;
  st.page_ref = false;
  if (k.page_ref_add(st.cur, st.cur + 1, -1) == 0) return true;  // not the last reference
  std::int64_t pg = k.read_page(st.cur, PageField::Pgmap) - 1;
  if (pg >= 0 && pg < std::int64_t(k.pgmaps.size())) put_dev_pagemap(k, int(pg));
  return true;
}

// A device-private driver allocating a free page of its own range
// ([williams-request-folio-2022]): pfn_to_page() of an idle page, a look at
// page->zone_device_data (the word
// next to page->pgmap), then zone_device_page_init(), which takes the pgmap
// reference with percpu_ref_tryget_live() and WARNs if the pgmap is dying.
bool read_zone_device_data(Kernel& k, OpState& st) {
  st.value = k.read_page(st.cur, PageField::Pgmap);
  return true;
}
bool zone_device_page_init(Kernel& k, OpState& st) {
  std::int64_t pg = k.read_page(st.cur, PageField::Pgmap) - 1;  // page->pgmap, no reference held yet
  if (pg < 0 || pg >= std::int64_t(k.pgmaps.size())) return false;
  if (!k.pgmaps[pg]->ref.tryget_live()) {
    k.warn("warn", "warn/zone_device_page_init/tryget_live-failed",
           "zone_device_page_init(): WARN percpu_ref_tryget_live() failed: allocating after memunmap_pages()");
    return false;
  }
  st.pgmap_ref = int(pg);
  k.write_page(st.cur, PageField::Refcount, 1);  // set_page_count(page, 1)
  return true;
}
// pgmap_request_folio() (proposed in [williams-request-folio-2022], not in
// v6.13): the pgmap reference is taken by offset first, so an idle page is
// never touched without one.
bool pgmap_request_folio(Kernel& k, OpState& st) {
  int pg = st.args.pgmap;
  if (!k.pgmaps[pg]->ref.tryget_live()) return false;
  st.pgmap_ref = pg;
  k.write_page(st.cur, PageField::Refcount, 1);
  return true;
}
// The driver frees the page again: free_zone_device_folio() -> put_dev_pagemap().
bool free_zone_device_folio(Kernel& k, OpState& st) {
  k.page_ref_add(st.cur, st.cur + 1, -1);
  if (st.pgmap_ref >= 0) put_dev_pagemap(k, st.pgmap_ref);
  st.pgmap_ref = -1;
  return true;
}

// kmem_cache_create() (mm/slab_common.c, v4.19): get_online_cpus() +
// get_online_mems() around the cache set-up -- a read-side user a hotplug
// path can reach ([duyck-defer-2018], S9: a callee taking mem_hotplug_lock again).
bool kmem_cache_create(Kernel& k, OpState&) {
  {
    Frame f(k.ex, k.ex.stacks().fn("get_online_mems"));
    k.cpu_hotplug_lock.down_read();
    k.mem_hotplug_lock.down_read();
  }
  Frame f(k.ex, k.ex.stacks().fn("put_online_mems"));
  k.mem_hotplug_lock.up_read();
  k.cpu_hotplug_lock.up_read();
  return true;
}

}  // namespace

void add_walker_primitives(PrimitiveTable& t) {
  t.insert(t.end(), {
    {"pfn_valid", pfn_valid_step, "include/linux/mmzone.h pfn_valid(): section memmap + subsection bit (v5.3+)"},
    {"pfn_valid_v4_19", pfn_valid_v4_19, "include/linux/mmzone.h pfn_valid() (v4.19): valid_section() only"},
    {"pfn_to_online_page", pfn_to_online_page_step, "mm/memory_hotplug.c pfn_to_online_page() (v5.12+): ONLINE, subsection, ZONE_DEVICE slow path"},
    {"pfn_to_online_page_v5_3", pfn_to_online_page_v5_3, "mm/memory_hotplug.c pfn_to_online_page() (v5.3..v5.11): ONLINE + subsection"},
    {"pfn_to_online_page_v4_19", pfn_to_online_page_v4_19, "include/linux/memory_hotplug.h pfn_to_online_page() (v4.19 macro): ONLINE bit"},
    {"pfn_to_page", pfn_to_page, "include/asm-generic/memory_model.h pfn_to_page(): no check"},
    {"memory_failure_not_online", memory_failure_not_online, "mm/memory-failure.c memory_failure(): pfn_to_online_page() == NULL"},
    {"memory_failure_not_online_v5_3", memory_failure_not_online_v5_3, "mm/memory-failure.c memory_failure() (v5.3..v5.11): pfn_to_online_page() == NULL"},
    {"stable_page_flags", stable_page_flags, "fs/proc/page.c stable_page_flags()"},
    {"page_zone", page_zone, "include/linux/mm.h page_zone()"},
    {"kcompactd_do_work", kcompactd_do_work, "mm/compaction.c kcompactd_do_work(): kcompactd_highest_zoneidx = pgdat->nr_zones - 1"},
    {"PageHuge", page_huge, "include/linux/page-flags.h PageHuge() (memory_failure()'s RAM path)"},
    {"TestSetPageHWPoison", test_set_page_hwpoison, "include/linux/page-flags.h TestSetPageHWPoison() (memory_failure()'s RAM path)"},
    {"dax_lock_folio", dax_lock_folio, "fs/dax.c dax_lock_folio(page_folio(pfn_to_page(pfn)))"},
    {"read_page_owner", read_page_owner, "mm/page_owner.c read_page_owner(): PageBuddy()"},
    {"pageblock_pfn_to_page", pageblock_pfn_to_page<pfn_to_online_page_b>, "mm/page_alloc.c __pageblock_pfn_to_page()"},
    {"pageblock_pfn_to_page_v5_3", pageblock_pfn_to_page<pfn_to_online_page_b0>, "mm/page_alloc.c __pageblock_pfn_to_page() (v4.19..v5.11: pfn_to_online_page() tests the ONLINE bit)"},
    {"isolate_migratepages_block", isolate_migratepages_block, "mm/compaction.c isolate_migratepages_block()"},
    {"kmemleak_scan_zones", kmemleak_scan_zones, "mm/kmemleak.c kmemleak_scan(): zone spans, pfn_to_online_page()"},
    {"kmemleak_scan_node_v4_19", kmemleak_scan_node<pfn_valid_a>, "mm/kmemleak.c kmemleak_scan() (v4.19): node span, pfn_valid()"},
    {"kmemleak_scan_node", kmemleak_scan_node<pfn_valid_b>, "mm/kmemleak.c kmemleak_scan() (v5.3): node span, subsection-aware pfn_valid()"},
    {"page_outside_zone_boundaries", page_outside_zone_boundaries, "mm/page_alloc.c page_outside_zone_boundaries(): zone_span_seqbegin() loop"},
    {"kvm_is_reserved_pfn", kvm_is_reserved_pfn, "virt/kvm/kvm_main.c kvm_is_reserved_pfn() (v4.19): PageReserved()"},
    {"kvm_is_reserved_pfn_zone_device", kvm_is_reserved_pfn_zone_device, "seed 001 proposal: kvm_is_reserved_pfn() && !is_zone_device_page()"},
    {"get_user_pages_v4_19", get_user_pages<false>, "mm/gup.c get_user_pages() (v4.19..v5.0): get_dev_pagemap() + get_page()"},
    {"get_user_pages", get_user_pages<true>, "mm/gup.c get_user_pages() (v5.1+): get_dev_pagemap() + try_get_page()"},
    {"kvm_set_pfn_accessed", kvm_set_pfn_accessed, "virt/kvm/kvm_main.c kvm_set_pfn_accessed() -> mark_page_accessed()"},
    {"kvm_release_pfn_clean", kvm_release_pfn_clean, "virt/kvm/kvm_main.c kvm_release_pfn_clean(): put_page() unless reserved"},
    {"read_zone_device_data", read_zone_device_data, "driver pfn walk: page->zone_device_data of an idle page (seed 004)"},
    {"zone_device_page_init", zone_device_page_init, "mm/memremap.c zone_device_page_init(): tryget_live(page->pgmap->ref)"},
    {"pgmap_request_folio", pgmap_request_folio, "seed 004 proposal pgmap_request_folio(): pgmap ref by offset first"},
    {"kmem_cache_create", kmem_cache_create, "mm/slab_common.c kmem_cache_create(): get_online_cpus() + get_online_mems()"},
    {"free_zone_device_folio", free_zone_device_folio, "mm/memremap.c free_zone_device_folio() -> put_dev_pagemap()"},
  });
}

}  // namespace mhp
