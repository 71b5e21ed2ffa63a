// lib/test_hmm.c's device ("dmirror", struct dmirror_device), the driver of a
// device-private pgmap in the hmm selftests: its free pages form a list
// threaded through page->zone_device_data under mdevice->lock; its
// page_free() callback pushes a page back, its migrate_to_ram() callback
// (dmirror_devmem_fault()) moves a page back to system RAM.
#pragma once
#include "model/engine/execution.hpp"
#include "model/kernel/cell.hpp"
#include "model/sync/spinlock.hpp"

namespace mhp {

struct DmirrorDevice {
  DmirrorDevice(Execution& ex, int pgmap);
  Spinlock lock;    // mdevice->lock: free_pages, calloc, cfree
  Cell free_pages;  // head of the free list: 1 + pfn, 0 if empty
  // dmirror_chunk->remove (set by dmirror_device_remove_chunks(), v6.1+):
  // page_free() then keeps the page off the list. Read and written under
  // mdevice->lock only.
  Cell chunk_remove;
};

}  // namespace mhp
