#include "model/kernel/kernel.hpp"

#include <cstdio>

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
std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%#llx", static_cast<unsigned long long>(v));
  return b;
}
Cell named(Execution& ex, const std::string& name) { return Cell{ex.objects().add(name), 0, 0}; }
}  // namespace

DevPagemap::DevPagemap(Execution& ex, const PgmapDesc& d)
    : desc(d), ref(ex, d.name + "->ref"), done(ex, d.name + "->done") {}

Kernel::Kernel(Execution& e, Geometry g, std::vector<PgmapDesc> descs, std::uint32_t boot_sections)
    : ex(e),
      geo(g),
      cpu_hotplug_lock(e, "cpu_hotplug_lock"),
      mem_hotplug_lock(e, "mem_hotplug_lock"),
      device_hotplug_lock(e, "device_hotplug_lock"),
      resource_lock(e, "resource_lock"),
      pgdat_resize_lock(e, "pgdat_resize_lock"),
      zone_span_seqlock(e, "zone->span_seqlock"),
      pgmap_xa_lock(e, "pgmap_array.xa_lock"),
      rcu(e, "rcu") {
  // Two objects per section, named by index in reports, by class in keys.
  ObjId sec = ex.objects().add_range(
      geo.sections * 2,
      [](std::uint32_t off) {
        return "mem_section[" + std::to_string(off / 2) + "]" +
               (off % 2 ? ".usage->subsection_map" : ".section_mem_map");
      },
      [](std::uint32_t off) { return std::string(off % 2 ? "mem_section->usage->subsection_map" : "mem_section->section_mem_map"); });
  for (std::uint32_t s = 0; s < geo.sections; ++s) {
    MemSection ms;
    ms.mem_map = Cell{sec + 2 * s, 0, 0};
    ms.subsection_map = Cell{sec + 2 * s + 1, 0, 0};
    sections.push_back(ms);
  }
  node.node_start_pfn = named(ex, "pgdat->node_start_pfn");
  node.node_spanned_pages = named(ex, "pgdat->node_spanned_pages");
  node.nr_zones = named(ex, "pgdat->nr_zones");
  for (int z = 0; z < MAX_NR_ZONES; ++z) {
    std::string zn = std::string("zone[") + zone_name(z) + "]";
    node.zones[z].zone_start_pfn = named(ex, zn + "->zone_start_pfn");
    node.zones[z].spanned_pages = named(ex, zn + "->spanned_pages");
    node.zones[z].present_pages = named(ex, zn + "->present_pages");
  }
  Pfn n = geo.nr_pfns();
  page_base_ = ex.objects().add_range(
      static_cast<std::uint32_t>(n * kPageFields),
      [](std::uint32_t off) {
        return std::string(page_field_name(PageField(off % kPageFields))) + " of pfn " + hex(off / kPageFields);
      },
      [](std::uint32_t off) { return std::string(page_field_name(PageField(off % kPageFields))); });
  ObjId xa = ex.objects().add_range(
      static_cast<std::uint32_t>(n), [](std::uint32_t off) { return "pgmap_array[pfn " + hex(off) + "]"; },
      [](std::uint32_t) { return std::string("pgmap_array entry"); });
  pgmap_array.resize(n);
  for (Pfn p = 0; p < n; ++p) pgmap_array[p].id = xa + ObjId(p);
  page_val_.assign(n * kPageFields, 0);
  page_state_.assign(n, PageState::Absent);
  page_init_.assign(n, 0);
  page_alloc_ev_.assign(n, -1);
  for (auto& d : descs) pgmaps.push_back(std::make_unique<DevPagemap>(ex, d));
  // Boot memory: early sections, fully populated and online, in ZONE_NORMAL of node 0.
  boot_sections_ = boot_sections;
  Pfn boot_pfns = Pfn(boot_sections) * geo.pages_per_section();
  for (std::uint32_t s = 0; s < boot_sections; ++s) {
    sections[s].mem_map.initial = SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP | SECTION_IS_ONLINE;
    sections[s].subsection_map.initial = (std::int64_t(1) << geo.subsections_per_section) - 1;
  }
  if (boot_pfns) {
    node.node_spanned_pages.initial = static_cast<std::int64_t>(boot_pfns);
    node.nr_zones.initial = ZONE_NORMAL + 1;
    node.zones[ZONE_NORMAL].spanned_pages.initial = static_cast<std::int64_t>(boot_pfns);
    node.zones[ZONE_NORMAL].present_pages.initial = static_cast<std::int64_t>(boot_pfns);
  }
}

std::vector<Cell*> Kernel::all_cells() {
  std::vector<Cell*> out;
  for (auto& s : sections) {
    out.push_back(&s.mem_map);
    out.push_back(&s.subsection_map);
  }
  out.push_back(&node.node_start_pfn);
  out.push_back(&node.node_spanned_pages);
  out.push_back(&node.nr_zones);
  for (auto& z : node.zones) {
    out.push_back(&z.zone_start_pfn);
    out.push_back(&z.spanned_pages);
    out.push_back(&z.present_pages);
  }
  for (auto& c : pgmap_array) out.push_back(&c);
  return out;
}

void Kernel::reset() {
  for (Cell* c : all_cells()) c->v = c->initial;
  std::fill(page_val_.begin(), page_val_.end(), 0);
  std::fill(page_state_.begin(), page_state_.end(), PageState::Absent);
  std::fill(page_init_.begin(), page_init_.end(), 0);
  std::fill(page_alloc_ev_.begin(), page_alloc_ev_.end(), -1);
  for (Pfn p = 0; p < Pfn(boot_sections_) * geo.pages_per_section(); ++p) {
    page_val_[p * kPageFields + unsigned(PageField::Flags)] = std::int64_t(ZONE_NORMAL) << kZoneShift;
    page_val_[p * kPageFields + unsigned(PageField::Refcount)] = 1;
    page_init_[p] = kAllPageFields;
    page_state_[p] = PageState::Online;
  }
  cpu_hotplug_lock.reset();
  mem_hotplug_lock.reset();
  device_hotplug_lock.reset();
  resource_lock.reset();
  pgdat_resize_lock.reset();
  zone_span_seqlock.reset();
  pgmap_xa_lock.reset();
  for (auto& p : pgmaps) {
    p->ref.reset();
    p->done.reset();
  }
}

std::int64_t Kernel::read(Cell& c, Access a) {
  ex.choice_point();
  ex.emit(EvKind::Read, static_cast<std::uint8_t>(a), c.id, c.v);
  return c.v;
}

void Kernel::write(Cell& c, std::int64_t v, Access a) {
  ex.choice_point();
  c.v = v;
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(a), c.id, v);
}

std::int64_t Kernel::read_page(Pfn pfn, PageField f, Access a) {
  ex.choice_point();
  std::int64_t v = page_val_[pfn * kPageFields + unsigned(f)];
  ex.emit(EvKind::Read, static_cast<std::uint8_t>(a), page_obj(pfn, f), v);
  return v;
}

void Kernel::init_page_field(Pfn pfn, PageField f, std::int64_t v) {
  ex.choice_point();
  page_val_[pfn * kPageFields + unsigned(f)] = v;
  page_init_[pfn] |= std::uint8_t(1u << unsigned(f));
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(Access::Plain), page_obj(pfn, f), v);
}

void Kernel::poison_page(Pfn pfn, PageState state) {
  ex.choice_point();
  for (unsigned f = 0; f < kPageFields; ++f) page_val_[pfn * kPageFields + f] = kPagePoison;
  page_init_[pfn] = 0;
  page_state_[pfn] = state;
  page_alloc_ev_[pfn] = static_cast<std::int64_t>(ex.events().size());
  // memset() of the whole struct page: one plain store covering every field.
  ex.emit(EvKind::Write, static_cast<std::uint8_t>(Access::Plain), page_obj(pfn, PageField::Flags), kPagePoison);
}

int Kernel::pgmap_of_range(Pfn pfn) const {
  for (std::size_t i = 0; i < pgmaps.size(); ++i)
    if (pfn >= pgmaps[i]->desc.start && pfn < pgmaps[i]->pfn_end()) return static_cast<int>(i);
  return -1;
}

}  // namespace mhp
