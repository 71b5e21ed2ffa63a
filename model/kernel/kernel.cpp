#include "model/kernel/kernel.hpp"

#include "model/engine/vtime.hpp"
#include "model/kernel/memremap.hpp"
#include "model/support/hex.hpp"

#include <cstdio>
#include <stdexcept>

namespace mhp {

const char* zone_name(int idx) {
  switch (idx) {
    case ZONE_NORMAL: return "Normal";
    case ZONE_MOVABLE: return "Movable";
    case ZONE_DEVICE: return "Device";
  }
  return "?";
}

namespace {
// The PageStore's chunk: a subsection, or one pfn for a memmap of up to
// kFlatPfns pfns. A one-pfn chunk is always uniform, so the small
// geometries' per-page stores update one record id in a flat array instead
// of splitting and merging run lists (docs/PERFORMANCE.md, third pass). A
// per-pfn loop (page_init_poison(), each pfn its own event) leaves a
// subsection chunk with one run per pfn, and every later store walks the
// list: up to 64Ki pfns (1 MiB of chunks to reset per execution) the flat
// array is the cheaper of the two.
constexpr Pfn kFlatPfns = Pfn(1) << 16;
std::uint32_t store_chunk(const Geometry& g) { return g.nr_pfns() <= kFlatPfns ? 1 : g.pages_per_subsection; }
}  // namespace

Zone::Zone(Execution& ex, const std::string& p)
    : zone_start_pfn(named(ex, p + "->zone_start_pfn", "zone->zone_start_pfn")),
      spanned_pages(named(ex, p + "->spanned_pages", "zone->spanned_pages")),
      present_pages(named(ex, p + "->present_pages", "zone->present_pages")),
      initialized(named(ex, p + "->initialized", "zone->initialized")),
      contiguous(named(ex, p + "->contiguous", "zone->contiguous")),
      nr_isolate_pageblock(named(ex, p + "->nr_isolate_pageblock", "zone->nr_isolate_pageblock")),
      span_seqlock(ex, p + "->span_seqlock", "zone->span_seqlock"),
      lock(ex, p + "->lock", "zone->lock") {}

Pgdat::Pgdat(Execution& ex, int n)
    : nid(n),
      node_start_pfn(named(ex, "NODE_DATA(" + std::to_string(n) + ")->node_start_pfn", "pgdat->node_start_pfn")),
      node_spanned_pages(
          named(ex, "NODE_DATA(" + std::to_string(n) + ")->node_spanned_pages", "pgdat->node_spanned_pages")),
      node_present_pages(
          named(ex, "NODE_DATA(" + std::to_string(n) + ")->node_present_pages", "pgdat->node_present_pages")),
      nr_zones(named(ex, "NODE_DATA(" + std::to_string(n) + ")->nr_zones", "pgdat->nr_zones")),
      node_state_memory(named(ex, "node_states[N_MEMORY] bit of node " + std::to_string(n), "node_states[N_MEMORY]")),
      node_size_lock(ex, "NODE_DATA(" + std::to_string(n) + ")->node_size_lock", "pgdat->node_size_lock") {
  for (int z = 0; z < MAX_NR_ZONES; ++z)
    zones[z] = std::make_unique<Zone>(ex, "zone[" + std::to_string(n) + "," + zone_name(z) + "]");
}

MemoryBlock::MemoryBlock(Execution& ex, std::uint32_t nr)
    : registered(named(ex, "memory" + std::to_string(nr) + " (registered)", "memory_block (registered)")),
      state(named(ex, "memory" + std::to_string(nr) + "->state", "memory_block->state")),
      online_type(named(ex, "memory" + std::to_string(nr) + "->online_type", "memory_block->online_type")),
      dev_lock(ex, "device_lock(memory" + std::to_string(nr) + ")", "device_lock(memory_block)"),
      range_lock(ex, "mem_hotplug_range_lock(memory" + std::to_string(nr) + ")", "mem_hotplug_range_lock") {}

DevPagemap::DevPagemap(Execution& ex, const PgmapDesc& d)
    : desc(d),
      ref(ex, d.name + "->ref", "pgmap->ref"),
      done(ex, d.name + "->done"),
      altmap_alloc(named(ex, d.name + "->altmap.alloc", "vmem_altmap->alloc")),
      dev_lock(ex, "device_lock(" + d.name + ")", "device_lock(pgmap owner)") {}

Kernel::Kernel(Execution& e, const MachineSpec& s)
    : ex(e),
      geo(s.geo),
      spec(s),
      cpu_hotplug_lock(e, "cpu_hotplug_lock"),
      mem_hotplug_lock(e, "mem_hotplug_lock"),
      device_hotplug_lock(e, "device_hotplug_lock"),
      resource_lock(e, "resource_lock"),
      pgmap_lock(e, "pgmap_lock"),
      pgmap_xa_lock(e, "pgmap_array.xa_lock"),
      rcu(e, "rcu"),
      pages_(s.geo.nr_pfns(), store_chunk(s.geo)) {
  ObjId sec = ex.objects().add_range(
      geo.sections * 2,
      [](std::uint64_t off) {
        return "mem_section[" + std::to_string(off / 2) + "]" +
               (off % 2 ? ".usage->subsection_map" : ".section_mem_map");
      },
      [](std::uint64_t off) {
        return std::string(off % 2 ? "mem_section->usage->subsection_map" : "mem_section->section_mem_map");
      });
  for (std::uint32_t i = 0; i < geo.sections; ++i) {
    MemSection ms;
    ms.mem_map = Cell{sec + 2 * i, 0, 0};
    ms.subsection_map = Cell{sec + 2 * i + 1, 0, 0};
    sections.push_back(ms);
  }
  for (std::uint32_t n = 0; n < s.nodes; ++n) nodes.push_back(std::make_unique<Pgdat>(ex, int(n)));
  for (std::uint32_t b = 0; b < geo.nr_blocks(); ++b) blocks.push_back(std::make_unique<MemoryBlock>(ex, b));
  Pfn n = geo.nr_pfns();
  std::uint64_t nsub = geo.nr_subsections();
  ObjId io = ex.objects().add_range(
      nsub,
      [this](std::uint64_t off) { return "iomem_resource [pfn " + hex(Pfn(off) * geo.pages_per_subsection) + "]"; },
      [](std::uint64_t) { return std::string("iomem_resource"); });
  iomem.init(io, nsub);
  page_base_ = ex.objects().add_range(
      n * kPageFields,
      [](std::uint64_t off) {
        return std::string(page_field_name(PageField(off % kPageFields))) + " of pfn " + hex(off / kPageFields);
      },
      [](std::uint64_t off) { return std::string(page_field_name(PageField(off % kPageFields))); }, kPageFields);
  std::uint32_t pps = geo.pages_per_subsection;
  ObjId xa = ex.objects().add_range(
      nsub, [pps](std::uint64_t off) { return "pgmap_array[pfn " + hex(off * pps) + "]"; },
      [](std::uint64_t) { return std::string("pgmap_array entry"); });
  pgmap_array.init(xa, nsub);
  for (auto& d : s.devices) {
    pgmaps.push_back(std::make_unique<DevPagemap>(ex, d));
    pgmap_ref_setup(*this, *pgmaps.back());
  }
  // (registered last: the object numbers of the real kernel's state stay as they were)
  ObjId dev = ex.objects().add_range(
      geo.sections * 2,
      [](std::uint64_t off) {
        return "mem_section[" + std::to_string(off / 2) + "].usage->" +
               (off % 2 ? "subsection_dev_init_map" : "subsection_dev_map");
      },
      [](std::uint64_t off) {
        return std::string(off % 2 ? "mem_section->usage->subsection_dev_init_map"
                                   : "mem_section->usage->subsection_dev_map");
      });
  for (std::uint32_t i = 0; i < geo.sections; ++i) {
    sections[i].subsection_dev_map = Cell{dev + 2 * i, 0, 0};
    sections[i].subsection_dev_init_map = Cell{dev + 2 * i + 1, 0, 0};
  }
  // lib/test_hmm.c's driver (a device-private or -coherent pgmap) and the
  // test process, registered after the rest for the same reason.
  for (std::size_t i = 0; i < pgmaps.size(); ++i)
    dmirrors.push_back(pgmaps[i]->is_private_or_coherent() ? std::make_unique<DmirrorDevice>(ex, int(i)) : nullptr);
  if (s.anon_pages) mm = std::make_unique<MmStruct>(ex, s.anon_pages);
  for (std::uint32_t b = 0; b < geo.nr_blocks(); ++b)
    blocks[b]->kn_active =
        std::make_unique<KernfsActive>(ex, "kn->active(memory" + std::to_string(b) + ")", "kn->active#memory_block");
  for (auto& nd : nodes) {
    nd->node_online =
        named(ex, "node_states[N_ONLINE] bit of node " + std::to_string(nd->nid), "node_states[N_ONLINE]");
    // a node with a CPU is online from boot; a CPU-less one only with boot memory
    nd->node_online.initial = s.node_has_cpu(nd->nid) || (nd->nid == 0 && s.boot_pfns() > 0);
  }
  // The memory notifier chain and its callbacks' locks, after the rest too.
  memory_chain = std::make_unique<MemoryChain>(ex);
  memory_chain->mask = s.memory_notifiers;
  // ms->usage as a pointer of its own, last of all (section_deactivate()'s
  // NULL store and pfn_section_valid()'s load became events of their own).
  ObjId usage = ex.objects().add_range(
      geo.sections, [](std::uint64_t off) { return "mem_section[" + std::to_string(off) + "].usage"; },
      [](std::uint64_t) { return std::string("mem_section->usage"); });
  for (std::uint32_t i = 0; i < geo.sections; ++i) sections[i].usage = Cell{usage + i, 0, 0};
  probe_kn_active = std::make_unique<KernfsActive>(ex, "kn->active(probe)", "kn->active#probe");

  // Boot memory: early sections of node 0, fully populated and online, in ZONE_NORMAL.
  Pfn boot_pfns = s.boot_pfns();
  for (std::uint32_t i = 0; boot_pfns && i <= geo.section_of(boot_pfns - 1); ++i) {
    sections[i].mem_map.initial = SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP | SECTION_IS_ONLINE | SECTION_IS_EARLY;
    Pfn end = std::min(boot_pfns, geo.section_start(i + 1));
    std::int64_t map = 0;  // subsection_map_init(): the subsections with RAM
    for (Pfn p = geo.section_start(i); p < end; p += geo.pages_per_subsection)
      map |= std::int64_t(1) << geo.subsection_of(p);
    sections[i].subsection_map.initial = map;
  }
  for (Pfn p = 0; p < boot_pfns; p += geo.pages_per_subsection)
    iomem.set_initial(geo.subsection_index(p), IORES_SYSTEM_RAM);
  for (std::uint32_t b = 0; b < geo.nr_blocks(); ++b) {
    bool boot = Pfn(b) * geo.pages_per_block() < boot_pfns;
    blocks[b]->registered.initial = boot;
    blocks[b]->state.initial = boot ? MEM_ONLINE : 0;
  }
  if (boot_pfns) {
    Pgdat& nd = *nodes[0];
    nd.node_spanned_pages.initial = static_cast<std::int64_t>(boot_pfns);
    nd.node_present_pages.initial = static_cast<std::int64_t>(boot_pfns);
    nd.nr_zones.initial = ZONE_NORMAL + 1;
    nd.node_state_memory.initial = 1;
    Zone& z = *nd.zones[ZONE_NORMAL];
    z.spanned_pages.initial = static_cast<std::int64_t>(boot_pfns);
    z.present_pages.initial = static_cast<std::int64_t>(boot_pfns);
    z.initialized.initial = 1;
    z.contiguous.initial = 1;
  }
  // Firmware holes: spanned but not present (calculate_node_totalpages()
  // counts absent pages), no subsection bit (subsection_map_init() runs per
  // memblock.memory range), no "System RAM" resource (e820 puts another type
  // there).
  for (const FirmwareHole& h : s.holes) {
    for (Pfn p = h.start; p < h.start + h.nr_pages; p += geo.pages_per_subsection) {
      sections[geo.section_of(p)].subsection_map.initial &= ~(std::int64_t(1) << geo.subsection_of(p));
      iomem.set_initial(geo.subsection_index(p), IORES_NONE);
    }
    Pgdat& nd = *nodes[0];
    nd.node_present_pages.initial -= static_cast<std::int64_t>(h.nr_pages);
    nd.zones[ZONE_NORMAL]->present_pages.initial -= static_cast<std::int64_t>(h.nr_pages);
    // v5.10's pfn_to_online_page() tests only the ONLINE bit and the hole's
    // links name the zone: every block passes. Zeroed or poisoned links name
    // another zone; from v5.12 the missing subsection bit fails the block.
    nd.zones[ZONE_NORMAL]->contiguous.initial = s.hole_memmap == HoleMemmap::ZoneLinks && !s.online_subsection_test;
  }
}

std::vector<Cell*> Kernel::all_cells() {
  std::vector<Cell*> out;
  for (auto& s : sections) {
    out.push_back(&s.mem_map);
    out.push_back(&s.subsection_map);
    out.push_back(&s.subsection_dev_map);
    out.push_back(&s.subsection_dev_init_map);
  }
  for (auto& nd : nodes) {
    for (Cell* c : {&nd->node_start_pfn, &nd->node_spanned_pages, &nd->node_present_pages, &nd->nr_zones,
                    &nd->node_state_memory, &nd->node_online})
      out.push_back(c);
    for (auto& z : nd->zones)
      for (Cell* c : {&z->zone_start_pfn, &z->spanned_pages, &z->present_pages, &z->initialized, &z->contiguous,
                      &z->nr_isolate_pageblock})
        out.push_back(c);
  }
  for (auto& b : blocks)
    for (Cell* c : {&b->registered, &b->state, &b->online_type}) out.push_back(c);
  for (auto& p : pgmaps) out.push_back(&p->altmap_alloc);
  for (auto& d : dmirrors)
    if (d) {
      out.push_back(&d->free_pages);
      out.push_back(&d->chunk_remove);
    }
  if (mm)
    for (auto& c : mm->pte) out.push_back(&c);
  return out;
}

void Kernel::reset() {
  warnings.clear();
  if (cells_.empty()) cells_ = all_cells();
  for (Cell* c : cells_) c->v = c->initial;
  iomem.reset();
  pgmap_array.reset();
  pages_.clear();
  if (!boot_rec_) {  // the boot records, interned at the first reset
    PageRecord boot;
    boot.v[unsigned(PageField::Flags)] = page_links(ZONE_NORMAL, 0);
    boot.v[unsigned(PageField::Refcount)] = 1;
    boot.init = kAllPageFields;
    boot.state = PageState::Online;
    PageRecord hole = boot;  // the hole at the end of the last early section
    hole.v[unsigned(PageField::Flags)] |= PG_reserved;
    hole.state = PageState::InitOffline;
    boot_rec_ = pages_.id_of(boot);
    hole_rec_ = pages_.id_of(hole);
  }
  Pfn boot_pfns = spec.boot_pfns();
  pages_.fill_id(0, boot_pfns, boot_rec_, -1);
  if (boot_pfns % geo.pages_per_section())
    pages_.fill_id(boot_pfns, geo.section_start(geo.section_of(boot_pfns - 1) + 1), hole_rec_, -1);
  if (!spec.holes.empty()) fill_firmware_holes();
  usages.clear();  // sparse_init(): every present early section has its usage
  for (std::uint32_t i = 0; i < geo.sections; ++i) {
    sections[i].usage.v = 0;
    if (spec.section_usage && (sections[i].mem_map.initial & SECTION_MARKED_PRESENT)) {
      usages.push_back({MemSectionUsage::State::Live, i});
      usages.back().boot = true;
      sections[i].usage.v = std::int64_t(usages.size());
    }
  }
  cpu_hotplug_lock.reset();
  mem_hotplug_lock.reset();
  device_hotplug_lock.reset();
  resource_lock.reset();
  pgmap_lock.reset();
  pgmap_xa_lock.reset();
  rcu.reset();  // callbacks still pending when the last execution ended
  devmap_managed_key.reset();
  for (auto& nd : nodes) {
    nd->node_size_lock.reset();
    for (auto& z : nd->zones) {
      z->span_seqlock.reset();
      z->lock.reset();
    }
  }
  for (auto& b : blocks) {
    b->dev_lock.reset();
    b->range_lock.reset();
    b->kn_active->reset();
    b->nr_vmemmap_pages = 0;
    b->nid = 0;
  }
  probe_kn_active->reset();
  for (auto& p : pgmaps) {
    p->ref.reset();
    p->done.reset();
    p->dev_lock.reset();
    p->release_registered = false;
    p->idle_at_zero = false;
    p->devmap_managed = 0;
    p->driver_ref = false;
  }
  for (auto& d : dmirrors)
    if (d) d->lock.reset();
  if (mm) {
    mm->mmap_lock.reset();
    mm->ptl.reset();
  }
  memory_chain->reset();
}

// What boot left in the memmap of each firmware hole, by release
// (MachineSpec::hole_memmap; docs/KERNEL_REFERENCE.md "Firmware holes").
void Kernel::fill_firmware_holes() {
  if (!hole_uninit_rec_) {
    PageRecord uninit;  // the memmap as allocated: poisoned (DEBUG_VM), never written
    uninit.v.fill(kPagePoison);
    uninit.state = PageState::Hole;
    PageRecord zeroed;  // mm_zero_struct_page(): every word 0
    zeroed.v[unsigned(PageField::Flags)] = page_links(kZoneIdxLowest, 0);
    zeroed.init = kAllPageFields;
    zeroed.state = PageState::Hole;
    PageRecord links;  // __init_single_page() + __SetPageReserved()
    links.v[unsigned(PageField::Flags)] = page_links(ZONE_NORMAL, 0) | PG_reserved;
    links.v[unsigned(PageField::Refcount)] = 1;
    links.init = kAllPageFields;
    links.state = PageState::Hole;
    hole_uninit_rec_ = pages_.id_of(uninit);
    hole_zeroed_rec_ = pages_.id_of(zeroed);
    hole_links_rec_ = pages_.id_of(links);
  }
  for (const FirmwareHole& h : spec.holes) {
    std::uint32_t rec = hole_links_rec_;
    if (spec.hole_memmap == HoleMemmap::Zeroed || (spec.hole_memmap == HoleMemmap::ReservedOnly && h.memblock_reserved))
      rec = hole_zeroed_rec_;
    else if (spec.hole_memmap == HoleMemmap::ReservedOnly)
      rec = hole_uninit_rec_;
    pages_.fill_id(h.start, h.start + h.nr_pages, rec, -1);
  }
}

void Kernel::set_page_footprint(const std::vector<PageFootprint::Reach>& threads, const std::vector<ThreadMask>& beside,
                                bool reduce, const std::vector<PageFootprint::Reach>* visible) {
  footprint_.build(threads, beside, reduce, visible);
}

void Kernel::page_outside(Pfn lo, Pfn hi, ObjId obj) const {
  const PageFootprint::Reach& r = footprint_.reach(ex.current());
  throw std::logic_error(ex.objects().describe(obj) + (hi - lo > 1 ? " (to pfn " + hex(hi - 1) + ")" : "") + " in " +
                         ex.stacks().top_name(ex.self().stack) +
                         " is outside the pages its op file declares (`pages:`), pfns " + hex(r.lo) + ".." +
                         hex(r.hi - 1));
}

std::uint8_t Kernel::unseen_point(bool shared, Pfn lo, Pfn hi, ObjId obj) {
  if (!ex.self().hidden)
    throw std::logic_error(ex.objects().describe(obj) + (hi - lo > 1 ? " (to pfn " + hex(hi - 1) + ")" : "") + " in " +
                           ex.stacks().top_name(ex.self().stack) +
                           ": a search split by observer pfn needs an observer to touch pages only in its pfn loop "
                           "(here outside the item in focus, pfn " +
                           hex(focus_pfn_) + ")");
  if (!shared && footprint_.reduce())
    ex.private_step();
  else
    ex.quiet_point();
  return kEvPrivate;
}

std::int64_t Kernel::read(Cell& c, Access a) {
  ex.choice_point(c.id, false);
  ex.emit(EvKind::Read, static_cast<std::uint8_t>(a), c.id, c.v);
  return c.v;
}

std::int64_t Kernel::read_sub(SubsectionCells& cells, std::uint64_t i, Access a) {
  ex.choice_point(cells.id(i), false);
  ex.emit(EvKind::Read, static_cast<std::uint8_t>(a), cells.id(i), cells.v(i));
  return cells.v(i);
}

void Kernel::write(Cell& c, std::int64_t v, Access a) {
  ex.choice_point(c.id, true);
  c.v = v;
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(a), c.id, v);
}

std::int64_t Kernel::read_page(Pfn pfn, PageField f, Access a) {
  const std::uint8_t pf = page_point(pfn, pfn + 1, page_obj(pfn, f), false);
  bool clean;
  const std::int64_t v = pages_.load(pfn, f, clean);
  ex.emit(EvKind::Read, static_cast<std::uint8_t>(a), page_obj(pfn, f), v, pf | suspect_unless(clean));
  return v;
}

void Kernel::init_pages(Pfn lo, Pfn hi, PageField f, std::int64_t v) {
  const std::uint8_t pf = page_point(lo, hi, page_obj(lo, f), true);
  pages_.set_value(lo, hi, f, v, true);
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(Access::Plain), page_obj(lo, f), v,
          pf | suspect_unless(pages_.clean_store(lo)));
}

void Kernel::write_pages(Pfn lo, Pfn hi, PageField f, std::int64_t v, Access a) {
  const std::uint8_t pf = page_point(lo, hi, page_obj(lo, f), true);
  pages_.set_value(lo, hi, f, v, false);
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(a), page_obj(lo, f), v, pf | suspect_unless(pages_.clean_store(lo)));
}

void Kernel::write_subs(SubsectionCells& cells, Pfn lo, Pfn hi, std::int64_t v, Access a) {
  Pfn step = std::max<Pfn>(geo.chunk_pages, geo.pages_per_subsection);
  for (Pfn p = lo; p < hi;) {
    Pfn e = std::min<Pfn>(hi, (p / step + 1) * step);
    ex.choice_point(cells.id(geo.subsection_index(p)), true);
    for (Pfn q = p; q < e; q += geo.pages_per_subsection) cells.set(geo.subsection_index(q), v);
    ex.emit(EvKind::Write, static_cast<std::uint8_t>(a), cells.id(geo.subsection_index(p)), v);
    p = e;
  }
}

Pfn Kernel::page_ref_add(Pfn lo, Pfn hi, std::int64_t delta) {
  const std::uint8_t pf = page_point(lo, hi, page_obj(lo, PageField::Refcount), true);
  bool clean;
  const std::int64_t v = pages_.load(lo, PageField::Refcount, clean);
  ex.emit(EvKind::Read, static_cast<std::uint8_t>(Access::Acquire), page_obj(lo, PageField::Refcount), v,
          pf | suspect_unless(clean));
  Pfn zeros = pages_.add_refcount(lo, hi, delta);
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(Access::Release), page_obj(lo, PageField::Refcount), v + delta,
          pf | suspect_unless(pages_.clean_store(lo)));
  return zeros;
}

bool Kernel::page_ref_inc_not_zero(Pfn pfn) {
  ObjId obj = page_obj(pfn, PageField::Refcount);
  const std::uint8_t pf = page_point(pfn, pfn + 1, obj, true);
  bool clean;
  const std::int64_t v = pages_.load(pfn, PageField::Refcount, clean);
  ex.emit(EvKind::Read, static_cast<std::uint8_t>(Access::Acquire), obj, v, pf | suspect_unless(clean));
  if (v == 0) return false;
  pages_.add_refcount(pfn, pfn + 1, 1);
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(Access::Release), obj, v + 1,
          pf | suspect_unless(pages_.clean_store(pfn)));
  return true;
}

void Kernel::charge(FnId fn, Pfn pages) {
  VirtualTime* vt = ex.vtime();
  const Cost* c = vt ? vt->cost(fn) : nullptr;
  if (!c) return;
  Pfn pps = geo.pages_per_section();
  const Pfn sections = (pages + pps - 1) / pps;  // the sections it touches, rounded up
  vt->charge(ex.current(),
             c->ns + c->per_page_ns * static_cast<double>(pages) + c->per_section_ns * static_cast<double>(sections));
}

void Kernel::poison_pages(Pfn lo, Pfn hi, PageState state) {
  const std::uint8_t pf = page_point(lo, hi, page_obj(lo, PageField::Flags), true);
  std::uint32_t& id = poison_rec_[unsigned(state)];
  if (!id) {  // interned once per state
    PageRecord r;
    r.v.fill(kPagePoison);
    r.state = state;
    id = pages_.id_of(r);
  }
  pages_.fill_id(lo, hi, id, static_cast<std::int64_t>(ex.events().size()));
  // memset() of the whole struct page: one plain store covering every field
  // (clean: the store is the memmap's allocation).
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(Access::Plain), page_obj(lo, PageField::Flags), kPagePoison, pf);
}

void Kernel::free_memmap(Pfn lo, Pfn hi) {
  const std::uint8_t pf = page_point(lo, hi, page_obj(lo, PageField::Flags), true);
  // vmemmap_free(): the memmap pages go back to the allocator; the contents
  // stay as they were (a stale read sees old values), the state says freed.
  pages_.update(
      lo, hi,
      [](PageRecord& r) {
        r.init = 0;
        r.state = PageState::Absent;
      },
      static_cast<std::int64_t>(ex.events().size()));
  // clean: the store is the one that frees the memmap
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(Access::Plain), page_obj(lo, PageField::Flags), kPagePoison, pf);
}

void Kernel::warn(FindingKind kind, const std::string& key, const std::string& text, const std::string& rule) {
  const SimThread& t = ex.self();
  KernelWarning w;
  w.kind = kind;
  w.key = key;
  w.text = text;
  w.rule = rule;
  w.thread = t.id;
  w.stack = t.stack;
  w.held = t.held;
  w.held_shared = t.held_shared;
  w.event = ex.events().size();
  warnings.push_back(std::move(w));
}

bool Kernel::warned(const std::string& key) const {
  for (const auto& w : warnings)
    if (w.key == key) return true;
  return false;
}

int Kernel::pgmap_of_range(Pfn pfn) const {
  // Devices declared over one range (a namespace reconfigured: raw, fsdax,
  // devdax) own it in turn: the one holding the busy region now, read as
  // model state (no event), else the first declared; none while dax/kmem
  // holds it as RAM.
  if (pfn < geo.nr_pfns()) {
    const std::int64_t v = iomem.v(geo.subsection_index(pfn));
    if (v == IORES_KMEM || v == IORES_KMEM_RAM) return -1;  // dax/kmem made the range System RAM
    const std::int64_t owner = v - IORES_DEVICE_BASE;
    if (owner >= 0 && owner < std::int64_t(pgmaps.size())) return static_cast<int>(owner);
  }
  for (std::size_t i = 0; i < pgmaps.size(); ++i)
    if (pfn >= pgmaps[i]->desc.start && pfn < pgmaps[i]->pfn_end()) return static_cast<int>(i);
  return -1;
}

}  // namespace mhp
