// The pfn walkers of docs/KERNEL_REFERENCE.md §6.2, as steps on the pfn `st.cur`:
// the checks each one really does (pfn_valid(), pfn_to_online_page(),
// get_dev_pagemap(), pgmap_pfn_valid()) and the struct page reads that follow.
// A check step returning false skips the pfn (or ends a one-pfn walker).
#include "model/kernel/memremap.hpp"
#include "model/kernel/primitives.hpp"
#include "model/kernel/sparse.hpp"

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
// pfn_to_online_page() first; the model's eras v4.19..v5.3 run it): taken by
// any pfn_valid() pfn get_dev_pagemap() does not resolve, online or not.
// PageHuge() tests the head flag; TestSetPageHWPoison() is an atomic RMW of page->flags. The rest
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
// populated_zone() (include/linux/mmzone.h): zone->present_pages != 0, a
// plain load in every release read (4.19.1 through 7.1.5), while
// online_pages()/offline_pages() store the count under mem_hotplug_lock only.
bool populated(Kernel& k, int nid, int zi) { return k.read(k.zone(nid, zi).present_pages) != 0; }
// The test before compact_zone() in the zone loops of compact_node() and
// kcompactd_do_work(): the compaction op's zone; false (an empty zone) ends
// the op, the zone is skipped.
bool populated_zone(Kernel& k, OpState& st) { return populated(k, st.args.nid, st.args.zone); }
// kcompactd_do_work()'s zone loop, zones 0..cc.highest_zoneidx, the test
// only (compact_zone() is the compaction op). highest_zoneidx is what the
// previous pass stored, pgdat->nr_zones - 1 at boot (wakeup_kcompactd()
// only lowers it): a zone that is new since boot is not walked in this pass.
bool kcompactd_populated_zones(Kernel& k, OpState& st) {
  const std::int64_t highest = k.nodes[st.args.nid]->nr_zones.initial - 1;
  for (int zi = 0; zi <= highest; ++zi) populated(k, st.args.nid, zi);
  return true;
}
// read_page_owner(): PageBuddy() and the page_ext lookup.
bool read_page_owner(Kernel& k, OpState& st) {
  k.read_page(st.cur, PageField::Flags);
  return true;
}

// compaction: isolate_migratepages_block() over the pageblock at st.cur
// (__pageblock_pfn_to_page(), by release, is in the block at the end).
bool isolate_migratepages_block(Kernel& k, OpState& st) {
  k.for_chunks(st.cur, st.cur + k.geo.pages_per_subsection, [&](Pfn lo, Pfn) {
    k.read_page(lo, PageField::Flags);     // PageBuddy(), PageLRU()
    k.read_page(lo, PageField::Refcount);  // page_count()
  });
  return true;
}

// kmemleak_scan()'s struct page pass (mm/kmemleak.c): after the pfn check
// and the node or zone test, page_count() (compound_head(), then _refcount)
// and, for a page in use, scan_block(page, page + 1), which reads the whole
// struct page as candidate pointers. The caller holds get_online_mems(). Only
// the scenario's node is walked (for_each_online_node() and
// for_each_populated_zone() over one node). scan_block() reads the words the
// model keeps for every page (flags, compound head, refcount); the word
// holding page->pgmap is left out: for RAM pages it is page->lru, which the
// model does not keep.
void kmemleak_scan_page(Kernel& k, Pfn pfn) {
  k.read_page(pfn, PageField::CompoundHead);               // page_count(): compound_head()
  if (k.read_page(pfn, PageField::Refcount) == 0) return;  // page_count() == 0: not scanned
  for (PageField f : {PageField::Flags, PageField::CompoundHead, PageField::Refcount})
    k.read_page(pfn, f);  // scan_block() over the struct page
}
// v5.4.y, v5.15.y (backports) and v6.1+ (c10a0f877fe0, v5.17-rc3, "mm/kmemleak: avoid
// scanning potential huge holes"): every populated zone's span, a page
// counted only if page_zone() is that zone.
template <bool (*Online)(Kernel&, Pfn)>
bool kmemleak_scan_zones(Kernel& k, OpState& st) {
  for (int zi = 0; zi < MAX_NR_ZONES; ++zi) {
    Zone& z = k.zone(st.args.nid, zi);
    if (k.read(z.present_pages) == 0) continue;  // for_each_populated_zone(): ZONE_DEVICE never is
    Pfn start = Pfn(k.read(z.zone_start_pfn)), end = start + Pfn(k.read(z.spanned_pages));
    k.for_chunks(start, end, [&](Pfn pfn, Pfn) {
      if (!Online(k, pfn)) return;
      if (flags_zone(k.read_page(pfn, PageField::Flags)) != zi) return;  // page_zone() != zone
      kmemleak_scan_page(k, pfn);
    });
  }
  return true;
}
// The node span (node_start_pfn()..node_end_pfn()). v4.19/v4.20: pfn_valid()
// only, no node test; v5.0 (9f1eb38e0e11) switched to pfn_to_online_page()
// and added the page_to_nid() test.
template <bool (*Check)(Kernel&, Pfn), bool NidTest>
bool kmemleak_scan_node(Kernel& k, OpState& st) {
  Pgdat& nd = *k.nodes[st.args.nid];
  Pfn start = Pfn(k.read(nd.node_start_pfn)), end = start + Pfn(k.read(nd.node_spanned_pages));
  k.for_chunks(start, end, [&](Pfn pfn, Pfn) {
    if (!Check(k, pfn)) return;
    if (NidTest && flags_nid(k.read_page(pfn, PageField::Flags)) != st.args.nid) return;  // page_to_nid()
    kmemleak_scan_page(k, pfn);
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
    k.warn(FindingKind::Warn, "warn/try_get_page/refcount-zero",
           "try_get_page(): WARN_ON_ONCE(page_ref_count(page) <= 0)");
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
  const int pg = zone_device_page_init_at(k, st.cur, false);
  if (pg < 0) return false;
  st.pgmap_ref = pg;
  return true;
}
bool zone_device_page_init_v7_1(Kernel& k, OpState& st) {
  const int pg = zone_device_page_init_at(k, st.cur, true);
  if (pg < 0) return false;
  st.pgmap_ref = pg;
  return true;
}
// pgmap_request_folio() (proposed in [williams-request-folio-2022], not in v6.13): the pgmap
// reference is taken by offset first, so an idle page is never touched
// without one.
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

// --- compaction's pageblock check and KVM's page handling, by release ---
// (the compaction and kvm_map_pfn ops; each function names the releases
// whose code it follows).

// __pageblock_pfn_to_page() for the pageblock at st.cur: pfn_valid() of the
// start pfn (up to v6.4; dropped in v6.5) and of the end pfn, then
// pfn_to_online_page(start), page_zone(start) against the zone and
// page_zone_id() of both ends.
template <bool StartValid, bool (*Valid)(Kernel&, Pfn), bool (*ToOnline)(Kernel&, Pfn)>
bool pageblock_pfn_to_page(Kernel& k, OpState& st) {
  Pfn end = st.cur + k.geo.pages_per_subsection - 1;
  if (StartValid && !Valid(k, st.cur)) return false;
  if (!Valid(k, end)) return false;
  if (!ToOnline(k, st.cur)) return false;
  std::int64_t a = k.read_page(st.cur, PageField::Flags);  // page_zone(start_page) != zone
  if (flags_zone(a) != st.args.zone) return false;
  std::int64_t b = k.read_page(end, PageField::Flags);  // page_zone_id(end_page)
  return flags_zone(b) == flags_zone(a);
}

// kvm_is_reserved_pfn() as in v4.19, with v5.3's subsection-aware pfn_valid().
bool kvm_is_reserved_pfn_v5_3(Kernel& k, OpState& st) {
  st.value = !pfn_valid_b(k, st.cur) || (k.read_page(st.cur, PageField::Flags) & PG_reserved);
  return true;
}
// kvm_is_zone_device_pfn() (v5.4..v5.15) / kvm_is_zone_device_page()
// (v5.16..v6.12) without its pfn_valid(): page_count() first, WARN_ON_ONCE()
// if zero (the zone is only stable while the page is pinned), then
// is_zone_device_page().
bool kvm_zone_device_page(Kernel& k, Pfn pfn, const char* fn) {
  if (k.read_page(pfn, PageField::Refcount, Access::Once) == 0) {
    k.warn(FindingKind::Warn, std::string("warn/") + fn + "/page_count-zero",
           std::string(fn) + "(): WARN_ON_ONCE(!page_count(page))");
    return false;
  }
  return flags_zone(k.read_page(pfn, PageField::Flags)) == ZONE_DEVICE;
}
bool kvm_is_zone_device_pfn(Kernel& k, Pfn pfn) {
  return pfn_valid_b(k, pfn) && kvm_zone_device_page(k, pfn, "kvm_is_zone_device_pfn");
}
// kvm_is_reserved_pfn() after a78986aae9b2 (v5.4..v5.15): a PG_reserved
// page is reserved unless it is ZONE_DEVICE. (Its is_zero_pfn() exception
// is not modelled: the model has no zero page.)
bool kvm_is_reserved_pfn_v5_4(Kernel& k, OpState& st) {
  if (!pfn_valid_b(k, st.cur)) {
    st.value = 1;
    return true;
  }
  st.value = (k.read_page(st.cur, PageField::Flags) & PG_reserved) && !kvm_is_zone_device_pfn(k, st.cur);
  return true;
}
// kvm_set_pfn_accessed() (v5.4..v5.14): mark_page_accessed() unless
// reserved (the earlier step's answer) or ZONE_DEVICE.
bool kvm_set_pfn_accessed_v5_4(Kernel& k, OpState& st) {
  if (!st.value && !kvm_is_zone_device_pfn(k, st.cur)) k.read_page(st.cur, PageField::Flags);
  return true;
}
// kvm_set_pfn_accessed() (v5.15..v6.12): pfn_valid(), then
// kvm_is_ad_tracked_pfn()/_page() = !PageReserved(): never a ZONE_DEVICE page.
bool kvm_set_pfn_accessed_v5_15(Kernel& k, OpState& st) {
  if (!pfn_valid_b(k, st.cur)) return true;
  if (!(k.read_page(st.cur, PageField::Flags) & PG_reserved)) k.read_page(st.cur, PageField::Flags);
  return true;
}
// kvm_pfn_to_refcounted_page() (v6.0..v6.12): pfn_valid(); a page without
// PG_reserved, or a ZONE_DEVICE one, is refcounted; else NULL and KVM does
// not put it (false: kvm_release_pfn_clean() returns).
bool kvm_pfn_to_refcounted_page(Kernel& k, OpState& st) {
  if (!pfn_valid_b(k, st.cur)) return false;
  if (!(k.read_page(st.cur, PageField::Flags) & PG_reserved)) return true;
  return kvm_zone_device_page(k, st.cur, "kvm_is_zone_device_page");
}
// kvm_release_page_clean() (v6.1+): kvm_set_page_accessed() (!PageReserved)
// and put_page() of the reference get_user_pages() took. At zero a ZONE_DEVICE
// page goes to free_zone_device_page()/_folio(): device-private/-coherent drops its
// pgmap reference; the others get their count set back to 1 (v6.1..v6.13;
// 7.1.5 does that for GENERIC only and wakes FS_DAX waiters instead).
template <bool FsDaxStaysZero>
bool kvm_release_page_clean(Kernel& k, OpState& st) {
  if (!st.page_ref) return true;  // no page
  if (!(k.read_page(st.cur, PageField::Flags) & PG_reserved)) k.read_page(st.cur, PageField::Flags);
  st.page_ref = false;
  if (k.page_ref_add(st.cur, st.cur + 1, -1) == 0) return true;  // not the last reference
  std::int64_t pg = k.read_page(st.cur, PageField::Pgmap) - 1;
  if (pg < 0 || pg >= std::int64_t(k.pgmaps.size())) return true;
  const DevPagemap& p = *k.pgmaps[pg];
  if (p.is_private_or_coherent())
    put_dev_pagemap(k, int(pg));
  else if (!FsDaxStaysZero || p.desc.type == PgmapType::Generic)
    k.write_page(st.cur, PageField::Refcount, 1);
  return true;
}
// get_user_pages() after the ZONE_DEVICE refcount rework (absent in 6.13.7,
// present in 7.1.5): no devmap PTE, no pgmap lookup or reference; the
// page's own count pins it. try_grab_folio() WARNs on a count <= 0 and fails.
bool get_user_pages_v7_1(Kernel& k, OpState& st) {
  if (k.read_page(st.cur, PageField::Refcount, Access::Once) <= 0) {
    k.warn(FindingKind::Warn, "warn/try_grab_folio/refcount-zero",
           "try_grab_folio(): WARN_ON_ONCE(folio_ref_count(folio) <= 0)");
    return false;
  }
  k.page_ref_add(st.cur, st.cur + 1, +1);
  st.page_ref = true;
  return true;
}
// --- end of the compaction / KVM block ---

// --- memory_failure, kpageflags, page_owner, kmemleak: forms by release ---
// stable_page_flags() (fs/proc/page.c) before its folio rewrite (4.19..6.6 trees):
// k = page->flags first, then the compound tests (PageTail(),
// compound_head()) of the page itself.
bool stable_page_flags_v4_19(Kernel& k, OpState& st) {
  k.read_page(st.cur, PageField::Flags);
  k.read_page(st.cur, PageField::CompoundHead);
  return true;
}
// snapshot_page() (mm/util.c, stable_page_flags() in v7.1): memcpy() of the
// whole struct page, then of its folio's head if the copy says it is a tail.
// The words the model keeps for every page are read (page->pgmap is page->lru
// for the online RAM pages that reach it, a word the model does not keep).
bool snapshot_page(Kernel& k, OpState& st) {
  for (PageField f : {PageField::Flags, PageField::CompoundHead, PageField::Refcount}) k.read_page(st.cur, f);
  return true;
}
// --- end of the memory_failure/kpageflags/page_owner/kmemleak block ---

}  // namespace

void add_walker_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"pfn_valid", pfn_valid_step,
           "include/linux/mmzone.h pfn_valid(): section memmap + subsection bit (v5.3+; inside rcu_read_lock_sched() "
           "from 5ec8e8ea8b77)"},
          {"pfn_valid_v4_19", pfn_valid_v4_19, "include/linux/mmzone.h pfn_valid() (v4.19): valid_section() only"},
          {"pfn_to_online_page", pfn_to_online_page_step,
           "mm/memory_hotplug.c pfn_to_online_page() (v5.12+): ONLINE, subsection, ZONE_DEVICE slow path"},
          {"pfn_to_online_page_v5_3", pfn_to_online_page_v5_3,
           "include/linux/memory_hotplug.h pfn_to_online_page() macro (v5.0..v5.11): ONLINE bit (pfn_valid_within() a "
           "no-op), no subsection test"},
          {"pfn_to_online_page_v4_19", pfn_to_online_page_v4_19,
           "include/linux/memory_hotplug.h pfn_to_online_page() (v4.19 macro): ONLINE bit"},
          {"pfn_to_page", pfn_to_page, "include/asm-generic/memory_model.h pfn_to_page(): no check"},
          {"memory_failure_not_online", memory_failure_not_online,
           "mm/memory-failure.c memory_failure(): pfn_to_online_page() == NULL"},
          {"memory_failure_not_online_v5_3", memory_failure_not_online_v5_3,
           "mm/memory-failure.c memory_failure() (v5.4..v5.11, 96c804a6ae8c): pfn_to_online_page() macro == NULL"},
          {"stable_page_flags", stable_page_flags,
           "fs/proc/page.c stable_page_flags() (folio form: the 6.12.19 tree on): page_folio(), then folio->flags"},
          {"page_zone", page_zone, "include/linux/mm.h page_zone()"},
          {"kcompactd_do_work", kcompactd_do_work,
           "mm/compaction.c kcompactd_do_work(): kcompactd_highest_zoneidx = pgdat->nr_zones - 1"},
          {"populated_zone", populated_zone,
           "include/linux/mmzone.h populated_zone(): plain load of zone->present_pages, before compact_zone() in "
           "compact_node()/kcompactd_do_work()"},
          {"kcompactd_populated_zones", kcompactd_populated_zones,
           "mm/compaction.c kcompactd_do_work(): populated_zone() of zones 0..highest_zoneidx (boot nr_zones - 1)"},
          {"PageHuge", page_huge, "include/linux/page-flags.h PageHuge() (memory_failure()'s RAM path)"},
          {"TestSetPageHWPoison", test_set_page_hwpoison,
           "include/linux/page-flags.h TestSetPageHWPoison() (memory_failure()'s RAM path)"},
          {"dax_lock_folio", dax_lock_folio,
           "fs/dax.c the DAX entry lock of pfn_to_page(pfn): dax_lock_mapping_entry() (v4.19), dax_lock_page() "
           "(v4.20..v6.1), dax_lock_folio() (v6.6+)"},
          {"read_page_owner", read_page_owner, "mm/page_owner.c read_page_owner(): PageBuddy()"},
          {"pageblock_pfn_to_page", pageblock_pfn_to_page<false, pfn_valid_b, pfn_to_online_page_b>,
           "mm/page_alloc.c __pageblock_pfn_to_page() (v6.5+: pfn_valid() of the end pfn only)"},
          {"pageblock_pfn_to_page_v5_3", pageblock_pfn_to_page<true, pfn_valid_b, pfn_to_online_page_b0>,
           "mm/page_alloc.c __pageblock_pfn_to_page() (v5.3..v5.11: both ends pfn_valid(), pfn_to_online_page() tests "
           "the ONLINE bit)"},
          {"isolate_migratepages_block", isolate_migratepages_block, "mm/compaction.c isolate_migratepages_block()"},
          {"kmemleak_scan_zones", kmemleak_scan_zones<pfn_to_online_page_b>,
           "mm/kmemleak.c kmemleak_scan() (v5.15.y, v5.17+): zone spans, pfn_to_online_page() (function form), "
           "page_zone()"},
          {"kmemleak_scan_zones_v5_4", kmemleak_scan_zones<pfn_to_online_page_b0>,
           "mm/kmemleak.c kmemleak_scan() (v5.4.y backport): zone spans, pfn_to_online_page() macro (ONLINE bit), "
           "page_zone()"},
          {"kmemleak_scan_node_v4_19", kmemleak_scan_node<pfn_valid_a, false>,
           "mm/kmemleak.c kmemleak_scan() (v4.19, v4.20): node span, pfn_valid(), no node test"},
          {"kmemleak_scan_node_v5_0", kmemleak_scan_node<pfn_to_online_page_a, true>,
           "mm/kmemleak.c kmemleak_scan() (v5.0..v5.13): node span, pfn_to_online_page() macro (ONLINE bit), "
           "page_to_nid()"},
          {"kmemleak_scan_node_v5_14", kmemleak_scan_node<pfn_to_online_page_b, true>,
           "mm/kmemleak.c kmemleak_scan() (v5.14; mainline v5.15.0 too): node span, pfn_to_online_page() (function "
           "form), page_to_nid()"},
          {"page_outside_zone_boundaries", page_outside_zone_boundaries,
           "mm/page_alloc.c page_outside_zone_boundaries(): zone_span_seqbegin() loop"},
          {"kvm_is_reserved_pfn", kvm_is_reserved_pfn,
           "virt/kvm/kvm_main.c kvm_is_reserved_pfn() (v4.19): PageReserved()"},
          {"kvm_is_reserved_pfn_zone_device", kvm_is_reserved_pfn_zone_device,
           "[duyck-defer-2018] proposal: kvm_is_reserved_pfn() && !is_zone_device_page()"},
          {"get_user_pages_v4_19", get_user_pages<false>,
           "mm/gup.c get_user_pages() (v4.19..v5.0): get_dev_pagemap() + get_page()"},
          {"get_user_pages", get_user_pages<true>,
           "mm/gup.c get_user_pages() (v5.1+): get_dev_pagemap() + try_get_page()"},
          {"kvm_set_pfn_accessed", kvm_set_pfn_accessed,
           "virt/kvm/kvm_main.c kvm_set_pfn_accessed() -> mark_page_accessed()"},
          {"kvm_release_pfn_clean", kvm_release_pfn_clean,
           "virt/kvm/kvm_main.c kvm_release_pfn_clean(): put_page() unless reserved"},
          {"read_zone_device_data", read_zone_device_data,
           "driver pfn walk: page->zone_device_data of an idle page ([williams-request-folio-2022])"},
          {"zone_device_page_init", zone_device_page_init,
           "mm/memremap.c zone_device_page_init(): tryget_live(page->pgmap->ref)"},
          {"pgmap_request_folio", pgmap_request_folio,
           "[williams-request-folio-2022] proposal pgmap_request_folio(): pgmap ref by offset first"},
          {"kmem_cache_create", kmem_cache_create,
           "mm/slab_common.c kmem_cache_create(): get_online_cpus() + get_online_mems()"},
          {"zone_device_page_init_v7_1", zone_device_page_init_v7_1,
           "mm/memremap.c zone_device_page_init() (v7.1): percpu_ref_tryget_many(), no liveness test"},
          {"free_zone_device_folio", free_zone_device_folio,
           "mm/memremap.c free_zone_device_folio() -> put_dev_pagemap()"},
          // compaction and KVM, by release (the block at the end of the namespace)
          {"pageblock_pfn_to_page_v4_19", pageblock_pfn_to_page<true, pfn_valid_a, pfn_to_online_page_a>,
           "mm/page_alloc.c __pageblock_pfn_to_page() (v4.19..v5.2: section-granular pfn_valid() of both ends, ONLINE "
           "bit)"},
          {"pageblock_pfn_to_page_v5_14", pageblock_pfn_to_page<true, pfn_valid_b, pfn_to_online_page_b>,
           "mm/page_alloc.c __pageblock_pfn_to_page() (v5.12..v6.4: both ends pfn_valid(), pfn_to_online_page() with "
           "subsection and ZONE_DEVICE tests)"},
          {"kvm_is_reserved_pfn_v5_3", kvm_is_reserved_pfn_v5_3,
           "virt/kvm/kvm_main.c kvm_is_reserved_pfn() (v5.3): subsection-aware pfn_valid() && PageReserved()"},
          {"kvm_is_reserved_pfn_v5_4", kvm_is_reserved_pfn_v5_4,
           "virt/kvm/kvm_main.c kvm_is_reserved_pfn() (v5.4..v5.15, a78986aae9b2): PageReserved() && "
           "!kvm_is_zone_device_pfn()"},
          {"kvm_set_pfn_accessed_v5_4", kvm_set_pfn_accessed_v5_4,
           "virt/kvm/kvm_main.c kvm_set_pfn_accessed() (v5.4..v5.14): unless reserved or kvm_is_zone_device_pfn()"},
          {"kvm_set_pfn_accessed_v5_15", kvm_set_pfn_accessed_v5_15,
           "virt/kvm/kvm_main.c kvm_set_pfn_accessed() (v5.15..v6.12): kvm_is_ad_tracked_pfn()/_page(), "
           "!PageReserved()"},
          {"kvm_pfn_to_refcounted_page", kvm_pfn_to_refcounted_page,
           "virt/kvm/kvm_main.c kvm_pfn_to_refcounted_page() (v6.0..v6.12)"},
          {"kvm_release_page_clean", kvm_release_page_clean<false>,
           "virt/kvm/kvm_main.c kvm_release_page_clean() (v6.1..v6.13): kvm_set_page_accessed() + put_page()"},
          {"kvm_release_page_clean_v7_1", kvm_release_page_clean<true>,
           "virt/kvm/kvm_main.c kvm_release_page_clean() (v7.1 ZONE_DEVICE refcounts): kvm_set_page_accessed() + "
           "put_page()"},
          {"get_user_pages_v7_1", get_user_pages_v7_1,
           "mm/gup.c get_user_pages() (v7.1): no get_dev_pagemap(), try_grab_folio()"},
          // memory_failure, kpageflags, page_owner, kmemleak: forms by release
          {"stable_page_flags_v4_19", stable_page_flags_v4_19,
           "fs/proc/page.c stable_page_flags() (page form: the 4.19..6.6 trees): page->flags, then compound_head()"},
          {"snapshot_page", snapshot_page,
           "mm/util.c snapshot_page() (v7.1 stable_page_flags()): memcpy of the struct page"},
      });
  // clang-format on
}

}  // namespace mhp
