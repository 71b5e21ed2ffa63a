// mm/memory_hotplug.c and the page-allocator side of online/offline
// (mm/page_alloc.c, mm/page_isolation.c): resources, zone and node spans,
// present counts, onlining to and offlining from the buddy allocator.
#include <algorithm>

#include "model/kernel/mm_init.hpp"
#include "model/kernel/primitives.hpp"
#include "model/kernel/sparse.hpp"

namespace mhp {

namespace {

Pfn range_end(const OpState& st) { return st.args.start + st.args.nr_pages; }
Zone& op_zone(Kernel& k, const OpState& st) { return k.zone(st.args.nid, st.args.zone); }
Pfn pageblocks(const Kernel& k, const OpState& st) { return st.args.nr_pages / k.geo.pages_per_subsection; }

// register_memory_resource() -> request_resource_conflict(): a "System RAM"
// resource for the range; a busy range fails (the caller holds resource_lock).
// Under dax/kmem's region (not busy, IORESOURCE_SYSTEM_RAM) the request
// descends into it: the range must be that region, free of other children.
bool register_memory_resource(Kernel& k, OpState& st) {
  const std::int64_t parent = st.kmem_parent ? IORES_KMEM : IORES_NONE;
  auto busy = [parent](std::int64_t v) { return v != parent; };
  if (k.read_subs(k.iomem, st.args.start, range_end(st), busy, parent) != parent) return false;
  k.write_subs(k.iomem, st.args.start, range_end(st), st.kmem_parent ? IORES_KMEM_RAM : IORES_SYSTEM_RAM);
  return true;
}

// release_mem_region_adjustable(): the "System RAM" resource goes (back to
// kmem's region when it was its child).
bool release_mem_region_adjustable(Kernel& k, OpState& st) {
  k.write_subs(k.iomem, st.args.start, range_end(st), st.kmem_parent ? IORES_KMEM : IORES_NONE);
  return true;
}

// move_pfn_range_to_zone(): if zone_is_empty(), init_currently_empty_zone()
// writes zone_start_pfn, pgdat->nr_zones and zone->initialized.
bool init_currently_empty_zone(Kernel& k, OpState& st) {
  Zone& z = op_zone(k, st);
  if (k.read(z.spanned_pages) != 0) return true;
  Pgdat& nd = *k.nodes[st.args.nid];
  k.write(z.zone_start_pfn, std::int64_t(st.args.start));
  if (k.read(nd.nr_zones) < st.args.zone + 1) k.write(nd.nr_zones, st.args.zone + 1);
  k.write(z.initialized, 1);
  return true;
}

// init_currently_empty_zone() (v4.19): pgdat->nr_zones = zone_idx + 1 written
// unconditionally, so an empty lower zone onlined after a higher one lowers
// nr_zones; raising it only came in v4.20.
bool init_currently_empty_zone_v4_19(Kernel& k, OpState& st) {
  Zone& z = op_zone(k, st);
  if (k.read(z.spanned_pages) != 0) return true;
  Pgdat& nd = *k.nodes[st.args.nid];
  k.write(nd.nr_zones, st.args.zone + 1);
  k.write(z.zone_start_pfn, std::int64_t(st.args.start));
  k.write(z.initialized, 1);
  return true;
}

// Grow [start, start+spanned) to cover the range: two separate stores, so a
// reader in between sees a start without its span ([duyck-defer-2018], S6/S8).
void grow_span(Kernel& k, Cell& start_c, Cell& spanned_c, Pfn start, Pfn end) {
  std::int64_t old_start = k.read(start_c);
  std::int64_t old_spanned = k.read(spanned_c);
  std::int64_t old_end = old_start + old_spanned;
  std::int64_t new_start = old_spanned == 0 ? std::int64_t(start) : std::min<std::int64_t>(old_start, start);
  std::int64_t new_end = old_spanned == 0 ? std::int64_t(end) : std::max<std::int64_t>(old_end, end);
  k.write(start_c, new_start);
  k.write(spanned_c, new_end - new_start);
}

bool resize_zone_range(Kernel& k, OpState& st) {
  Zone& z = op_zone(k, st);
  grow_span(k, z.zone_start_pfn, z.spanned_pages, st.args.start, range_end(st));
  return true;
}

bool resize_pgdat_range(Kernel& k, OpState& st) {
  Pgdat& nd = *k.nodes[st.args.nid];
  grow_span(k, nd.node_start_pfn, nd.node_spanned_pages, st.args.start, range_end(st));
  return true;
}

// clear_zone_contiguous()
bool clear_zone_contiguous(Kernel& k, OpState& st) {
  k.write(op_zone(k, st).contiguous, 0);
  return true;
}

// online_pages_range() -> generic_online_page() -> __free_pages_core(): every
// page goes to the buddy allocator (PageOffline cleared, PageBuddy set).
bool online_pages_range(Kernel& k, OpState& st) {
  k.for_chunks(st.args.start, range_end(st), [&](Pfn lo, Pfn hi) {
    std::int64_t f = k.read_page(lo, PageField::Flags);
    k.write_pages(lo, hi, PageField::Flags, (f & ~(PG_offline | PG_reserved)) | PG_buddy);
    k.set_pages_state(lo, hi, PageState::Online);
  });
  return true;
}

// online_pages_range() (v4.19..v5.x): onlines a chunk only if its first page
// is PG_reserved, then __free_reserved_page() clears PG_reserved per page.
bool online_pages_range_reserved(Kernel& k, OpState& st) {
  if (!(k.read_page(st.args.start, PageField::Flags) & PG_reserved)) return true;
  return online_pages_range(k, st);
}

void add_present(Kernel& k, const OpState& st, bool zone, bool node, std::int64_t sign) {
  std::int64_t n = sign * std::int64_t(st.args.nr_pages);
  if (zone) {
    Cell& c = op_zone(k, st).present_pages;
    k.write(c, k.read(c) + n);
  }
  if (node) {
    Cell& c = k.nodes[st.args.nid]->node_present_pages;
    k.write(c, k.read(c) + n);
  }
}
// adjust_present_page_count() (v5.x+): zone and node counters, MHP only.
bool present_pages_add(Kernel& k, OpState& st) {
  add_present(k, st, true, true, +1);
  return true;
}
bool present_pages_sub(Kernel& k, OpState& st) {
  add_present(k, st, true, true, -1);
  return true;
}
// v4.19: zone->present_pages under MHP, node_present_pages under pgdat_resize_lock.
bool zone_present_pages_add(Kernel& k, OpState& st) {
  add_present(k, st, true, false, +1);
  return true;
}
bool zone_present_pages_sub(Kernel& k, OpState& st) {
  add_present(k, st, true, false, -1);
  return true;
}
bool node_present_pages_add(Kernel& k, OpState& st) {
  add_present(k, st, false, true, +1);
  return true;
}
bool node_present_pages_sub(Kernel& k, OpState& st) {
  add_present(k, st, false, true, -1);
  return true;
}

// node_states_set_node() / node_states_clear_node(): N_MEMORY.
bool node_states_set_node(Kernel& k, OpState& st) {
  k.write(k.nodes[st.args.nid]->node_state_memory, 1);
  return true;
}
bool node_states_clear_node(Kernel& k, OpState& st) {
  Pgdat& nd = *k.nodes[st.args.nid];
  if (k.read(nd.node_present_pages) == 0) k.write(nd.node_state_memory, 0);
  return true;
}

// test_pages_in_a_zone() / the single-zone check of offline_pages(): the zone
// of the first and last page. offline_pages() then works on the zone it
// found, as the kernel does: an offline has no zone of its own to take.
bool test_pages_in_a_zone(Kernel& k, OpState& st) {
  std::int64_t a = k.read_page(st.args.start, PageField::Flags);
  std::int64_t b = k.read_page(range_end(st) - 1, PageField::Flags);
  const int zone = flags_zone(a), nid = flags_nid(a);
  if (zone != flags_zone(b) || nid != flags_nid(b)) return false;  // -EINVAL: more than one zone
  if (zone >= MAX_NR_ZONES || zone == ZONE_DEVICE || nid >= int(k.nodes.size())) return false;  // no valid zone link
  st.args.zone = zone;
  st.args.nid = nid;
  return true;
}

// start_isolate_page_range() / undo_isolate_page_range(): pageblocks to
// MIGRATE_ISOLATE and back; zone->nr_isolate_pageblock (caller holds zone->lock).
bool start_isolate_page_range(Kernel& k, OpState& st) {
  Cell& c = op_zone(k, st).nr_isolate_pageblock;
  k.write(c, k.read(c) + std::int64_t(pageblocks(k, st)));
  return true;
}
bool undo_isolate_page_range(Kernel& k, OpState& st) {
  Cell& c = op_zone(k, st).nr_isolate_pageblock;
  k.write(c, k.read(c) - std::int64_t(pageblocks(k, st)));
  return true;
}

// scan_movable_pages() + do_migrate_range(): abstract. Each pass reads the
// pages of the range; the first `retries` passes find pages still in use and
// the loop in offline_pages() goes round again.
bool do_migrate_range(Kernel& k, OpState& st) {
  for (;;) {
    k.for_chunks(st.args.start, range_end(st), [&](Pfn lo, Pfn) { k.read_page(lo, PageField::Refcount); });
    if (st.migrate_passes++ >= st.args.retries) return true;
  }
}

// test_pages_isolated(): every page is free and isolated (zone->lock held).
bool test_pages_isolated(Kernel& k, OpState& st) {
  k.for_chunks(st.args.start, range_end(st), [&](Pfn lo, Pfn) { k.read_page(lo, PageField::Flags); });
  return true;
}

// __offline_isolated_pages(): the free pages leave the buddy lists.
void take_off_buddy(Kernel& k, const OpState& st, std::int64_t set) {
  k.for_chunks(st.args.start, range_end(st), [&](Pfn lo, Pfn hi) {
    std::int64_t f = k.read_page(lo, PageField::Flags);
    k.write_pages(lo, hi, PageField::Flags, (f & ~PG_buddy) | set);
    k.set_pages_state(lo, hi, PageState::Offlined);
  });
}
bool offline_isolated_pages(Kernel& k, OpState& st) {
  take_off_buddy(k, st, 0);
  return true;
}
// v4.19: ... and SetPageReserved(): the memmap keeps its (stale) zone links.
bool offline_isolated_pages_reserved(Kernel& k, OpState& st) {
  take_off_buddy(k, st, PG_reserved);
  return true;
}

// update_pgdat_span(): the node span is the union of its zones' spans.
bool update_pgdat_span(Kernel& k, OpState& st) {
  Pgdat& nd = *k.nodes[st.args.nid];
  std::int64_t lo = -1, hi = 0;
  for (auto& z : nd.zones) {
    std::int64_t s = k.read(z->zone_start_pfn), n = k.read(z->spanned_pages);
    if (n == 0) continue;
    if (lo < 0 || s < lo) lo = s;
    hi = std::max(hi, s + n);
  }
  k.write(nd.node_start_pfn, lo < 0 ? 0 : lo);
  k.write(nd.node_spanned_pages, lo < 0 ? 0 : hi - lo);
  return true;
}

// page_init_poison() over the range, as remove_pfn_range_from_zone() does it
// after v5.5 (in 5.10.89, not in 5.4.286):
// "they are now uninitialized again".
bool page_init_poison(Kernel& k, OpState& st) {
  k.for_chunks(st.args.start, range_end(st), [&](Pfn lo, Pfn hi) { k.poison_pages(lo, hi, PageState::Poisoned); });
  return true;
}

// arch_remove_memory() (v4.19): zone = page_zone(pfn_to_page(start)), the
// zone __remove_pages() is given -- read from a memmap that may never have
// been initialised (case 1 of [fukasawa-reserved-2019]).
bool page_zone_of_start(Kernel& k, OpState& st) {
  st.value = flags_zone(k.read_page(st.args.start, PageField::Flags));
  return true;
}

// find_smallest_section_pfn(): the first pfn of [lo, hi), stepping by
// `step`, that still belongs; 0 if none (the kernel's "not found").
template <class Belongs>
Pfn find_smallest_section_pfn(Pfn lo, Pfn hi, Pfn step, Belongs belongs) {
  for (Pfn pfn = lo; pfn < hi; pfn += step)
    if (belongs(pfn)) return pfn;
  return 0;
}
// find_biggest_section_pfn(): from hi - 1 down to lo, stepping by `step`;
// 0 if none. (The kernel's unsigned loop never ends for lo == 0; no span
// the model shrinks that way lacks a pfn that belongs.)
template <class Belongs>
Pfn find_biggest_section_pfn(Pfn lo, Pfn hi, Pfn step, Belongs belongs) {
  if (hi == 0) return 0;
  for (Pfn pfn = hi - 1; pfn >= lo; pfn -= step) {
    if (belongs(pfn)) return pfn;
    if (pfn < step) break;
  }
  return 0;
}

// shrink_zone_span() / shrink_pgdat_span() (v4.19..v5.3) for [start, end)
// leaving the span: only a removed range at the start or the end of the span
// moves that bound (to the next pfn that still belongs, if one is found);
// then, whatever moved, a walk of the whole old span empties it when no pfn
// outside [start, end) belongs. A range in the middle changes nothing: the
// span keeps whatever hole it leaves, and a bound that stopped belonging
// for another reason stays.
template <class Belongs>
void shrink_span_v4_19(Kernel& k, Cell& start_c, Cell& spanned_c, Pfn step, Pfn start, Pfn end, Belongs belongs) {
  const Pfn s = Pfn(k.read(start_c)), e = s + Pfn(k.read(spanned_c));
  if (s == start) {
    if (Pfn pfn = find_smallest_section_pfn(end, e, step, belongs)) {
      k.write(start_c, std::int64_t(pfn));
      k.write(spanned_c, std::int64_t(e - pfn));
    }
  } else if (e == end) {
    if (Pfn pfn = find_biggest_section_pfn(s, start, step, belongs)) k.write(spanned_c, std::int64_t(pfn - s + 1));
  }
  for (Pfn pfn = s; pfn < e; pfn += step)
    if ((pfn < start || pfn >= end) && belongs(pfn)) return;  // a valid pfn of the span remains
  k.write(start_c, 0);
  k.write(spanned_c, 0);
}

// The range __remove_zone() is given: v4.19..v5.0 the whole section st.cur;
// v5.3 the part of the removed range inside it (__remove_pages()'s pfns).
std::pair<Pfn, Pfn> section_range(const Kernel& k, const OpState& st, bool subsections) {
  const std::uint32_t sec = std::uint32_t(st.cur);
  Pfn lo = k.geo.section_start(sec), hi = k.geo.section_start(sec + 1);
  if (subsections) {
    lo = std::max(lo, st.args.start);
    hi = std::min(hi, range_end(st));
  }
  return {lo, hi};
}

// shrink_zone_span() (v4.19..v5.3), for section st.cur leaving the zone:
// find_smallest/biggest_section_pfn() test valid_section() (pfn_valid_a(); v5.3: pfn_valid()
// per subsection), then pfn_to_nid() and page_zone() -- memmaps of sections
// that were added but never onlined included. __remove_zone() of these
// releases has no ZONE_DEVICE exit (that came with
// remove_pfn_range_from_zone(), v5.5 and 5.4.y stable), so none here.
template <bool Subsections>
bool shrink_zone_span_v4_19(Kernel& k, OpState& st) {
  const int zone = st.args.zone, nid = st.args.nid;
  const auto [start, end] = section_range(k, st, Subsections);
  Zone& z = op_zone(k, st);
  const Pfn step = Subsections ? k.geo.pages_per_subsection : k.geo.pages_per_section();
  shrink_span_v4_19(k, z.zone_start_pfn, z.spanned_pages, step, start, end, [&](Pfn pfn) {
    if (!(Subsections ? pfn_valid_b(k, pfn) : pfn_valid_a(k, pfn))) return false;
    const std::int64_t f = k.read_page(pfn, PageField::Flags);  // pfn_to_nid(), page_zone()
    return flags_nid(f) == nid && flags_zone(f) == zone;
  });
  return true;
}

bool update_pgdat_span_step(Kernel& k, OpState& st) { return update_pgdat_span(k, st); }

// shrink_pgdat_span() (v4.19..v5.3), for section st.cur leaving the node:
// the node-span twin of shrink_zone_span_v4_19, testing pfn_to_nid() only.
template <bool Subsections>
bool shrink_pgdat_span(Kernel& k, OpState& st) {
  Pgdat& nd = *k.nodes[st.args.nid];
  const int nid = st.args.nid;
  const auto [start, end] = section_range(k, st, Subsections);
  const Pfn step = Subsections ? k.geo.pages_per_subsection : k.geo.pages_per_section();
  shrink_span_v4_19(k, nd.node_start_pfn, nd.node_spanned_pages, step, start, end, [&](Pfn pfn) {
    if (!(Subsections ? pfn_valid_b(k, pfn) : pfn_valid_a(k, pfn))) return false;
    return flags_nid(k.read_page(pfn, PageField::Flags)) == nid;
  });
  return true;
}

// shrink_zone_span() at offline (5.4.286, the v5.5 backport): the v4.19
// form -- one bound moved, then the walk that empties a span with nothing
// left -- over pfn_to_online_page() per subsection.
bool shrink_zone_span_v5_4(Kernel& k, OpState& st) {
  const int zone = st.args.zone, nid = st.args.nid;
  Zone& z = op_zone(k, st);
  shrink_span_v4_19(k, z.zone_start_pfn, z.spanned_pages, k.geo.pages_per_subsection, st.args.start, range_end(st),
                    [&](Pfn pfn) {
                      if (!pfn_to_online_page_b0(k, pfn)) return false;
                      const std::int64_t f = k.read_page(pfn, PageField::Flags);  // page_zone()
                      return flags_zone(f) == zone && flags_nid(f) == nid;
                    });
  return true;
}

// shrink_zone_span() (5.10.89+): only a range at the start or the end of the
// span moves it; the next online subsection of the zone becomes the bound
// (spanned_pages stored before zone_start_pfn), and none left empties the
// span. No walk of the whole span: a range in the middle changes nothing.
template <bool (*Online)(Kernel&, Pfn)>
bool shrink_zone_span(Kernel& k, OpState& st) {
  const int zone = st.args.zone, nid = st.args.nid;
  const Pfn start = st.args.start, end = range_end(st), step = k.geo.pages_per_subsection;
  Zone& z = op_zone(k, st);
  auto belongs = [&](Pfn pfn) {
    if (!Online(k, pfn)) return false;
    const std::int64_t f = k.read_page(pfn, PageField::Flags);  // page_zone(), page_to_nid()
    return flags_zone(f) == zone && flags_nid(f) == nid;
  };
  auto empty = [&] {
    k.write(z.zone_start_pfn, 0);
    k.write(z.spanned_pages, 0);
  };
  const Pfn zs = Pfn(k.read(z.zone_start_pfn));
  const Pfn ze = zs + Pfn(k.read(z.spanned_pages));
  if (zs == start) {
    if (Pfn pfn = find_smallest_section_pfn(end, ze, step, belongs)) {
      k.write(z.spanned_pages, std::int64_t(ze - pfn));
      k.write(z.zone_start_pfn, std::int64_t(pfn));
    } else {
      empty();
    }
  } else if (ze == end) {
    if (Pfn pfn = find_biggest_section_pfn(zs, start, step, belongs))
      k.write(z.spanned_pages, std::int64_t(pfn - zs + 1));
    else
      empty();
  }
  return true;
}

// remove_pfn_range_from_zone() (v5.5+): poison every struct page of the range
// ("they are now uninitialized again"), then, except for ZONE_DEVICE,
// shrink_zone_span() through pfn_to_online_page() per subsection and
// update_pgdat_span(). Written under mem_hotplug_lock only (C11).
bool remove_pfn_range_from_zone(Kernel& k, OpState& st) {
  {
    Frame f(k.ex, k.ex.stacks().fn("page_init_poison"));
    page_init_poison(k, st);
  }
  if (st.args.zone == ZONE_DEVICE) return true;
  {
    Frame f(k.ex, k.ex.stacks().fn("shrink_zone_span"));
    shrink_zone_span<pfn_to_online_page_b>(k, st);
  }
  Frame f(k.ex, k.ex.stacks().fn("update_pgdat_span"));
  return update_pgdat_span(k, st);
}

// --- nodes (include/linux/nodemask.h node_states[N_ONLINE]) ---

// __try_online_node(nid, false) from add_memory_resource(): node_online(),
// and for an offline node hotadd_new_pgdat() / hotadd_init_pgdat() resets
// the pgdat it reuses (an offlined node's pgdat is never freed): nr_zones
// and node_present_pages to 0, node_start_pfn to the added range's start
// (v4.19..v5.4) or 0 (v5.10+). The node goes online only after the memory
// block devices exist (node_set_online, below).
template <bool StartAtZero>
bool try_online_node(Kernel& k, OpState& st) {
  Pgdat& nd = *k.nodes[st.args.nid];
  st.new_node = !k.read(nd.node_online);
  if (!st.new_node) return true;
  k.write(nd.nr_zones, 0);
  k.write(nd.node_start_pfn, StartAtZero ? 0 : std::int64_t(st.args.start));
  k.write(nd.node_present_pages, 0);
  return true;
}

// add_memory_resource(): if (new_node) node_set_online(nid) (and
// __register_one_node(), not modelled).
bool node_set_online(Kernel& k, OpState& st) {
  if (st.new_node) k.write(k.nodes[st.args.nid]->node_online, 1);
  return true;
}

// check_cpu_on_node(), then node_set_offline() (unregister_one_node() is
// not modelled): a node with a CPU stays online.
void offline_node_unless_cpu(Kernel& k, int nid) {
  if (k.spec.node_has_cpu(nid)) return;
  k.write(k.nodes[nid]->node_online, 0);
}

// try_offline_node() (v4.19..v5.3): the node stays online while a present
// section of its span has pfn_to_nid() == nid at its first pfn. The span
// grows only when memory goes online, so a block added and never onlined
// is not looked at, and pfn_to_nid() reads memmaps that may be garbage
// (2c91f8fc6c99 "mm/memory_hotplug: fix try_offline_node()", v5.5 and 5.4.y).
bool try_offline_node_v4_19(Kernel& k, OpState& st) {
  const int nid = st.args.nid;
  Pgdat& nd = *k.nodes[nid];
  const Pfn s = Pfn(k.read(nd.node_start_pfn)), e = s + Pfn(k.read(nd.node_spanned_pages));
  for (Pfn pfn = s; pfn < e && pfn < k.geo.nr_pfns(); pfn += k.geo.pages_per_section()) {
    if (!(k.read(k.sections[k.geo.section_of(pfn)].mem_map, Access::Once) & SECTION_MARKED_PRESENT)) continue;
    if (flags_nid(k.read_page(pfn, PageField::Flags)) != nid) continue;
    return true;
  }
  offline_node_unless_cpu(k, nid);
  return true;
}

// try_offline_node() (2c91f8fc6c99, v5.5 and 5.4.y): the node stays online
// while it spans pages or a memory block names it (for_each_memory_block(),
// mem->nid). The block walk reads model state without events: every writer
// of the memory block list holds device_hotplug_lock and mem_hotplug_lock,
// as try_offline_node()'s caller does.
bool try_offline_node(Kernel& k, OpState& st) {
  const int nid = st.args.nid;
  if (k.read(k.nodes[nid]->node_spanned_pages)) return true;
  for (const auto& b : k.blocks)
    if (b->registered.v && b->nid == nid) return true;
  offline_node_unless_cpu(k, nid);
  return true;
}

// --- the lockless zone lookups of the memory block sysfs readers ---
// (valid_zones_show(), removable_show(): no device_lock(), no
// mem_hotplug_lock, no zone_span_seqbegin(); docs/KERNEL_REFERENCE.md §6.3)

// The zone page->flags links to, or nullptr if the links name no zone the
// model has (a poisoned or garbage memmap: the kernel would follow a wild
// pointer; the model stops the walk after the read that found it).
Zone* linked_zone(Kernel& k, std::int64_t flags) {
  const int z = flags_zone(flags), nid = flags_nid(flags);
  if (z >= MAX_NR_ZONES || nid >= int(k.nodes.size())) return nullptr;
  return &k.zone(nid, z);
}

// zone_spans_pfn(): zone_start_pfn and spanned_pages, plain loads.
bool zone_spans_pfn(Kernel& k, Zone& z, Pfn pfn) {
  const Pfn start = Pfn(k.read(z.zone_start_pfn));
  return start <= pfn && pfn < start + Pfn(k.read(z.spanned_pages));
}

// zone_intersects(): zone_is_empty() (spanned_pages), then the span.
bool zone_intersects(Kernel& k, Zone& z, Pfn start, Pfn nr) {
  const Pfn spanned = Pfn(k.read(z.spanned_pages));
  if (spanned == 0) return false;
  const Pfn zs = Pfn(k.read(z.zone_start_pfn));
  return start < zs + spanned && start + nr > zs;
}

// default_kernel_zone_for_pfn() up to v5.17: zone_intersects() of every
// zone up to and including ZONE_NORMAL -- the model's only kernel zone.
// d6aad2016a3f (v5.18) stops below ZONE_NORMAL: no load of it at all.
bool default_kernel_zone_for_pfn_v4_19(Kernel& k, OpState& st) {
  zone_intersects(k, k.zone(st.args.nid, ZONE_NORMAL), st.args.start, st.args.nr_pages);
  return true;
}
bool default_kernel_zone_for_pfn(Kernel&, OpState&) { return true; }

// zone_for_pfn_range(MMOP_ONLINE_KEEP / MMOP_ONLINE) -> default_zone_for_pfn():
// the kernel zone's lookup, then zone_intersects() of it and of ZONE_MOVABLE.
template <bool (*KernelZone)(Kernel&, OpState&)>
bool default_zone_for_pfn(Kernel& k, OpState& st) {
  KernelZone(k, st);
  zone_intersects(k, k.zone(st.args.nid, ZONE_NORMAL), st.args.start, st.args.nr_pages);
  zone_intersects(k, k.zone(st.args.nid, ZONE_MOVABLE), st.args.start, st.args.nr_pages);
  return true;
}

// test_pages_in_a_zone() from valid_zones_show(), without the
// mem_hotplug_lock offline_pages() holds around it: per present section,
// page_zone() of one page per MAX_ORDER_NR_PAGES block (one per pageblock
// here, the model's geometries having no MAX_ORDER); v5.0 on
// (24feb47c5fa5) also zone_spans_pfn() of the zone found so far. False:
// no single zone ("none").
template <bool SpansCheck>
bool test_pages_in_a_zone_walk(Kernel& k, OpState& st) {
  const Pfn end = st.args.start + st.args.nr_pages;
  Zone* zone = nullptr;
  for (Pfn pfn = st.args.start; pfn < end; pfn += k.geo.pages_per_subsection) {
    if (!present_section_nr(k, k.geo.section_of(pfn))) {
      pfn = Pfn(k.geo.section_of(pfn) + 1) * k.geo.pages_per_section() - k.geo.pages_per_subsection;
      continue;
    }
    if (SpansCheck && zone && !zone_spans_pfn(k, *zone, pfn)) return false;
    Zone* z = linked_zone(k, k.read_page(pfn, PageField::Flags));
    if (!z || (zone && z != zone)) return false;
    zone = z;
  }
  return zone != nullptr;
}

// has_unmovable_pages() (mm/page_alloc.c) over the pageblock at pfn: per
// page PageReserved() (page->flags; unmovable), then PageHuge() (the
// compound head) and page_count() -- from the 4.20.0 tree on only for a zone
// other than ZONE_MOVABLE. The model has no LRU or movable-mapping bits: an in-use
// page counts as PageLRU(), so the walk reads the whole pageblock.
template <bool MovableSkip>
bool has_unmovable_pages(Kernel& k, int zone_idx, Pfn pfn) {
  bool unmovable = false;
  k.for_chunks(pfn, pfn + k.geo.pages_per_subsection, [&](Pfn p, Pfn) {
    if (unmovable) return;
    if (k.read_page(p, PageField::Flags) & PG_reserved) {
      unmovable = true;
      return;
    }
    if (MovableSkip && zone_idx == ZONE_MOVABLE) return;
    k.read_page(p, PageField::CompoundHead);  // PageHuge()
    k.read_page(p, PageField::Refcount);      // page_ref_count()
  });
  return unmovable;
}

// is_pageblock_removable_nolock(): page_to_nid() and page_zone() (one load
// of page->flags), zone_spans_pfn(), has_unmovable_pages().
template <bool MovableSkip>
bool is_pageblock_removable_nolock(Kernel& k, Pfn pfn) {
  const std::int64_t f = k.read_page(pfn, PageField::Flags);
  Zone* z = linked_zone(k, f);
  if (!z) return false;
  if (!zone_spans_pfn(k, *z, pfn)) return false;
  return !has_unmovable_pages<MovableSkip>(k, flags_zone(f), pfn);
}

// is_mem_section_removable() for section st.cur, no lock ("be careful. we
// don't have locks"): each pageblock's is_pageblock_removable_nolock(), then
// next_active_pageblock() (PageBuddy() of its first page; the model has no
// buddy order, so the walk moves one pageblock on). v4.19, v4.20: the whole
// section; v5.0 (efad4e475c31): the walk ends at zone_end_pfn() of the
// first page's zone.
template <bool ZoneEnd, bool MovableSkip>
bool is_mem_section_removable(Kernel& k, OpState& st) {
  const Pfn start = Pfn(st.cur) * k.geo.pages_per_section();
  Pfn end = start + k.geo.pages_per_section();
  if (ZoneEnd) {
    Zone* z = linked_zone(k, k.read_page(start, PageField::Flags));
    if (!z) return false;
    const Pfn zs = Pfn(k.read(z->zone_start_pfn));
    end = std::min(end, zs + Pfn(k.read(z->spanned_pages)));
  }
  for (Pfn pfn = start; pfn < end; pfn += k.geo.pages_per_subsection) {
    if (!is_pageblock_removable_nolock<MovableSkip>(k, pfn)) return false;
    k.read_page(pfn, PageField::Flags);  // next_active_pageblock(): PageBuddy()
  }
  return true;
}

}  // namespace

void add_memory_hotplug_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"register_memory_resource", register_memory_resource,
           "mm/memory_hotplug.c register_memory_resource() -> request_resource_conflict()"},
          {"release_mem_region_adjustable", release_mem_region_adjustable,
           "kernel/resource.c release_mem_region_adjustable()"},
          {"init_currently_empty_zone", init_currently_empty_zone,
           "mm/memory_hotplug.c move_pfn_range_to_zone() -> init_currently_empty_zone()"},
          {"init_currently_empty_zone_v4_19", init_currently_empty_zone_v4_19,
           "mm/page_alloc.c init_currently_empty_zone() (v4.19): pgdat->nr_zones = zone_idx + 1, unconditionally"},
          {"resize_zone_range", resize_zone_range, "mm/memory_hotplug.c resize_zone_range()"},
          {"resize_pgdat_range", resize_pgdat_range, "mm/memory_hotplug.c resize_pgdat_range()"},
          {"clear_zone_contiguous", clear_zone_contiguous, "mm/memory_hotplug.c clear_zone_contiguous()"},
          {"online_pages_range", online_pages_range,
           "mm/memory_hotplug.c online_pages_range() -> generic_online_page()"},
          {"online_pages_range_reserved", online_pages_range_reserved,
           "mm/memory_hotplug.c online_pages_range() (v4.19..v5.3): only if the first page is PG_reserved"},
          {"present_pages_add", present_pages_add, "mm/memory_hotplug.c adjust_present_page_count(+n)"},
          {"present_pages_sub", present_pages_sub, "mm/memory_hotplug.c adjust_present_page_count(-n)"},
          {"zone_present_pages_add", zone_present_pages_add,
           "mm/memory_hotplug.c online_pages() (v4.19..v5.13): zone->present_pages += n"},
          {"zone_present_pages_sub", zone_present_pages_sub,
           "mm/memory_hotplug.c __offline_pages() (v4.19..v5.13): zone->present_pages -= n"},
          {"node_present_pages_add", node_present_pages_add,
           "mm/memory_hotplug.c online_pages() (v4.19..v5.13): pgdat->node_present_pages += n under pgdat_resize_lock"},
          {"node_present_pages_sub", node_present_pages_sub,
           "mm/memory_hotplug.c __offline_pages() (v4.19..v5.13): pgdat->node_present_pages -= n under "
           "pgdat_resize_lock"},
          {"node_states_set_node", node_states_set_node, "mm/memory_hotplug.c node_states_set_node()"},
          {"node_states_clear_node", node_states_clear_node, "mm/memory_hotplug.c node_states_clear_node()"},
          {"test_pages_in_a_zone", test_pages_in_a_zone,
           "mm/memory_hotplug.c test_pages_in_a_zone(): page_zone() of first and last page"},
          {"start_isolate_page_range", start_isolate_page_range, "mm/page_isolation.c start_isolate_page_range()"},
          {"undo_isolate_page_range", undo_isolate_page_range, "mm/page_isolation.c undo_isolate_page_range()"},
          {"do_migrate_range", do_migrate_range,
           "mm/memory_hotplug.c scan_movable_pages() + do_migrate_range(), retried"},
          {"test_pages_isolated", test_pages_isolated, "mm/page_isolation.c test_pages_isolated()"},
          {"__offline_isolated_pages", offline_isolated_pages, "mm/page_alloc.c __offline_isolated_pages()"},
          {"offline_isolated_pages_reserved", offline_isolated_pages_reserved,
           "mm/page_alloc.c __offline_isolated_pages() (v4.19..v5.4): SetPageReserved()"},
          {"page_init_poison", page_init_poison,
           "mm/memory_hotplug.c remove_pfn_range_from_zone() (5.10.89+, not 5.4.286): page_init_poison() of the "
           "range's memmap"},
          {"shrink_zone_span", shrink_zone_span<pfn_to_online_page_b>,
           "mm/memory_hotplug.c shrink_zone_span() (v5.12+: pfn_to_online_page() with the ZONE_DEVICE slow path)"},
          {"shrink_zone_span_v5_4", shrink_zone_span_v5_4,
           "mm/memory_hotplug.c shrink_zone_span() (5.4.286): the v4.19 form over pfn_to_online_page()"},
          {"shrink_zone_span_v5_10", shrink_zone_span<pfn_to_online_page_b0>,
           "mm/memory_hotplug.c shrink_zone_span() (5.10.89..v5.11: pfn_to_online_page() tests the ONLINE bit)"},
          {"remove_pfn_range_from_zone", remove_pfn_range_from_zone,
           "mm/memory_hotplug.c remove_pfn_range_from_zone(): poison, shrink_zone_span(), update_pgdat_span()"},
          {"page_zone_of_start", page_zone_of_start,
           "arch/x86/mm/init_64.c arch_remove_memory() (v4.19..v5.3): page_zone(pfn_to_page(start))"},
          {"shrink_zone_span_v4_19", shrink_zone_span_v4_19<false>,
           "mm/memory_hotplug.c shrink_zone_span() (v4.19..v5.0): find_smallest/biggest_section_pfn(), valid_section() "
           "per section"},
          {"shrink_zone_span_v5_3", shrink_zone_span_v4_19<true>,
           "mm/memory_hotplug.c shrink_zone_span() (v5.3): find_smallest/biggest_section_pfn(), pfn_valid() per "
           "subsection"},
          {"__try_online_node_v4_19", try_online_node<false>,
           "mm/memory_hotplug.c __try_online_node() -> hotadd_new_pgdat() (v4.19..v5.4): node_start_pfn = start"},
          {"__try_online_node", try_online_node<true>,
           "mm/memory_hotplug.c __try_online_node() -> hotadd_new_pgdat()/hotadd_init_pgdat() (v5.10+): node_start_pfn "
           "= 0"},
          {"node_set_online", node_set_online,
           "mm/memory_hotplug.c add_memory_resource(): node_set_online() of a new node"},
          {"try_offline_node_v4_19", try_offline_node_v4_19,
           "mm/memory_hotplug.c try_offline_node() (v4.19..v5.3): present sections of the node span, pfn_to_nid()"},
          {"try_offline_node", try_offline_node,
           "mm/memory_hotplug.c try_offline_node() (2c91f8fc6c99, v5.4.y/v5.5+): node_spanned_pages, mem->nid of every "
           "block"},
          {"update_pgdat_span", update_pgdat_span_step, "mm/memory_hotplug.c update_pgdat_span()"},
          {"shrink_pgdat_span", shrink_pgdat_span<false>,
           "mm/memory_hotplug.c shrink_pgdat_span() (v4.19..v5.0): section walk, pfn_to_nid()"},
          {"shrink_pgdat_span_v5_3", shrink_pgdat_span<true>,
           "mm/memory_hotplug.c shrink_pgdat_span() (v5.3): subsection walk with pfn_valid(), pfn_to_nid()"},
          // the memory block sysfs readers' lookups
          {"default_kernel_zone_for_pfn_v4_19", default_kernel_zone_for_pfn_v4_19,
           "mm/memory_hotplug.c default_kernel_zone_for_pfn() (v4.19..v5.17): zone_intersects() up to ZONE_NORMAL"},
          {"default_kernel_zone_for_pfn", default_kernel_zone_for_pfn,
           "mm/memory_hotplug.c default_kernel_zone_for_pfn() (d6aad2016a3f, v5.18): zones below ZONE_NORMAL only"},
          {"default_zone_for_pfn_v4_19", default_zone_for_pfn<default_kernel_zone_for_pfn_v4_19>,
           "mm/memory_hotplug.c default_zone_for_pfn() (v4.19..v5.17): zone_intersects() of the kernel zone and "
           "ZONE_MOVABLE"},
          {"default_zone_for_pfn", default_zone_for_pfn<default_kernel_zone_for_pfn>,
           "mm/memory_hotplug.c default_zone_for_pfn() (v5.18+): zone_intersects() of the kernel zone and "
           "ZONE_MOVABLE"},
          {"test_pages_in_a_zone_v4_19", test_pages_in_a_zone_walk<false>,
           "mm/memory_hotplug.c test_pages_in_a_zone() (v4.19, v4.20): present sections, page_zone() per block"},
          {"test_pages_in_a_zone_v5_0", test_pages_in_a_zone_walk<true>,
           "mm/memory_hotplug.c test_pages_in_a_zone() (24feb47c5fa5, v5.0..v5.17): also zone_spans_pfn()"},
          {"is_mem_section_removable_v4_19", is_mem_section_removable<false, false>,
           "mm/memory_hotplug.c is_mem_section_removable() (4.19.1): every pageblock of the section, no lock"},
          {"is_mem_section_removable_v4_20", is_mem_section_removable<false, true>,
           "mm/memory_hotplug.c is_mem_section_removable() (4.20.0): as 4.19, has_unmovable_pages() skips ZONE_MOVABLE "
           "pages after PageReserved()"},
          {"is_mem_section_removable_v5_0", is_mem_section_removable<true, true>,
           "mm/memory_hotplug.c is_mem_section_removable() (efad4e475c31, v5.0..v5.6): pageblocks up to "
           "zone_end_pfn(), no lock"},
      });
  // clang-format on
}

}  // namespace mhp
