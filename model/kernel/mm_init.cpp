#include "model/kernel/mm_init.hpp"

#include "model/kernel/primitives.hpp"
#include "model/kernel/sparse.hpp"

namespace mhp {

void init_single_page(Kernel& k, Pfn lo, Pfn hi, int zone, int nid, std::int64_t flags, std::int64_t refcount) {
  FnId id = k.ex.stacks().fn("__init_single_page");
  Frame f(k.ex, id);
  k.init_pages(lo, hi, PageField::Flags, page_links(zone, nid) | flags);  // set_page_links()
  k.init_pages(lo, hi, PageField::Refcount, refcount);                    // init_page_count()
  k.init_pages(lo, hi, PageField::CompoundHead, 0);
  k.charge(id, hi - lo);  // timing runs: the stores above took this long
}

namespace {

// memmap_init_range(MEMINIT_HOTPLUG) for ZONE_DEVICE: only the altmap pfns
// that host the memmap itself are initialised under the hotplug lock.
void init_hostmap(Kernel& k, const DevPagemap& p) {
  if (!p.desc.altmap) return;
  k.for_chunks(p.desc.start + p.desc.altmap_reserve, p.pfn_first(), [&](Pfn lo, Pfn hi) {
    init_single_page(k, lo, hi, ZONE_DEVICE, p.desc.nid, PG_reserved, 1);
    k.set_pages_state(lo, hi, PageState::DevHostmap);
  });
}

// memmap_init_range(..., MEMINIT_HOTPLUG) of a RAM range: every page
// initialised and marked offline: PageOffline (v6.11+) or PG_reserved.
bool init_ram(Kernel& k, OpState& st, std::int64_t flag) {
  if (st.args.pgmap >= 0) {
    init_hostmap(k, *k.pgmaps[st.args.pgmap]);
    return true;
  }
  k.for_chunks(st.args.start, st.args.start + st.args.nr_pages, [&](Pfn lo, Pfn hi) {
    init_single_page(k, lo, hi, st.args.zone, st.args.nid, flag, 1);
    k.set_pages_state(lo, hi, PageState::InitOffline);
  });
  return true;
}
bool memmap_init_range_offline(Kernel& k, OpState& st) { return init_ram(k, st, PG_offline); }

// memmap_init_zone(MEMMAP_HOTPLUG) for ZONE_DEVICE in v4.20..v5.2: called on
// the section-aligned span. Nothing without an altmap; with one, the range
// ends at base_pfn + vmem_altmap_offset() and skips the reserve only if the
// span starts at altmap->base_pfn. A device that does not start a section
// gets [section start, pfn_first()) initialised under mem_hotplug_lock: the
// pfns before the device and its altmap reserve too.
bool memmap_init_zone_v4_20(Kernel& k, OpState& st) {
  if (st.args.pgmap < 0) return init_ram(k, st, PG_reserved);
  const DevPagemap& p = *k.pgmaps[st.args.pgmap];
  if (!p.desc.altmap) return true;
  Pfn sec = k.geo.section_start(k.geo.section_of(p.desc.start));
  if (sec == p.desc.start) {
    init_hostmap(k, p);
    return true;
  }
  k.for_device_pieces(sec, p.pfn_first(), [&](Pfn lo, Pfn hi) {
    init_single_page(k, lo, hi, ZONE_DEVICE, p.desc.nid, PG_reserved, 1);
    k.set_pages_state(lo, hi, lo < p.desc.start ? PageState::DevPartial : PageState::DevHostmap);
  });
  return true;
}
bool memmap_init_range_reserved(Kernel& k, OpState& st) { return init_ram(k, st, PG_reserved); }

// __init_zone_device_page(): zone links, PG_reserved, pgmap, refcount (0 for
// PRIVATE/COHERENT since C14); compound pages get a head and tails (C13).
// [lo, hi) are all heads (or plain pages) or all tails of compound page `head`.
// `idle`: the page types whose free pages sit at refcount 0 (see the callers).
enum class IdleAtZero { None, Private, AllButGeneric };

void init_zone_device_page(Kernel& k, const DevPagemap& p, int idx, Pfn lo, Pfn hi, Pfn head, PageState state,
                           IdleAtZero idle = IdleAtZero::Private) {
  FnId id = k.ex.stacks().fn("__init_zone_device_page");
  Frame f(k.ex, id);
  bool is_head = p.desc.vmemmap_shift && lo == head;
  bool tail = p.desc.vmemmap_shift && lo != head;
  bool zero = idle == IdleAtZero::Private         ? p.is_private_or_coherent()
              : idle == IdleAtZero::AllButGeneric ? p.desc.type != PgmapType::Generic
                                                  : false;
  k.init_pages(lo, hi, PageField::Flags, page_links(ZONE_DEVICE, p.desc.nid) | PG_reserved | (is_head ? PG_head : 0));
  k.init_pages(lo, hi, PageField::Refcount, zero || tail ? 0 : 1);
  k.init_pages(lo, hi, PageField::Pgmap, idx + 1);                                   // page->pgmap = pgmap
  k.init_pages_folded(lo, hi, PageField::ZoneDeviceData, 0);                         // page->zone_device_data = NULL
  k.init_pages(lo, hi, PageField::CompoundHead, tail ? std::int64_t(head) + 1 : 0);  // prep_compound_tail()
  k.set_pages_state(lo, hi, state);
  k.charge(id, hi - lo);  // timing runs: the stores above took this long
}

// memmap_init_zone_device() (v5.3+): from pfn_first() to the end of the
// range, in ascending order, compound-aware (pagemap_range(), after
// mem_hotplug_done()).
bool init_zone_device_range(Kernel& k, OpState& st, IdleAtZero idle) {
  DevPagemap& p = *k.pgmaps[st.args.pgmap];
  p.idle_at_zero = idle != IdleAtZero::None;  // only consulted for private and coherent pgmaps
  Pfn size = Pfn(1) << p.desc.vmemmap_shift;
  if (size == 1) {
    k.for_chunks(p.pfn_first(), p.pfn_end(), [&](Pfn lo, Pfn hi) {
      init_zone_device_page(k, p, st.args.pgmap, lo, hi, lo, PageState::DevReady, idle);
    });
    return true;
  }
  for (Pfn head = p.pfn_first(); head < p.pfn_end(); head += size) {  // memmap_init_compound()
    init_zone_device_page(k, p, st.args.pgmap, head, head + 1, head, PageState::DevReady, idle);
    k.for_chunks(head + 1, std::min(head + size, p.pfn_end()), [&](Pfn lo, Pfn hi) {
      init_zone_device_page(k, p, st.args.pgmap, lo, hi, head, PageState::DevReady, idle);
    });
  }
  return true;
}
bool memmap_init_zone_device(Kernel& k, OpState& st) { return init_zone_device_range(k, st, IdleAtZero::Private); }

// memmap_init_zone_device() (v5.3..v5.15): every page through
// __init_single_page() at refcount 1, device-private ones included (free
// private pages sat at 1 until ef233450898f, v6.1), and no compound pages
// (vmemmap_shift came with c4386bd8ee3a, v5.17): a pgmap's vmemmap_shift is
// ignored.
template <bool kZoneDeviceData>
bool memmap_init_zone_device_v5(Kernel& k, OpState& st) {
  const DevPagemap& p = *k.pgmaps[st.args.pgmap];
  k.for_chunks(p.pfn_first(), p.pfn_end(), [&](Pfn lo, Pfn hi) {
    FnId id = k.ex.stacks().fn("memmap_init_zone_device");
    Frame f(k.ex, id);
    k.init_pages(lo, hi, PageField::Flags, page_links(ZONE_DEVICE, p.desc.nid) | PG_reserved);
    k.init_pages(lo, hi, PageField::Refcount, 1);
    k.init_pages(lo, hi, PageField::Pgmap, st.args.pgmap + 1);
    if (kZoneDeviceData) k.init_pages_folded(lo, hi, PageField::ZoneDeviceData, 0);  // page->zone_device_data = NULL
    k.init_pages(lo, hi, PageField::CompoundHead, 0);
    k.set_pages_state(lo, hi, PageState::DevReady);
    k.charge(id, hi - lo);
  });
  return true;
}

// memmap_init_zone_device() as of v7.1.5: __init_zone_device_page() leaves
// fsdax (and PCI P2PDMA) pages at refcount 0 as well as private/coherent
// ones; only device-dax (GENERIC) pages start at 1 (the fsdax refcount rework
// by Alistair Popple, "fs/dax: properly refcount fs dax pages", after v6.13).
bool memmap_init_zone_device_v7_1(Kernel& k, OpState& st) {
  return init_zone_device_range(k, st, IdleAtZero::AllButGeneric);
}

// The fix the RFC of [fukasawa-reserved-2019] proposes ("mm: initialize struct
// pages reserved by ZONE_DEVICE driver", Sep 2019) and David Hildenbrand asks
// for in [williams-pfn-online-2021] ("What speaks against just initializing that
// part in e.g., 2.?"):
// memmap_init_zone_device() also initialises the altmap reserve, first, as
// ZONE_DEVICE pages of the pgmap, so a pfn walker that reaches one reads a
// valid memmap (case 5 gone; cases 3 and 4 stay, as Dan notes).
bool memmap_init_zone_device_with_reserve(Kernel& k, OpState& st) {
  const DevPagemap& p = *k.pgmaps[st.args.pgmap];
  if (p.desc.altmap)
    k.for_chunks(p.desc.start, p.desc.start + p.desc.altmap_reserve,
                 [&](Pfn lo, Pfn hi) { init_zone_device_page(k, p, st.args.pgmap, lo, hi, lo, PageState::DevReady); });
  return memmap_init_zone_device(k, st);
}

// memmap_init_zone_device() (v4.20..v5.2): called on the section-aligned
// span, so pfns of the device's sections outside the resource get the pgmap
// too (DEV_PARTIAL); with an altmap it starts at pfn_first(). Every page,
// device-private ones included, through __init_single_page() at refcount 1.
bool memmap_init_zone_device_aligned(Kernel& k, OpState& st) {
  const DevPagemap& p = *k.pgmaps[st.args.pgmap];
  Pfn lo = p.desc.altmap ? p.pfn_first() : k.geo.section_start(k.geo.section_of(p.desc.start));
  Pfn hi = k.geo.section_start(k.geo.section_of(p.pfn_end() - 1) + 1);
  k.for_device_pieces(lo, hi, [&](Pfn a, Pfn b) {
    init_zone_device_page(k, p, st.args.pgmap, a, b, a,
                          a >= p.desc.start && a < p.pfn_end() ? PageState::DevReady : PageState::DevPartial,
                          IdleAtZero::None);  // refcount 1 for every type before v6.1
  });
  return true;
}

// memmap_init_zone(MEMMAP_HOTPLUG) for ZONE_DEVICE in v4.19: the whole aligned
// span except the altmap reserve (skipped only when the span starts at
// altmap->base_pfn, i.e. the device starts a section) is initialised under mem_hotplug_lock,
// ZONE_DEVICE and PG_reserved; INIT_LIST_HEAD(&page->lru) leaves a list
// pointer in the words page->pgmap aliases. The pgmap is set later, outside
// the lock, by devm_memremap_pages().
bool memmap_init_zone_device_v4_19(Kernel& k, OpState& st) {
  const DevPagemap& p = *k.pgmaps[st.args.pgmap];
  Pfn lo = k.geo.section_start(k.geo.section_of(p.desc.start));
  Pfn hi = k.geo.section_start(k.geo.section_of(p.pfn_end() - 1) + 1);
  k.for_device_pieces(lo, hi, [&](Pfn a, Pfn b) {
    if (p.desc.altmap && lo == p.desc.start && a >= p.desc.start && a < p.desc.start + p.desc.altmap_reserve) return;
    init_single_page(k, a, b, ZONE_DEVICE, p.desc.nid, PG_reserved, 1);
    k.write_pages(a, b, PageField::Pgmap, kLruSelf);
    bool dev = a >= p.desc.start && a < p.pfn_end();
    k.set_pages_state(a, b,
                      !dev                ? PageState::DevPartial
                      : a < p.pfn_first() ? PageState::DevHostmap
                                          : PageState::DevReady);
  });
  return true;
}

// set_zone_contiguous(): walks the zone span pageblock by pageblock with
// __pageblock_pfn_to_page(); the zone is contiguous if every block is in it.
bool set_zone_contiguous(Kernel& k, OpState& st) {
  Zone& z = k.zone(st.args.nid, st.args.zone);
  Pfn start = Pfn(k.read(z.zone_start_pfn)), end = start + Pfn(k.read(z.spanned_pages));
  bool contiguous = true;
  // pageblock_nr_pages (a subsection in both geometries); with a coarser
  // chunk_pages the walk checks one pageblock per chunk, as memmap loops do.
  Pfn block = std::max<Pfn>(k.geo.pages_per_subsection, k.geo.chunk_pages);
  for (Pfn pfn = start; pfn < end && contiguous; pfn += block) {
    Frame f(k.ex, k.ex.stacks().fn("__pageblock_pfn_to_page"));
    Pfn last = std::min(pfn + block, end) - 1;
    if (!pfn_valid_b(k, last) || !pfn_to_online_page_b(k, pfn)) {
      contiguous = false;
      break;
    }
    std::int64_t a = k.read_page(pfn, PageField::Flags);   // page_zone(start_page)
    std::int64_t b = k.read_page(last, PageField::Flags);  // page_zone_id(end_page)
    contiguous = flags_zone(a) == st.args.zone && flags_zone(b) == flags_zone(a);
  }
  k.write(z.contiguous, contiguous);
  return true;
}

}  // namespace

void add_mm_init_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(t.end(),
           {
               {"memmap_init_range", memmap_init_range_offline,
                "mm/mm_init.c memmap_init_range(MEMINIT_HOTPLUG): __init_single_page() + __SetPageOffline() (v6.11+)"},
               {"memmap_init_zone_v4_20", memmap_init_zone_v4_20,
                "mm/page_alloc.c memmap_init_zone(MEMMAP_HOTPLUG) for ZONE_DEVICE (v4.20..v5.2): altmap pfns from the "
                "aligned span start"},
               {"memmap_init_range_reserved", memmap_init_range_reserved,
                "mm/page_alloc.c memmap_init_zone(MEMMAP_HOTPLUG): __init_single_page() + SetPageReserved()"},
               {"memmap_init_zone_device", memmap_init_zone_device,
                "mm/mm_init.c memmap_init_zone_device() -> __init_zone_device_page()"},
               {"memmap_init_zone_device_v5_3", memmap_init_zone_device_v5<false>,
                "mm/page_alloc.c memmap_init_zone_device() (v5.3; v5.4 also stores page->zone_device_data = NULL, "
                "which no v5.4 op reads): refcount 1 for every type, no compound pages"},
               {"memmap_init_zone_device_v5_10", memmap_init_zone_device_v5<true>,
                "mm/page_alloc.c memmap_init_zone_device() (v5.10..v5.15): as v5.3, and page->zone_device_data = NULL "
                "(first in the 5.4 tree)"},
               {"memmap_init_zone_device_v7_1", memmap_init_zone_device_v7_1,
                "mm/mm_init.c memmap_init_zone_device() (v7.1): fsdax pages start at refcount 0 too"},
               {"memmap_init_zone_device_with_reserve", memmap_init_zone_device_with_reserve,
                "[fukasawa-reserved-2019] RFC: memmap_init_zone_device() initialising the altmap reserve too"},
               {"memmap_init_zone_device_aligned", memmap_init_zone_device_aligned,
                "mm/page_alloc.c memmap_init_zone_device() on the aligned span (v4.20..v5.2)"},
               {"memmap_init_zone_device_v4_19", memmap_init_zone_device_v4_19,
                "mm/page_alloc.c memmap_init_zone() for ZONE_DEVICE under mem_hotplug_lock (v4.19)"},
               {"set_zone_contiguous", set_zone_contiguous,
                "mm/mm_init.c set_zone_contiguous() -> __pageblock_pfn_to_page()"},
           });
  // clang-format on
}

}  // namespace mhp
