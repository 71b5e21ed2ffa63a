// The locks a step program's lock region may name, with the modes each can
// be taken in.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mhp {

// Every lock a region may name. Per-object locks are resolved from the
// operation's arguments when the region is entered.
enum class LockId : std::uint8_t {
  MemHotplug,         // mem_hotplug_lock (percpu rwsem)
  CpuHotplug,         // cpu_hotplug_lock (percpu rwsem, read side here)
  DeviceHotplug,      // device_hotplug_lock (mutex)
  Resource,           // resource_lock (rwlock)
  PgdatResize,        // NODE_DATA(nid)->node_size_lock
  ZoneSpan,           // zone->span_seqlock (writer side)
  ZoneLock,           // zone->lock
  DeviceLock,         // device_lock(): the driver's device, or the memory block's
  PgmapLock,          // pgmap_lock (Era A radix tree writers)
  PgmapXa,            // pgmap_array.xa_lock
  Rcu,                // rcu_read_lock() section
  MemHotplugRange,    // variant V10: per-memory-block range lock replacing mem_hotplug_lock
  MmapLock,           // the test process's mm->mmap_lock (rw_semaphore)
  Ptl,                // its page table's pte lock
  DmirrorLock,        // lib/test_hmm.c mdevice->lock of the op's device
  KernfsActive,       // the kernfs active reference of the range's memory blocks' sysfs files
  KernfsActiveProbe,  // the memory probe file's kernfs active reference
  MemoryChain,        // (memory_chain).rwsem: the memory notifier chain's rw_semaphore
  SlabMutex,          // slab_mutex (slab_memory_callback)
  KsmThreadMutex,     // ksm_thread_mutex (ksm_memory_callback)
  MemoryTierLock,     // memory_tier_lock (memtier_hotplug_callback)
  CpusetMutex,        // cpuset_mutex (cpuset_track_online_nodes, v6.10+)
};

struct LockSpec {
  const char* name;
  LockId id;
  bool read, write;
};
const std::vector<LockSpec>& lock_specs();
const LockSpec* find_lock(const std::string& name);
bool lock_mode_valid(const std::string& lock, const std::string& mode);
// Whether an `acquire:`/`release:` node may name the lock: not rcu, whose
// read sections the model tracks as a per-thread depth, without the held-lock
// record (who took it, where) a lone rcu_read_unlock() would be checked by;
// not kernfs_active, whose read side can fail (only a region can skip its
// body).
bool lock_single_call_valid(const std::string& lock);
// Whether `trylock: true` means something for the lock: the mutexes, which
// lock_dispatch.cpp takes by trylock: a region restarts the op on failure
// (lock_device_hotplug_sysfs()), a lone `acquire:` retries in place.
bool lock_trylock_valid(LockId lock);
std::vector<std::string> lock_names();

}  // namespace mhp
