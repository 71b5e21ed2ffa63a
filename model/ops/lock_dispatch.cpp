#include "model/ops/lock_dispatch.hpp"

#include <algorithm>

#include "model/engine/execution.hpp"

namespace mhp {

namespace {

// The memory blocks a range lock covers, in ascending order.
std::pair<std::uint32_t, std::uint32_t> block_span(const Kernel& k, const OpArgs& a) {
  Pfn end = a.start + std::max<Pfn>(a.nr_pages, 1);
  return {k.block_of(a.start), k.block_of(end - 1)};
}

Mutex& device_lock_of(Kernel& k, const OpArgs& a) {
  if (a.pgmap >= 0) return k.pgmaps[a.pgmap]->dev_lock;
  return k.blocks[k.block_of(a.start)]->dev_lock;
}

// lock_device_hotplug_sysfs(): trylock, else sleep and restart the syscall
// (run_program() runs the op again); a trylock adds no lock-order dependency.
bool take(Mutex& m, bool trylock, OpState& st) {
  if (!trylock) {
    m.lock();
    return true;
  }
  if (m.trylock()) return true;
  st.restart_on = &m;
  return false;
}

// kernfs_get_active() of the range's blocks' attributes, in ascending
// order: a block without a node (not registered, or being removed) fails the
// whole acquire, and the references already taken are put. The write side,
// kernfs_drain(), is device_unregister()'s (model/kernel/memory_block.cpp).
bool kernfs_active(Kernel& k, const OpArgs& a, bool acquire) {
  auto [lo, hi] = block_span(k, a);
  if (!acquire) {
    for (std::uint32_t b = hi + 1; b-- > lo;) k.blocks[b]->kn_active->put();
    return true;
  }
  for (std::uint32_t b = lo; b <= hi; ++b) {
    MemoryBlock& mb = *k.blocks[b];
    // the attribute exists once device_register() has run (kernfs's own
    // locks order the lookup: not a data access)
    k.ex.emit(EvKind::Check, 0, mb.registered.id, mb.registered.v);
    if (mb.kn_active->get(mb.registered.v != 0)) continue;
    while (b-- > lo) k.blocks[b]->kn_active->put();
    return false;
  }
  return true;
}

}  // namespace

bool lock_op(Kernel& k, const OpNode& n, OpState& st, bool acquire) {
  const OpArgs& a = st.args;
  bool write = n.write;
  auto rw = [&](PercpuRwsem& s) {
    if (acquire)
      write ? s.down_write() : s.down_read();
    else
      write ? s.up_write() : s.up_read();
    return true;
  };
  auto mx = [&](Mutex& m) {
    if (acquire) return take(m, n.trylock, st);
    m.unlock();
    return true;
  };
  switch (n.lock) {
    case LockId::MemHotplug: return rw(k.mem_hotplug_lock);
    case LockId::CpuHotplug: return rw(k.cpu_hotplug_lock);
    case LockId::DeviceHotplug: return mx(k.device_hotplug_lock);
    case LockId::Resource:
      if (acquire)
        write ? k.resource_lock.write_lock() : k.resource_lock.read_lock();
      else
        write ? k.resource_lock.write_unlock() : k.resource_lock.read_unlock();
      return true;
    case LockId::PgdatResize: return mx(k.nodes[a.nid]->node_size_lock);
    case LockId::ZoneSpan: {
      Seqlock& s = k.zone(a.nid, a.zone).span_seqlock;
      acquire ? s.write_lock() : s.write_unlock();
      return true;
    }
    case LockId::ZoneLock: return mx(k.zone(a.nid, a.zone).lock);
    case LockId::DeviceLock: return mx(device_lock_of(k, a));
    case LockId::PgmapLock: return mx(k.pgmap_lock);
    case LockId::PgmapXa: return mx(k.pgmap_xa_lock);
    case LockId::Rcu: acquire ? k.rcu.read_lock() : k.rcu.read_unlock(); return true;
    case LockId::MmapLock:
      if (acquire)
        write ? k.mm->mmap_lock.write_lock() : k.mm->mmap_lock.read_lock();
      else
        write ? k.mm->mmap_lock.write_unlock() : k.mm->mmap_lock.read_unlock();
      return true;
    case LockId::Ptl: return mx(k.mm->ptl);
    case LockId::DmirrorLock: return mx(k.dmirror(a.pgmap).lock);
    case LockId::MemHotplugRange: {
      auto [lo, hi] = block_span(k, a);
      if (acquire)
        for (std::uint32_t b = lo; b <= hi; ++b) k.blocks[b]->range_lock.lock();
      else
        for (std::uint32_t b = hi + 1; b-- > lo;) k.blocks[b]->range_lock.unlock();
      return true;
    }
    case LockId::KernfsActive: return kernfs_active(k, a, acquire);
    case LockId::KernfsActiveProbe:
      if (!acquire) k.probe_kn_active->put();
      return !acquire || k.probe_kn_active->get(true);
    case LockId::MemoryChain: {
      Rwlock& s = k.memory_chain->rwsem;
      if (acquire)
        write ? s.write_lock() : s.read_lock();
      else
        write ? s.write_unlock() : s.read_unlock();
      return true;
    }
    case LockId::SlabMutex: return mx(k.memory_chain->slab_mutex);
    case LockId::KsmThreadMutex: return mx(k.memory_chain->ksm_thread_mutex);
    case LockId::MemoryTierLock: return mx(k.memory_chain->memory_tier_lock);
    case LockId::CpusetMutex: return mx(k.memory_chain->cpuset_mutex);
  }
  return true;
}

}  // namespace mhp
