#include "model/kernel/memory_chain.hpp"

namespace mhp {

const std::vector<MemoryNotifierInfo>& memory_notifiers() {
  static const std::vector<MemoryNotifierInfo> v = {
      {"slab", MemoryNotifier::Slab, true, "slab_memory_callback (mm/slub.c kmem_cache_init())"},
      {"ksm", MemoryNotifier::Ksm, true, "ksm_memory_callback (mm/ksm.c ksm_init())"},
      {"memory_tier", MemoryNotifier::MemoryTier, true,
       "memtier_hotplug_callback (mm/memory-tiers.c memory_tier_late_init())"},
      {"cpuset", MemoryNotifier::Cpuset, true, "cpuset_track_online_nodes (kernel/cgroup/cpuset.c cpuset_init_smp())"},
      {"hmat", MemoryNotifier::Hmat, false, "hmat_callback (drivers/acpi/numa/hmat.c hmat_init())"},
  };
  return v;
}

const MemoryNotifierInfo* find_memory_notifier(const std::string& name) {
  for (const auto& n : memory_notifiers())
    if (name == n.name) return &n;
  return nullptr;
}

MemoryChain::MemoryChain(Execution& ex)
    : rwsem(ex, "(memory_chain).rwsem"),
      slab_mutex(ex, "slab_mutex"),
      ksm_thread_mutex(ex, "ksm_thread_mutex"),
      memory_tier_lock(ex, "memory_tier_lock"),
      cpuset_mutex(ex, "cpuset_mutex"),
      target_lock(ex, "target_lock") {}

void MemoryChain::reset() {
  rwsem.reset();
  slab_mutex.reset();
  ksm_thread_mutex.reset();
  memory_tier_lock.reset();
  cpuset_mutex.reset();
  target_lock.reset();
}

}  // namespace mhp
