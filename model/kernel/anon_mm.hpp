// A test process's anonymous mapping: the mm_struct of the task that drives a
// device-private driver (lib/test_hmm.c's hmm-tests), with one page table.
// Each pte says where the page of one address lives: nowhere (zapped), in
// system RAM, under migration, or on the device (a device-private swap
// entry naming the device pfn). The RAM pages themselves are not modelled.
#pragma once
#include <cstdint>
#include <vector>

#include "model/engine/execution.hpp"
#include "model/kernel/cell.hpp"
#include "model/kernel/geometry.hpp"
#include "model/sync/rwlock.hpp"
#include "model/sync/spinlock.hpp"

namespace mhp {

// pte values (include/linux/swapops.h entry kinds)
constexpr std::int64_t kPteNone = 0;       // pte_none(): never faulted in, or zapped
constexpr std::int64_t kPteRam = 1;        // present: an anonymous page in system RAM
constexpr std::int64_t kPteMigration = 2;  // a migration entry (migrate_vma_collect_pmd())
// kPteDevice + pfn: a device page -- a device-private swap entry, or for a
// device-coherent page (v6.1+) a present pte mapping it; the page's pgmap
// type tells which, as pte_present() does in the kernel.
constexpr std::int64_t kPteDevice = 16;
inline bool pte_is_device(std::int64_t v) { return v >= kPteDevice; }
inline Pfn pte_device_pfn(std::int64_t v) { return Pfn(v - kPteDevice); }

struct MmStruct {
  MmStruct(Execution& ex, std::uint32_t pages);
  Rwlock mmap_lock;       // mm->mmap_lock (an rw_semaphore)
  Spinlock ptl;           // the page table's split lock (pte_offset_map_lock())
  std::vector<Cell> pte;  // one per page of the mapping, all present in RAM at start
};

}  // namespace mhp
