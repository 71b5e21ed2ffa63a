// drivers/base/memory.c: memory block devices, their state and online_type.
#include <algorithm>
#include <utility>

#include "model/kernel/primitives.hpp"

namespace mhp {

namespace {

template <class Fn>
void each_block(Kernel& k, const OpState& st, Fn fn) {
  if (st.args.nr_pages == 0) return;
  for (std::uint32_t b = k.block_of(st.args.start); b <= k.block_of(st.args.start + st.args.nr_pages - 1); ++b)
    fn(*k.blocks[b]);
}

// init_memory_block() -> register_memory(): device_register() of a block,
// state MEM_OFFLINE. From here user space can online it.
void register_block(Kernel& k, MemoryBlock& b) {
  k.write(b.state, MEM_OFFLINE);
  // device_register() -> bus_probe_device() -> device_lock() of the new
  // block: the MHP -> DEV dependency of docs/KERNEL_REFERENCE.md §3.9
  Frame f(k.ex, k.ex.stacks().fn("device_register"));
  b.dev_lock.lock();
  k.write(b.registered, 1);
  b.dev_lock.unlock();
}

// create_memory_block_devices() (v5.3+, C7): every block of the range at
// once, after arch_add_memory(). Nothing for ZONE_DEVICE (no memory blocks).
bool create_memory_block_devices(Kernel& k, OpState& st) {
  if (st.args.pgmap >= 0) return true;
  each_block(k, st, [&](MemoryBlock& b) {
    b.nr_vmemmap_pages = st.vmemmap_pages;  // init_memory_block(): before the device is registered
    b.nid = st.args.nid;
    register_block(k, b);
  });
  return true;
}

// device_unregister() of a block (remove_memory_block_devices(), or
// unregister_memory() before v5.3): kernfs_remove() of its sysfs files
// deactivates them and kernfs_drain() waits for the shows and stores that
// hold an active reference (lockdep: a write acquire of kn->active, under
// whatever the remover holds: device_hotplug_lock, mem_hotplug_lock); then
// the device is gone and its nodes are freed.
void unregister_block(Kernel& k, MemoryBlock& b) {
  {
    Frame f(k.ex, k.ex.stacks().fn("kernfs_drain"));
    b.kn_active->drain();
  }
  k.write(b.registered, 0);
  b.kn_active->removed();
}

bool remove_memory_block_devices(Kernel& k, OpState& st) {
  each_block(k, st, [&](MemoryBlock& b) {
    unregister_block(k, b);
    b.nr_vmemmap_pages = 0;  // the block and its altmap are freed
  });
  return true;
}

// The sections of the operation's range that fall in section s's block.
std::pair<std::uint32_t, std::uint32_t> block_sections_in_range(const Kernel& k, const OpState& st, std::uint32_t s) {
  std::uint32_t per = k.geo.sections_per_block, lo = s / per * per, hi = lo + per - 1;
  std::uint32_t first = k.geo.section_of(st.args.start), last = k.geo.section_of(st.args.start + st.args.nr_pages - 1);
  return {std::max(lo, first), std::min(hi, last)};
}

// hotplug_memory_register() (v4.19..v5.2), from __add_section() for section
// st.cur right after its memmap is present: the block's first section
// registers the block device (MEM_OFFLINE, init_memory_block()), the others
// only count themselves (section_count++). So a block can be onlined while
// its later sections are still being added.
bool hotplug_memory_register(Kernel& k, OpState& st) {
  if (st.args.pgmap >= 0 || st.args.nr_pages == 0) return true;  // want_memblock is false for ZONE_DEVICE
  std::uint32_t s = std::uint32_t(st.cur);
  if (block_sections_in_range(k, st, s).first == s) {
    k.blocks[s / k.geo.sections_per_block]->nid = st.args.nid;  // mem->nid, before device_register()
    register_block(k, *k.blocks[s / k.geo.sections_per_block]);
  }
  return true;
}

// unregister_memory_section() -> remove_memory_section() (v4.19..v5.2), from
// __remove_section() for section st.cur: section_count--, and the block
// device goes with its last section.
bool unregister_memory_section(Kernel& k, OpState& st) {
  if (st.args.nr_pages == 0) return true;
  std::uint32_t s = std::uint32_t(st.cur);
  if (block_sections_in_range(k, st, s).second == s) unregister_block(k, *k.blocks[s / k.geo.sections_per_block]);
  return true;
}

// walk_memory_blocks(check_memblock_offlined_cb): every block device of the
// range must be MEM_OFFLINE (is_memblock_offlined(); from v6.1 the same test
// written inline), else -EBUSY (BUG() before v5.3); blocks without a device
// are skipped (find_memory_block() finds none).
bool check_memblock_offlined_cb(Kernel& k, OpState& st) {
  bool ok = true;
  each_block(k, st, [&](MemoryBlock& b) { ok = ok && (!k.read(b.registered) || k.read(b.state) == MEM_OFFLINE); });
  return ok;
}

// state_store(): mem->online_type = ... (under device_hotplug_lock)
bool set_online_type(Kernel& k, OpState& st) {
  each_block(k, st, [&](MemoryBlock& b) { k.write(b.online_type, st.args.zone == ZONE_MOVABLE ? 2 : 1); });
  return true;
}

// device_online()/device_offline(): find the block and check its state; a
// block that is not registered or already in the target state stops here.
bool block_is(Kernel& k, OpState& st, std::int64_t want) {
  bool ok = true;
  each_block(k, st, [&](MemoryBlock& b) { ok = ok && k.read(b.registered) && k.read(b.state) == want; });
  return ok;
}
bool device_online_check(Kernel& k, OpState& st) { return block_is(k, st, MEM_OFFLINE); }
bool device_offline_check(Kernel& k, OpState& st) { return block_is(k, st, MEM_ONLINE); }

// memory_block_change_state(): mem->state (under device_lock(&mem->dev)).
bool set_state(Kernel& k, OpState& st, std::int64_t s) {
  each_block(k, st, [&](MemoryBlock& b) { k.write(b.state, s); });
  return true;
}
bool mem_state_online(Kernel& k, OpState& st) { return set_state(k, st, MEM_ONLINE); }
bool mem_state_going_offline(Kernel& k, OpState& st) { return set_state(k, st, MEM_GOING_OFFLINE); }
bool mem_state_offline(Kernel& k, OpState& st) { return set_state(k, st, MEM_OFFLINE); }

// --- the sysfs readers of /sys/devices/system/memory/memoryN/ ---
// Every show runs under a kernfs_get_active() of the attribute (seq_read()
// -> kernfs_seq_start()): the programs' `kernfs_active` read region
// (model/ops/lock_dispatch.cpp), which unregister_block() drains.

// state_show() (show_mem_state() before v5.0): a plain load of mem->state,
// no device_lock(): memory_block_change_state() stores it under the device
// lock the reader does not take.
bool state_show(Kernel& k, OpState& st) {
  each_block(k, st, [&](MemoryBlock& b) { k.read(b.state); });
  return true;
}

// removable_show() (v4.19..v5.3) and valid_zones_show(): `mem->state ==
// MEM_ONLINE`, the same unlocked load; false takes the not-online path.
bool mem_state_is_online(Kernel& k, OpState& st) {
  bool online = true;
  each_block(k, st, [&](MemoryBlock& b) { online = k.read(b.state) == MEM_ONLINE && online; });
  return online;
}

// Shows that read nothing hotplug changes: mem->phys_device (up to v5.11)
// is written once by init_memory_block() before device_register();
// arch_get_memory_phys_device() is the weak default 0 on x86; removable_show()
// after 53cdc1cb29e8 prints IS_ENABLED(CONFIG_MEMORY_HOTREMOVE).
bool no_shared_read(Kernel&, OpState&) { return true; }

}  // namespace

void add_memory_block_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"create_memory_block_devices", create_memory_block_devices,
           "drivers/base/memory.c create_memory_block_devices() (v5.3+)"},
          {"remove_memory_block_devices", remove_memory_block_devices,
           "drivers/base/memory.c remove_memory_block_devices() (v5.3+)"},
          {"hotplug_memory_register", hotplug_memory_register,
           "drivers/base/memory.c hotplug_memory_register() (v4.19..v5.2): per section"},
          {"unregister_memory_section", unregister_memory_section,
           "drivers/base/memory.c unregister_memory_section() (v4.19..v5.2): per section"},
          {"check_memblock_offlined_cb", check_memblock_offlined_cb,
           "mm/memory_hotplug.c check_memblock_offlined_cb()"},
          {"set_online_type", set_online_type, "drivers/base/memory.c state_store(): mem->online_type"},
          {"device_online_check", device_online_check,
           "drivers/base/core.c device_online(): block registered and offline"},
          {"device_offline_check", device_offline_check,
           "drivers/base/core.c device_offline(): block registered and online"},
          {"mem_state_online", mem_state_online, "drivers/base/memory.c memory_block_change_state(MEM_ONLINE)"},
          {"mem_state_going_offline", mem_state_going_offline,
           "drivers/base/memory.c memory_block_change_state(MEM_GOING_OFFLINE)"},
          {"mem_state_offline", mem_state_offline, "drivers/base/memory.c memory_block_change_state(MEM_OFFLINE)"},
          // the sysfs readers
          {"state_show", state_show,
           "drivers/base/memory.c state_show() (show_mem_state() before v5.0): mem->state, no lock"},
          {"mem_state_is_online", mem_state_is_online,
           "drivers/base/memory.c removable_show() / valid_zones_show(): mem->state == MEM_ONLINE, no lock"},
          {"phys_device_show", no_shared_read,
           "drivers/base/memory.c phys_device_show() (v4.19..v5.11): mem->phys_device, written once before "
           "device_register()"},
          {"arch_get_memory_phys_device", no_shared_read,
           "drivers/base/memory.c arch_get_memory_phys_device() (v5.12+, 5.10.y): the weak default, 0"},
          {"removable_show", no_shared_read,
           "drivers/base/memory.c removable_show() (53cdc1cb29e8, v5.7; 5.4.y): IS_ENABLED(CONFIG_MEMORY_HOTREMOVE)"},
      });
  // clang-format on
}

}  // namespace mhp
