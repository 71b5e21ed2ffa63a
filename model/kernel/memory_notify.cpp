// drivers/base/memory.c memory_notify(): the memory hotplug notifier chain
// (MEM_GOING_ONLINE ... MEM_CANCEL_OFFLINE). The chain's callbacks and its
// rwsem are step programs (model/ops/memory_notify/, expanded into every
// memory_notify(ACTION) step by the catalogue); this file has the callbacks'
// primitives that decide from the notifier's arg whether to lock at all.
// The arg (status_change_nid*) is the caller's node_states_check_changes_*()
// result: read here from the model's counters without an event, as the
// caller computes it under mem_hotplug_lock.
#include "model/kernel/primitives.hpp"

namespace mhp {

namespace {

bool memory_notify(Kernel&, OpState&) { return true; }
// A kernel function whose state the model does not keep (hugetlb pools, pcp
// lists, vmemmap accounting), present where the kernel can fail there.
bool unmodelled(Kernel&, OpState&) { return true; }
// A notifier callback's work on state the model does not keep (slab caches,
// the ksm stable tree, cpusets), shown where it runs under a lock.
bool callback_work(Kernel&, OpState&) { return true; }

// node_states_check_changes_online(): the node gains its first memory
// (N_MEMORY) or its first memory of a zone up to ZONE_NORMAL (N_NORMAL_MEMORY).
void check_changes_online(Kernel& k, OpState& st) {
  const OpArgs& a = st.args;
  const Pgdat& nd = *k.nodes[a.nid];
  st.status_change_nid = nd.node_state_memory.v ? -1 : a.nid;
  st.status_change_nid_normal = a.zone == ZONE_NORMAL && k.zone(a.nid, ZONE_NORMAL).present_pages.v == 0 ? a.nid : -1;
}

// node_states_check_changes_offline(): the range holds all the node's
// present pages, or all those of its zones up to ZONE_NORMAL.
void check_changes_offline(Kernel& k, OpState& st) {
  const OpArgs& a = st.args;
  const Pgdat& nd = *k.nodes[a.nid];
  const auto nr = std::int64_t(a.nr_pages);
  st.status_change_nid = nr >= nd.node_present_pages.v ? a.nid : -1;
  st.status_change_nid_normal = a.zone == ZONE_NORMAL && nr >= k.zone(a.nid, ZONE_NORMAL).present_pages.v ? a.nid : -1;
}

bool node_states_check_changes_online(Kernel& k, OpState& st) {
  check_changes_online(k, st);
  return true;
}
bool node_states_check_changes_offline(Kernel& k, OpState& st) {
  check_changes_offline(k, st);
  return true;
}

// The arg a callback sees: computed before MEM_GOING_*; a MEM_CANCEL_* after
// an injected veto at MEM_GOING_* finds it unset and computes it from the
// counters, which nothing has changed yet.
void need_arg(Kernel& k, OpState& st, bool online) {
  if (st.status_change_nid != OpState::kNotifyArgUnset) return;
  online ? check_changes_online(k, st) : check_changes_offline(k, st);
}

// Takes m around a callback's work, which the model keeps no state of.
void locked(Mutex& m) {
  m.lock();
  m.unlock();
}

// mm/slub.c slab_mem_going_online_callback(): a kmem_cache_node for every
// cache under slab_mutex, when the node gains normal memory; an allocation
// failure vetoes the online (-ENOMEM, the step's `fails:`).
bool slab_mem_going_online_callback(Kernel& k, OpState& st) {
  need_arg(k, st, true);
  if (st.status_change_nid_normal >= 0) locked(k.memory_chain->slab_mutex);
  return true;
}

// slab_mem_offline_callback() (MEM_OFFLINE, MEM_CANCEL_ONLINE): frees the
// node's kmem_cache_nodes (v6.1+: clears it in slab_nodes) under slab_mutex
// when the node loses its last normal memory.
bool slab_mem_offline_callback_offline(Kernel& k, OpState& st) {
  need_arg(k, st, false);
  if (st.status_change_nid_normal >= 0) locked(k.memory_chain->slab_mutex);
  return true;
}
bool slab_mem_offline_callback_cancel_online(Kernel& k, OpState& st) {
  need_arg(k, st, true);
  if (st.status_change_nid_normal >= 0) locked(k.memory_chain->slab_mutex);
  return true;
}

// mm/memory-tiers.c memtier_hotplug_callback() (v6.1+): MEM_ONLINE and
// MEM_OFFLINE of a node changing status update its memory tier and the
// demotion targets under memory_tier_lock.
bool memtier_hotplug_callback_online(Kernel& k, OpState& st) {
  need_arg(k, st, true);
  if (st.status_change_nid >= 0) locked(k.memory_chain->memory_tier_lock);
  return true;
}
bool memtier_hotplug_callback_offline(Kernel& k, OpState& st) {
  need_arg(k, st, false);
  if (st.status_change_nid >= 0) locked(k.memory_chain->memory_tier_lock);
  return true;
}

// drivers/acpi/numa/hmat.c hmat_callback(): MEM_ONLINE of a node changing
// status registers its memory target (hmat_register_target(), target_lock).
bool hmat_callback(Kernel& k, OpState& st) {
  need_arg(k, st, true);
  if (st.status_change_nid >= 0) locked(k.memory_chain->target_lock);
  return true;
}

}  // namespace

void add_memory_notify_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"memory_notify", memory_notify,
           "drivers/base/memory.c memory_notify(): the memory notifier chain (no callbacks)"},
          {"unmodelled", unmodelled, "a kernel function whose state the model does not keep; a failure point only"},
          {"callback_work", callback_work, "a notifier callback's work on state the model does not keep"},
          {"node_states_check_changes_online", node_states_check_changes_online,
           "mm/memory_hotplug.c node_states_check_changes_online(): the notifier's status_change_nid*"},
          {"node_states_check_changes_offline", node_states_check_changes_offline,
           "mm/memory_hotplug.c node_states_check_changes_offline(): the notifier's status_change_nid*"},
          {"slab_mem_going_online_callback", slab_mem_going_online_callback,
           "mm/slub.c slab_mem_going_online_callback(): slab_mutex if the node gains normal memory"},
          {"slab_mem_offline_callback_offline", slab_mem_offline_callback_offline,
           "mm/slub.c slab_mem_offline_callback() at MEM_OFFLINE: slab_mutex if the node loses its normal memory"},
          {"slab_mem_offline_callback_cancel_online", slab_mem_offline_callback_cancel_online,
           "mm/slub.c slab_mem_offline_callback() at MEM_CANCEL_ONLINE: slab_mutex if the node was gaining normal "
           "memory"},
          {"memtier_hotplug_callback_online", memtier_hotplug_callback_online,
           "mm/memory-tiers.c memtier_hotplug_callback() at MEM_ONLINE: memory_tier_lock if the node changes status"},
          {"memtier_hotplug_callback_offline", memtier_hotplug_callback_offline,
           "mm/memory-tiers.c memtier_hotplug_callback() at MEM_OFFLINE: memory_tier_lock if the node changes status"},
          {"hmat_callback", hmat_callback,
           "drivers/acpi/numa/hmat.c hmat_callback(): target_lock if the node changes status"},
      });
  // clang-format on
}

}  // namespace mhp
