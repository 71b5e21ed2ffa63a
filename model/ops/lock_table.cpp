#include "model/ops/lock_table.hpp"

namespace mhp {

const std::vector<LockSpec>& lock_specs() {
  static const std::vector<LockSpec> specs = {
      {"mem_hotplug_lock", LockId::MemHotplug, true, true},
      {"cpu_hotplug_lock", LockId::CpuHotplug, true, true},
      {"device_hotplug_lock", LockId::DeviceHotplug, false, true},
      {"resource_lock", LockId::Resource, true, true},
      {"pgdat_resize_lock", LockId::PgdatResize, false, true},
      {"zone_span_seqlock", LockId::ZoneSpan, false, true},
      {"zone_lock", LockId::ZoneLock, false, true},
      {"device_lock", LockId::DeviceLock, false, true},
      {"pgmap_lock", LockId::PgmapLock, false, true},
      {"pgmap_xa_lock", LockId::PgmapXa, false, true},
      {"rcu", LockId::Rcu, true, false},
      {"mem_hotplug_range_lock", LockId::MemHotplugRange, false, true},
      {"mmap_lock", LockId::MmapLock, true, true},
      {"ptl", LockId::Ptl, false, true},
      {"mdevice_lock", LockId::DmirrorLock, false, true},
      {"kernfs_active", LockId::KernfsActive, true, false},
      {"kernfs_active_probe", LockId::KernfsActiveProbe, true, false},
      {"memory_chain.rwsem", LockId::MemoryChain, true, true},
      {"slab_mutex", LockId::SlabMutex, false, true},
      {"ksm_thread_mutex", LockId::KsmThreadMutex, false, true},
      {"memory_tier_lock", LockId::MemoryTierLock, false, true},
      {"cpuset_mutex", LockId::CpusetMutex, false, true},
  };
  return specs;
}

const LockSpec* find_lock(const std::string& name) {
  for (const auto& l : lock_specs())
    if (name == l.name) return &l;
  return nullptr;
}

std::vector<std::string> lock_names() {
  std::vector<std::string> v;
  for (const auto& l : lock_specs()) v.push_back(l.name);
  return v;
}

bool lock_mode_valid(const std::string& lock, const std::string& mode) {
  const LockSpec* l = find_lock(lock);
  if (!l) return false;
  return mode == "read" ? l->read : mode == "write" ? l->write : false;
}

bool lock_single_call_valid(const std::string& lock) {
  const LockSpec* l = find_lock(lock);
  return l && l->id != LockId::Rcu && l->id != LockId::KernfsActive && l->id != LockId::KernfsActiveProbe;
}

bool lock_trylock_valid(LockId lock) {
  switch (lock) {
    case LockId::DeviceHotplug:
    case LockId::PgdatResize:
    case LockId::ZoneLock:
    case LockId::DeviceLock:
    case LockId::PgmapLock:
    case LockId::PgmapXa:
    case LockId::SlabMutex:
    case LockId::KsmThreadMutex:
    case LockId::MemoryTierLock:
    case LockId::CpusetMutex: return true;
    default: return false;
  }
}

}  // namespace mhp
