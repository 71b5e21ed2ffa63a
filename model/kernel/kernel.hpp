// The shared kernel state all simulated threads act on, and its locks
// (docs/KERNEL_REFERENCE.md §2, §3). Every field is a Cell reached only through
// read()/write(), which make a choice point and emit an Event, so checkers
// see every access (DESIGN.md idea 2). struct page lives in flat per-pfn
// arrays reached through read_page()/init_page_field()/poison_page().
#pragma once
#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "model/engine/execution.hpp"
#include "model/kernel/anon_mm.hpp"
#include "model/kernel/cell.hpp"
#include "model/kernel/dmirror.hpp"
#include "model/kernel/geometry.hpp"
#include "model/kernel/memory_chain.hpp"
#include "model/kernel/page.hpp"
#include "model/kernel/page_footprint.hpp"
#include "model/kernel/page_store.hpp"
#include "model/kernel/subsection_cells.hpp"
#include "model/support/finding_kind.hpp"
#include "model/sync/completion.hpp"
#include "model/sync/kernfs_active.hpp"
#include "model/sync/mutex.hpp"
#include "model/sync/percpu_ref.hpp"
#include "model/sync/percpu_rwsem.hpp"
#include "model/sync/rcu.hpp"
#include "model/sync/rwlock.hpp"
#include "model/sync/seqcount.hpp"
#include "model/sync/spinlock.hpp"
#include "model/sync/static_key.hpp"

namespace mhp {

// section_mem_map flag bits (include/linux/mmzone.h)
constexpr std::int64_t SECTION_MARKED_PRESENT = 1 << 0;
constexpr std::int64_t SECTION_HAS_MEM_MAP = 1 << 1;
constexpr std::int64_t SECTION_IS_ONLINE = 1 << 2;
constexpr std::int64_t SECTION_IS_EARLY = 1 << 3;
constexpr std::int64_t SECTION_TAINT_ZONE_DEVICE = 1 << 4;

struct MemSection {
  Cell mem_map;  // section_mem_map flag bits (the memmap pointer is implied)
  // ms->usage (Era B): 1 + index into Kernel::usages, 0 if NULL. Loaded by
  // pfn_section_valid() and cleared by section_deactivate() as events of
  // their own; section_activate()'s store is folded into its subsection_map
  // store (no reader reaches the pointer before the section is valid).
  Cell usage;
  Cell subsection_map;  // mem_section_usage.subsection_map (Era B; Era A keeps it full)
  // Hypothetical ([fukasawa-reserved-2019], Dan Williams: "double the size of
  // subsection_map ... identify whether a sub-section is ZONE_DEVICE"): one
  // ZONE_DEVICE bit per subsection. No kernel has it; only the subsection_dev_map_*
  // steps
  // (model/kernel/subsection_dev_map.cpp) touch it.
  Cell subsection_dev_map;
  // ... and a second bit per subsection, "its memmap is initialised": the one
  // bit cannot say both (docs/SCENARIOS.md, S14).
  Cell subsection_dev_init_map;
};

enum ZoneIdx : int { ZONE_NORMAL = 0, ZONE_MOVABLE = 1, ZONE_DEVICE = 2, MAX_NR_ZONES = 3 };
static_assert(kZoneIdxLowest >= MAX_NR_ZONES, "a zeroed page's zone link names no zone of the model");
const char* zone_name(int idx);

struct Zone {  // struct zone (include/linux/mmzone.h)
  Zone(Execution& ex, const std::string& prefix);
  Cell zone_start_pfn, spanned_pages, present_pages, initialized, contiguous;
  Cell nr_isolate_pageblock;
  Seqlock span_seqlock;  // zone_span_writelock() / zone_span_seqbegin()
  Spinlock lock;         // zone->lock
};

struct Pgdat {  // pglist_data
  Pgdat(Execution& ex, int nid);
  int nid;
  Cell node_start_pfn, node_spanned_pages, node_present_pages, nr_zones;
  Cell node_state_memory;  // node_states[N_MEMORY] bit of this node
  // node_states[N_ONLINE] bit (node_online()); W: node_set_online() /
  // node_set_offline() under mem_hotplug_lock and device_hotplug_lock.
  // Registered after every other object (Kernel::Kernel).
  Cell node_online;
  Spinlock node_size_lock;  // pgdat_resize_lock()
  std::unique_ptr<Zone> zones[MAX_NR_ZONES];
};

// memory_block states (include/linux/memory.h)
constexpr std::int64_t MEM_ONLINE = 1, MEM_GOING_OFFLINE = 2, MEM_OFFLINE = 4;

struct MemoryBlock {  // struct memory_block (drivers/base/memory.c)
  MemoryBlock(Execution& ex, std::uint32_t nr);
  Cell registered;   // device registered (create/remove_memory_block_devices)
  Cell state;        // MEM_ONLINE / MEM_GOING_OFFLINE / MEM_OFFLINE, W: DEV(mb)
  Cell online_type;  // W: device_hotplug_lock
  Mutex dev_lock;    // device_lock(&mem->dev)
  Mutex range_lock;  // variant V10 only: a per-range lock instead of mem_hotplug_lock
  // The active reference of the block's sysfs attribute nodes (state,
  // valid_zones, removable, phys_device: one class here, see
  // docs/KERNEL_REFERENCE.md), drained by device_unregister(). Made by the
  // Kernel after every other object, so object numbers stay as they were.
  std::unique_ptr<KernfsActive> kn_active;
  // mem->nr_vmemmap_pages (v5.14..v6.5), mem->altmap->free (v6.6+): the
  // block's first pages host its memmap (MHP_MEMMAP_ON_MEMORY). Model state
  // without events: written before device_register() publishes the block
  // and never again until the device is gone, so no reader can race it.
  Pfn nr_vmemmap_pages = 0;
  // mem->nid: the node the block was added for, model state written before
  // device_register() publishes the block (init_memory_block()). Read by
  // try_offline_node()'s for_each_memory_block() walk (v5.4+).
  int nid = 0;
};

// Coherent: MEMORY_DEVICE_COHERENT (f25cbb7a95a2, v6.0), a scenario's device only
// in the eras v6.1 and later.
enum class PgmapType { FsDax, Generic, Private, Coherent };

// What a scenario declares about a device: its range, node and altmap.
struct PgmapDesc {
  std::string name;
  Pfn start = 0;
  Pfn nr_pages = 0;
  int nid = 0;
  PgmapType type = PgmapType::FsDax;
  bool altmap = false;
  std::uint32_t altmap_reserve = 0;  // vmem_altmap.reserve
  std::uint32_t altmap_free = 0;     // vmem_altmap.free
  std::uint32_t vmemmap_shift = 0;   // compound pages of 2^shift pfns (C13)
};

class Kernel;
struct DevPagemap {  // struct dev_pagemap (include/linux/memremap.h)
  DevPagemap(Execution& ex, const PgmapDesc& d);
  PgmapDesc desc;
  Kernel* kernel = nullptr;  // the ref's model hooks report through it
  PercpuRef ref;
  Completion done;
  Cell altmap_alloc;  // vmem_altmap.alloc, consumed by vmemmap population
  Mutex dev_lock;     // device_lock() of the driver's device (probe / unbind)
  // devm_add_action_or_reset(devm_memremap_pages_release) done: the map
  // succeeded, so its release may run (rule R13). Model state, no event.
  bool release_registered = false;
  // The ref's release callback, as the percpu_ref WARN names it: the
  // driver's own ref before v5.3 (the model's eras v4.19..v5.0; pmem: the
  // request queue's), else memremap's.
  const char* release_fn = "dev_pagemap_percpu_release";
  // pgmap->ref is the driver's (set at init): memunmap_pages() does not exit it.
  bool driver_ref = false;
  // The increments of devmap_managed_key this pgmap holds. Model state, no event.
  int devmap_managed = 0;
  // Set by memmap_init_zone_device(): a free page of this pgmap sits at
  // refcount 0 and holds no pgmap reference (device-private and -coherent
  // since ef233450898f, v6.1); before, free pages sat at refcount 1. Model state.
  bool idle_at_zero = false;
  // pfn_first(): the first pfn whose memmap is initialised by memmap_init_zone_device()
  Pfn pfn_first() const { return desc.start + (desc.altmap ? desc.altmap_reserve + desc.altmap_free : 0); }
  Pfn pfn_end() const { return desc.start + desc.nr_pages; }
  // pfn_len(): one map-time reference per (compound) page
  Pfn pfn_len() const { return (pfn_end() - pfn_first()) >> desc.vmemmap_shift; }
  bool is_private() const { return desc.type == PgmapType::Private; }
  bool is_coherent() const { return desc.type == PgmapType::Coherent; }
  // The types the kernel tests together (`type != PRIVATE && type != COHERENT`
  // in pagemap_range(), memunmap_pages(), free_zone_device_page()): free
  // pages at refcount 0, no map-time references (C14), and lib/test_hmm.c's.
  bool is_private_or_coherent() const { return is_private() || is_coherent(); }
};

// iomem resource owners, one entry per subsection (kernel/resource.c)
constexpr std::int64_t IORES_NONE = 0, IORES_SYSTEM_RAM = 1, IORES_DEVICE_BASE = 16;
// dax/kmem: its parent region (request_mem_region(), flags set to
// IORESOURCE_SYSTEM_RAM and not busy) alone, and with add_memory()'s "System
// RAM (kmem)" child inside it.
constexpr std::int64_t IORES_KMEM = 2, IORES_KMEM_RAM = 3;
inline bool iores_system_ram(std::int64_t v) { return v == IORES_SYSTEM_RAM || v == IORES_KMEM_RAM; }

// A firmware hole inside boot memory (initial.holes): pfns of an early,
// online section that are not in memblock.memory (an e820 "reserved" or
// unknown-type range, a memmap= layout). pfn_valid() is true there; the
// subsections are not in subsection_map (subsection_map_init() marks only
// memblock.memory) nor System RAM, and the zone and node count them as
// spanned, not present.
struct FirmwareHole {
  Pfn start = 0;
  Pfn nr_pages = 0;
  bool memblock_reserved = false;  // also in memblock.reserved (memblock_reserve()d by the arch)
};

// What boot leaves in the struct pages of a hole (docs/KERNEL_REFERENCE.md
// "Firmware holes"), by release.
enum class HoleMemmap : std::uint8_t {
  // v4.19 (4.19.1): zero_resv_unavail() zeroes only memblock.reserved ranges
  // outside memblock.memory; any other hole keeps the poisoned memmap.
  ReservedOnly,
  // v4.20..v5.4 (907ec5fca3dc): every hole zeroed -- zone index 0, node 0,
  // no PG_reserved, refcount 0.
  Zeroed,
  // v5.10.y (0740a50b9baa backported) onwards: init_unavailable_range() with
  // the zone and node that span the hole, PG_reserved, refcount 1.
  ZoneLinks,
};

struct MachineSpec {
  Geometry geo;
  std::uint32_t nodes = 1;
  std::uint32_t boot_sections = 0;  // sections [0, n) are boot RAM of node 0, online
  // boot RAM ending inside a section instead (a multiple of a subsection):
  // pfns [0, boot_pages); the rest of the last early section is a hole whose
  // memmap boot initialised as PG_reserved (init_unavailable_range()).
  Pfn boot_pages = 0;
  Pfn boot_pfns() const { return boot_pages ? boot_pages : Pfn(boot_sections) * geo.pages_per_section(); }
  std::vector<FirmwareHole> holes;  // inside [0, boot_pfns()), subsection-aligned
  HoleMemmap hole_memmap = HoleMemmap::ZoneLinks;
  // pfn_to_online_page() tests the subsection bit (1f90a3477df3, v5.12).
  bool online_subsection_test = true;
  Pfn hole_pages() const {
    Pfn n = 0;
    for (const auto& h : holes) n += h.nr_pages;
    return n;
  }
  std::vector<PgmapDesc> devices;
  std::uint32_t anon_pages = 0;  // pages of the test process's anonymous mapping (anon_mm.hpp)
  // Nodes without CPUs (bit per nid), as a CXL or pmem node is: offline at
  // boot unless they have boot memory, and try_offline_node() can take them
  // offline again. Every other node has a CPU: online from boot, forever
  // (check_cpu_on_node()). CPUs do not hotplug in the model.
  std::uint32_t cpuless_nodes = 0;
  bool node_has_cpu(int nid) const { return !((cpuless_nodes >> nid) & 1); }
  // 5ec8e8ea8b77 ("mm/sparsemem: fix race in accessing memory_section->usage",
  // v6.8; in the 6.1.158 and 6.6.57 trees): ms->usage freed by kfree_rcu()
  // after SECTION_HAS_MEM_MAP is cleared, and pfn_section_valid() tests
  // READ_ONCE(ms->usage) for NULL. Set for the eras whose tree has it.
  bool section_usage_rcu = false;
  // struct mem_section_usage exists (f1eca35a0dc7, v5.3); before it the
  // section has no usage pointer to dereference.
  bool section_usage = false;
  // The callbacks registered on the memory notifier chain (notifier_bit()
  // of each; initial.notifiers).
  std::uint32_t memory_notifiers = 0;
};

// Arguments a thread's operation runs with.
struct OpArgs {
  int pgmap = -1;  // device operations
  Pfn start = 0;   // range (device range, memory block range, walker pfns)
  Pfn nr_pages = 0;
  int nid = 0;
  int zone = ZONE_NORMAL;         // online_pages target zone
  std::uint32_t retries = 0;      // offline_pages: migration passes that fail before success
  std::uint32_t vpage = 0;        // device-private ops: the page of the anonymous mapping
  bool memmap_on_memory = false;  // add_memory / kmem probe: MHP_MEMMAP_ON_MEMORY asked for
};

// One struct mem_section_usage allocation (mm/sparse.c), as KASAN would
// track it: live, queued for kfree_rcu(), or freed (and by whom).
struct MemSectionUsage {
  enum class State : std::uint8_t { Live, RcuPending, Freed } state = State::Live;
  std::uint32_t section = 0;
  bool boot = false;  // sparse_init()'s (PageReserved): section_deactivate() keeps it
  ThreadId by = 0;    // the freeing task, its stack and locks
  StackId at = 0;
  std::uint64_t held = 0, held_shared = 0;
};

// A WARN()/BUG() the modelled kernel hits (percpu ref underflow, "section
// already deactivated"); turned into a finding by the runner.
struct KernelWarning {
  FindingKind kind = FindingKind::Warn;
  std::string key, text;
  std::string rule;  // scope: the ownership rule broken ("R13")
  ThreadId thread = 0;
  StackId stack = 0;
  std::uint64_t held = 0, held_shared = 0;
  std::size_t event = 0;
  std::string title;  // the report's title before " in FN", if not WARNING's
  // a second task the report shows (KASAN's "Freed by task"), if any
  bool has_other = false;
  std::string other_title;
  ThreadId other_thread = 0;
  StackId other_stack = 0;
  std::uint64_t other_held = 0, other_held_shared = 0;
};

class Kernel {
 public:
  Kernel(Execution& ex, const MachineSpec& spec);
  void reset();  // back to the boot state, before each execution

  // --- instrumented access ---
  std::int64_t read(Cell& c, Access a = Access::Plain);
  // The pages each thread may touch and the threads it may run beside, by
  // ThreadId (page_footprint.hpp); reduce: an access to a page none of those
  // may touch is no choice point. visible: a split search's narrower reach
  // of its observers (PageFootprint::build()).
  void set_page_footprint(const std::vector<PageFootprint::Reach>& threads, const std::vector<ThreadMask>& beside,
                          bool reduce, const std::vector<PageFootprint::Reach>* visible = nullptr);
  // A search split by observer pfn (tools/cli/search_dfs.cpp): the threads
  // whose op file declares `observer: true`, and the pfn of one of them this
  // piece of the search explores. The interpreter hides every other item of
  // those threads' pfn loops (Execution::hide()); the pages only those
  // items may touch are set_page_footprint()'s `visible`. observers 0: no
  // split.
  void set_observer_focus(ThreadMask observers, ThreadId thread, Pfn pfn) {
    observers_ = observers;
    focus_thread_ = thread;
    focus_pfn_ = pfn;
  }
  bool observer(ThreadId t) const { return observers_ & thread_bit(t); }
  // Whether the current thread's loop item [lo, hi) is the one explored.
  bool in_focus(Pfn lo, Pfn hi) const { return ex.current() == focus_thread_ && lo <= focus_pfn_ && focus_pfn_ < hi; }
  void write(Cell& c, std::int64_t v, Access a = Access::Plain);
  // read() of cell i of a per-subsection table.
  std::int64_t read_sub(SubsectionCells& cells, std::uint64_t i, Access a = Access::Plain);
  std::int64_t read_page(Pfn pfn, PageField f, Access a = Access::Plain);
  // A store by an init function: the field now holds an initialised value.
  // Range forms cover [lo, hi) with one choice point and one event (named by
  // lo): the real geometry's loops work a chunk (geo.chunk_pages) at a time.
  void init_page_field(Pfn pfn, PageField f, std::int64_t v) { init_pages(pfn, pfn + 1, f, v); }
  void init_pages(Pfn lo, Pfn hi, PageField f, std::int64_t v);
  // A second store of the same initialiser, folded into the event of the
  // init_pages() just before it: no choice point, no event of its own.
  void init_pages_folded(Pfn lo, Pfn hi, PageField f, std::int64_t v) { pages_.set_value(lo, hi, f, v, true); }
  // A store to a field that is already live (refcount get/put, flag updates).
  void write_page(Pfn pfn, PageField f, std::int64_t v, Access a = Access::Plain) {
    write_pages(pfn, pfn + 1, f, v, a);
  }
  void write_pages(Pfn lo, Pfn hi, PageField f, std::int64_t v, Access a = Access::Plain);
  // page_ref_add()/page_ref_dec_return(): a fully ordered atomic
  // read-modify-write of each page's refcount in [lo, hi) (an acquire read and
  // a release write, named by lo); returns how many pages reached zero.
  Pfn page_ref_add(Pfn lo, Pfn hi, std::int64_t delta);
  // get_page_unless_zero(): the same, one page, only when its count is not 0.
  bool page_ref_inc_not_zero(Pfn pfn);
  // page_init_poison(): the memmap of [lo, hi) is (re)allocated or re-poisoned.
  void poison_page(Pfn pfn, PageState state) { poison_pages(pfn, pfn + 1, state); }
  // Timing runs: charges kernel function fn's cost over `pages` pages to
  // the running thread's virtual clock (model/engine/vtime.hpp).
  void charge(FnId fn, Pfn pages);
  void poison_pages(Pfn lo, Pfn hi, PageState state);
  // The memmap of [lo, hi) is freed (section_deactivate()): later accesses are use-after-free.
  void free_memmap(Pfn lo, Pfn hi);
  void set_page_state(Pfn pfn, PageState s) { pages_.set_state(pfn, pfn + 1, s); }
  void set_pages_state(Pfn lo, Pfn hi, PageState s) { pages_.set_state(lo, hi, s); }
  // Calls fn(lo, hi) for [start, end) cut at multiples of geo.chunk_pages.
  template <class Fn>
  void for_chunks(Pfn start, Pfn end, Fn fn) const {
    for (Pfn p = start; p < end;) {
      Pfn e = std::min<Pfn>(end, (p / geo.chunk_pages + 1) * geo.chunk_pages);
      fn(p, e);
      p = e;
    }
  }
  // Per-subsection cells (iomem, pgmap_array) over [lo, hi): a chunk is at
  // least a subsection. read_subs() tests each chunk's first cell with
  // `stop(v)` and returns the first value that stops, or `none`;
  // write_subs() sets every cell with one event per chunk.
  template <class Stop>
  std::int64_t read_subs(SubsectionCells& cells, Pfn lo, Pfn hi, Stop stop, std::int64_t none,
                         Access a = Access::Plain) {
    Pfn step = std::max<Pfn>(geo.chunk_pages, geo.pages_per_subsection);
    for (Pfn p = lo; p < hi; p = (p / step + 1) * step) {
      std::int64_t v = read_sub(cells, geo.subsection_index(p), a);
      if (stop(v)) return v;
    }
    return none;
  }
  void write_subs(SubsectionCells& cells, Pfn lo, Pfn hi, std::int64_t v, Access a = Access::Plain);
  // Like for_chunks, also cut where a device's range, altmap reserve or
  // altmap-hosted memmap begins or ends (the page state changes there).
  template <class Fn>
  void for_device_pieces(Pfn start, Pfn end, Fn fn) const {
    for_chunks(start, end, [&](Pfn lo, Pfn hi) {
      Pfn p = lo;
      while (p < hi) {
        Pfn e = hi;
        for (const auto& d : pgmaps)
          for (Pfn cut : {d->desc.start, d->desc.start + d->desc.altmap_reserve, d->pfn_first(), d->pfn_end()})
            if (cut > p && cut < e) e = cut;
        fn(p, e);
        p = e;
      }
    });
  }
  // WARN(): recorded with the current thread's stack and locks.
  void warn(FindingKind kind, const std::string& key, const std::string& text, const std::string& rule = "");
  std::vector<KernelWarning> warnings;        // of the current execution
  bool warned(const std::string& key) const;  // a warning with this key in this execution

  // --- inspection (checkers, tests, invariants; no events) ---
  PageState page_state(Pfn pfn) const { return pages_.state(pfn); }
  std::uint8_t page_init_mask(Pfn pfn) const { return pages_.init_mask(pfn); }
  std::int64_t page_value(Pfn pfn, PageField f) const { return pages_.value(pfn, f); }
  bool is_page_obj(ObjId id) const { return id >= page_base_ && id < page_base_ + geo.nr_pfns() * kPageFields; }
  Pfn page_pfn(ObjId id) const { return (id - page_base_) / kPageFields; }
  PageField page_field(ObjId id) const { return PageField((id - page_base_) % kPageFields); }
  ObjId page_obj(Pfn pfn, PageField f) const { return page_base_ + ObjId(pfn * kPageFields + unsigned(f)); }
  // Last event that (re)allocated, poisoned or freed this pfn's memmap, or -1.
  std::int64_t page_alloc_event(Pfn pfn) const { return pages_.alloc_event(pfn); }
  const PageStore& page_store() const { return pages_; }
  int pgmap_of_range(Pfn pfn) const;  // which declared device covers pfn, or -1
  std::uint32_t block_of(Pfn pfn) const { return geo.section_of(pfn) / geo.sections_per_block; }
  Zone& zone(int nid, int z) { return *nodes[nid]->zones[z]; }
  // xa_load(&pgmap_array, pfn): 1 + the published pgmap's index, 0 if none.
  std::int64_t read_pgmap_entry(Pfn pfn, Access a) { return read_sub(pgmap_array, geo.subsection_index(pfn), a); }
  std::int64_t pgmap_entry(Pfn pfn) const { return pgmap_array.v(geo.subsection_index(pfn)); }

  Execution& ex;
  Geometry geo;
  MachineSpec spec;

  // Global locks (docs/KERNEL_REFERENCE.md §3); per-node, per-zone and
  // per-device ones live in their objects.
  PercpuRwsem cpu_hotplug_lock;
  PercpuRwsem mem_hotplug_lock;
  Mutex device_hotplug_lock;
  Rwlock resource_lock;
  Mutex pgmap_lock;        // Era A: pgmap_radix writers
  Spinlock pgmap_xa_lock;  // Era B: the pgmap_array XArray's internal lock
  Rcu rcu;
  // devmap_managed_key (v4.19..v6.13): on while some pgmap wants its pages'
  // final put_page() reported (HMM, FS_DAX). Model state, no event.
  StaticKey devmap_managed_key;

  std::vector<MemSection> sections;
  std::vector<std::unique_ptr<Pgdat>> nodes;
  std::vector<std::unique_ptr<MemoryBlock>> blocks;
  SubsectionCells iomem;  // per subsection: IORES_* owner
  // per subsection (device ranges are subsection-aligned): 1 + index of the
  // published pgmap, 0 if none -- the XArray's entries
  SubsectionCells pgmap_array;
  std::vector<std::unique_ptr<DevPagemap>> pgmaps;
  std::vector<MemSectionUsage> usages;  // every ms->usage of this execution, by allocation
  // lib/test_hmm.c's driver of each device-private pgmap (nullptr for the others)
  std::vector<std::unique_ptr<DmirrorDevice>> dmirrors;
  std::unique_ptr<MmStruct> mm;               // the test process (spec.anon_pages > 0)
  std::unique_ptr<MemoryChain> memory_chain;  // memory_chain and its callbacks' locks
  // The active reference of /sys/devices/system/memory/probe (its own lockdep
  // class, kn->active#probe); the file lives as long as the memory subsystem,
  // so nothing drains it.
  std::unique_ptr<KernfsActive> probe_kn_active;
  DmirrorDevice& dmirror(int pgmap) { return *dmirrors[static_cast<std::size_t>(pgmap)]; }

 private:
  std::vector<Cell*> all_cells();
  std::vector<Cell*> cells_;  // every Cell, listed once: reset() runs before every execution
  ObjId page_base_ = 0;
  PageStore pages_;
  // PageStore ids of the records every execution fills again (boot memmap,
  // the hole after boot RAM, a poisoned page per state), interned once; 0:
  // not yet (record 0 is the all-zero ABSENT one, which none of these is).
  std::uint32_t boot_rec_ = 0, hole_rec_ = 0;
  std::array<std::uint32_t, unsigned(PageState::Hole) + 1> poison_rec_{};
  // Records of the firmware holes (initial.holes), interned after the others
  // at the first reset of a machine that has holes: never initialised,
  // zeroed, with zone links.
  std::uint32_t hole_uninit_rec_ = 0, hole_zeroed_rec_ = 0, hole_links_rec_ = 0;
  void fill_firmware_holes();
  PageFootprint footprint_;
  ThreadMask observers_ = 0;
  ThreadId focus_thread_ = kNoThread;
  Pfn focus_pfn_ = 0;
  // The choice point before an access to the struct pages [lo, hi), which the
  // event names by obj: none if no other thread may touch them, and then the
  // event's flags are kEvPrivate (else 0).
  std::uint8_t page_point(Pfn lo, Pfn hi, ObjId obj, bool excl) {
    if (footprint_.narrow()) {
      using A = PageFootprint::Access;
      const A a = footprint_.access(ex.current(), lo, hi);
      if (a == A::Outside) page_outside(lo, hi, obj);
      if (a == A::Private && footprint_.reduce()) {
        ex.private_step();
        return kEvPrivate;
      }
      if (a == A::Quiet) {  // only an observer's hidden items may touch it
        ex.quiet_point();
        return kEvPrivate;
      }
      if (a == A::UnseenShared || a == A::UnseenPrivate) return unseen_point(a == A::UnseenShared, lo, hi, obj);
    }
    ex.choice_point(obj, excl);
    return 0;
  }
  [[noreturn]] void page_outside(Pfn lo, Pfn hi, ObjId obj) const;
  // An observer's access outside its item in focus: a hidden item's (a
  // choice point recorded, not asked, where the search without the split
  // has one), else a model error.
  std::uint8_t unseen_point(bool shared, Pfn lo, Pfn hi, ObjId obj);
  // kEvPageSuspect for a page access the memmap's shadow does not find
  // clean (PageStore::load / clean_store): the stale-page checker's.
  static std::uint8_t suspect_unless(bool clean) { return clean ? 0 : kEvPageSuspect; }
};

}  // namespace mhp
