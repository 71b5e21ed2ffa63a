// The memory hotplug notifier chain (drivers/base/memory.c memory_chain, a
// BLOCKING_NOTIFIER_HEAD) and the locks its registered callbacks take.
// memory_notify() -> blocking_notifier_call_chain() runs the callbacks under
// down_read(&memory_chain.rwsem); register_memory_notifier() and its
// unregister take it for write. Which callbacks are on the chain is the
// scenario's choice (initial.notifiers, the boot's configuration); their
// programs are model/ops/memory_notify/<eras>.yaml, one `call` per callback
// and action, run only when its notifier is registered.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/sync/mutex.hpp"
#include "model/sync/rwlock.hpp"

namespace mhp {

// Callbacks the model knows, by the subsystem that registers them. None is
// "no notifier": a node every configuration runs; its bit in a mask says the
// chain is modelled at all.
enum class MemoryNotifier : std::uint8_t { None, Slab, Ksm, MemoryTier, Cpuset, Hmat };

struct MemoryNotifierInfo {
  const char* name;  // initial.notifiers and op files' `notifier:`
  MemoryNotifier id;
  // On in a typical distribution kernel's boot (SLUB, CONFIG_KSM,
  // CONFIG_NUMA's memory tiers, CONFIG_CPUSETS), off where it needs
  // firmware the machine may not have (an ACPI HMAT table).
  bool default_on;
  const char* registers;  // the kernel function that registers it
};
const std::vector<MemoryNotifierInfo>& memory_notifiers();
const MemoryNotifierInfo* find_memory_notifier(const std::string& name);
inline std::uint32_t notifier_bit(MemoryNotifier n) { return 1u << unsigned(n); }

struct MemoryChain {
  explicit MemoryChain(Execution& ex);
  void reset();
  bool registered(MemoryNotifier n) const { return (mask & notifier_bit(n)) != 0; }
  // The scenario models the chain (initial.notifiers given, even empty):
  // notifier_bit(None) is set. Without, memory_notify() is the bare veto
  // point it was before the chain was modelled.
  bool modelled() const { return mask != 0; }

  std::uint32_t mask = 0;  // notifier_bit(None) | each registered callback's; fixed at boot
  Rwlock rwsem;            // (memory_chain).rwsem: an rw_semaphore
  // The callbacks' own locks (their subsystems' globals):
  Mutex slab_mutex;        // mm/slab_common.c
  Mutex ksm_thread_mutex;  // mm/ksm.c
  Mutex memory_tier_lock;  // mm/memory-tiers.c (v6.1+)
  Mutex cpuset_mutex;      // kernel/cgroup/cpuset.c
  Mutex target_lock;       // drivers/acpi/numa/hmat.c
};

}  // namespace mhp
