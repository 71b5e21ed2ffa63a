// Per-thread state of one running operation: its arguments and what its steps
// hand to each other (the pgmap a lookup returned, the pfn a loop is at, the
// page a check let through). A step primitive returns false when the kernel
// function would bail out: inside a for_each loop that skips to the next
// item, elsewhere it ends the operation; `stop` ends the operation from a loop.
// A step that fails with an errno (`err`) ends a loop too: the kernel function
// returned an error, not "skip this pfn".
#pragma once
#include <array>

#include "model/kernel/kernel.hpp"

namespace mhp {

// A scenario thread's `fail:`: the nth time the kernel function `fn` runs,
// it returns -err instead (the kernel's fault and notifier error injection).
struct Injection {
  FnId fn = 0;
  int err = 0;
  std::uint32_t nth = 1;
};
inline constexpr unsigned kMaxInjections = 8;

struct OpState {
  OpArgs args;
  int pgmap_ref = -1;      // pgmap held through get_dev_pagemap(), or -1
  Pfn cur = 0;             // for_each: the pfn (first of a chunk) or the section number being visited
  Pfn cur_end = 0;         // for_each over pfns: end of the chunk [cur, cur_end) (geo.chunk_pages)
  Pfn item_pages = 0;      // for_each: pages of the item being visited (0 outside loops: the whole range)
  bool page_ref = false;   // the walker holds a page reference (get_page())
  std::int64_t value = 0;  // a value one step reads and a later step uses
  bool stop = false;
  std::uint32_t migrate_passes = 0;
  bool busy_region = false;  // memremap_pages: this op claimed the range (devm_request_mem_region)
  // Device-private migration (migrate_vma_*, a driver's page allocation):
  // what migrate_vma_collect_pmd() collected, and the device page the
  // driver allocated as the destination.
  enum class Collected : std::uint8_t { Nothing, SystemPage, DevicePage };
  Collected collected = Collected::Nothing;
  Pfn dpage = 0;
  bool has_dpage = false;  // false: the driver had no free page (the source stays where it is)
  // zap_pte_range() gathered device-coherent page `cur` into the mmu_gather
  // batch: tlb_finish_mmu() puts it, after the pte lock.
  bool tlb_gathered = false;
  bool new_node = false;     // add_memory: __try_online_node() found the node offline
  bool kmem_parent = false;  // dev_dax_kmem_probe/remove: the System RAM resource is a child of kmem's region
  Pfn vmemmap_pages = 0;
  // section_deactivate()'s locals for section cur, set by clear_subsection_map:
  // early_section(), and is_subsection_map_empty() after the bits went.
  bool section_early = false;
  bool section_empty = false;  // memory_block_online/offline: the block's vmemmap pages, split off args
  // How the op ended: the errno it returns (0: success or an early return
  // without error), whether it stopped early, and where.
  int err = 0;
  bool ended_early = false;
  bool injected = false;  // the error came from an injection
  StackId ended_at = 0;
  const std::string* pending_label = nullptr;  // a `goto:` on its way to its label
  // A `trylock: true` region found its mutex taken: lock_device_hotplug_sysfs()
  // returns restart_syscall(), the op unwinds and runs again once it is free.
  Mutex* restart_on = nullptr;
  // The memory notifier's arg (struct memory_notify) of this online or
  // offline: status_change_nid and status_change_nid_normal, -1 for
  // NUMA_NO_NODE, kNotifyArgUnset until node_states_check_changes_*() ran.
  static constexpr int kNotifyArgUnset = -2;
  int status_change_nid = kNotifyArgUnset;
  int status_change_nid_normal = kNotifyArgUnset;
  const Injection* inject = nullptr;  // the thread's injections
  std::uint8_t n_inject = 0;
  std::array<std::uint32_t, kMaxInjections> inject_seen{};  // times each injection's function ran
};

using Primitive = bool (*)(Kernel& k, OpState& st);

}  // namespace mhp
