// The shared kernel state all simulated threads act on, and its locks. Every
// field is a Cell reached only through read()/write(), which make a choice
// point and emit an Event, so checkers see every access (DESIGN.md idea 2).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model/engine/execution.hpp"
#include "model/kernel/geometry.hpp"
#include "model/kernel/page.hpp"
#include "model/sync/completion.hpp"
#include "model/sync/mutex.hpp"
#include "model/sync/percpu_ref.hpp"
#include "model/sync/percpu_rwsem.hpp"
#include "model/sync/rcu.hpp"
#include "model/sync/rwlock.hpp"
#include "model/sync/seqcount.hpp"
#include "model/sync/spinlock.hpp"

namespace mhp {

struct Cell {
  ObjId id = 0;
  std::int64_t v = 0;
  std::int64_t initial = 0;
};

// section_mem_map flag bits (include/linux/mmzone.h)
constexpr std::int64_t SECTION_MARKED_PRESENT = 1 << 0;
constexpr std::int64_t SECTION_HAS_MEM_MAP = 1 << 1;
constexpr std::int64_t SECTION_IS_ONLINE = 1 << 2;
constexpr std::int64_t SECTION_TAINT_ZONE_DEVICE = 1 << 3;

struct MemSection {
  Cell mem_map;         // section_mem_map flag bits
  Cell subsection_map;  // mem_section_usage.subsection_map
};

enum ZoneIdx : int { ZONE_NORMAL = 0, ZONE_MOVABLE = 1, ZONE_DEVICE = 2, MAX_NR_ZONES = 3 };
const char* zone_name(int idx);

struct Zone {
  Cell zone_start_pfn, spanned_pages, present_pages;
};

struct Pgdat {  // pglist_data of node 0 (one node in this slice)
  Cell node_start_pfn, node_spanned_pages, nr_zones;
  Zone zones[MAX_NR_ZONES];
};

enum class PgmapType { FsDax, Generic, Private };

// What a scenario declares about a device: its range and altmap.
struct PgmapDesc {
  std::string name;
  Pfn start = 0;
  Pfn nr_pages = 0;
  PgmapType type = PgmapType::FsDax;
  bool altmap = false;
  std::uint32_t altmap_reserve = 0;  // vmem_altmap.reserve
  std::uint32_t altmap_free = 0;     // vmem_altmap.free
};

struct DevPagemap {  // struct dev_pagemap (include/linux/memremap.h)
  DevPagemap(Execution& ex, const PgmapDesc& d);
  PgmapDesc desc;
  PercpuRef ref;
  Completion done;
  // pfn_first(): the first pfn whose memmap is initialised by memmap_init_zone_device()
  Pfn pfn_first() const { return desc.start + (desc.altmap ? desc.altmap_reserve + desc.altmap_free : 0); }
  Pfn pfn_end() const { return desc.start + desc.nr_pages; }
};

// Arguments a thread's operation runs with (which device, which range).
struct OpArgs {
  int pgmap = -1;
  Pfn start = 0;
  Pfn nr_pages = 0;
};

class Kernel {
 public:
  // boot_sections: sections [0, n) are boot RAM, present, online and in ZONE_NORMAL.
  Kernel(Execution& ex, Geometry geo, std::vector<PgmapDesc> pgmaps, std::uint32_t boot_sections = 0);
  void reset();  // back to the boot state, before each execution

  // --- instrumented access ---
  std::int64_t read(Cell& c, Access a = Access::Plain);
  void write(Cell& c, std::int64_t v, Access a = Access::Plain);
  std::int64_t read_page(Pfn pfn, PageField f, Access a = Access::Plain);
  // An initialising store: the field now holds a value set by an init function.
  void init_page_field(Pfn pfn, PageField f, std::int64_t v);
  // page_init_poison(): the memmap of pfn is (re)allocated and poisoned.
  void poison_page(Pfn pfn, PageState state);
  void set_page_state(Pfn pfn, PageState s) { page_state_[pfn] = s; }

  // --- inspection (checkers, tests; no events) ---
  PageState page_state(Pfn pfn) const { return page_state_[pfn]; }
  std::uint8_t page_init_mask(Pfn pfn) const { return page_init_[pfn]; }
  std::int64_t page_value(Pfn pfn, PageField f) const { return page_val_[pfn * kPageFields + unsigned(f)]; }
  bool is_page_obj(ObjId id) const { return id >= page_base_ && id < page_base_ + geo.nr_pfns() * kPageFields; }
  Pfn page_pfn(ObjId id) const { return (id - page_base_) / kPageFields; }
  PageField page_field(ObjId id) const { return PageField((id - page_base_) % kPageFields); }
  ObjId page_obj(Pfn pfn, PageField f) const { return page_base_ + ObjId(pfn * kPageFields + unsigned(f)); }
  // Last event that (re)allocated/poisoned this pfn's memmap, or -1.
  std::int64_t page_alloc_event(Pfn pfn) const { return page_alloc_ev_[pfn]; }
  int pgmap_of_range(Pfn pfn) const;  // which declared device covers pfn, or -1

  Execution& ex;
  Geometry geo;

  // Locks (KERNEL_MODEL.md §3)
  PercpuRwsem cpu_hotplug_lock;
  PercpuRwsem mem_hotplug_lock;
  Mutex device_hotplug_lock;
  Rwlock resource_lock;
  Spinlock pgdat_resize_lock;
  Seqlock zone_span_seqlock;  // of the zone being resized (one node, see Pgdat)
  Spinlock pgmap_xa_lock;     // the pgmap_array XArray's internal lock
  Rcu rcu;

  std::vector<MemSection> sections;
  Pgdat node;
  std::vector<Cell> pgmap_array;  // per pfn: 1 + index of the published pgmap, 0 if none
  std::vector<std::unique_ptr<DevPagemap>> pgmaps;

 private:
  std::vector<Cell*> all_cells();
  ObjId page_base_ = 0;
  std::vector<std::int64_t> page_val_;
  std::vector<PageState> page_state_;
  std::vector<std::uint8_t> page_init_;
  std::vector<std::int64_t> page_alloc_ev_;
  std::uint32_t boot_sections_ = 0;
};

}  // namespace mhp
