#include "model/kernel/memremap.hpp"

namespace mhp {

namespace {
// dev_pagemap_percpu_release(): the ref's release callback completes pgmap->done.
void dev_pagemap_percpu_release(void* arg) { static_cast<DevPagemap*>(arg)->done.complete(); }
}  // namespace

bool memremap_percpu_ref_init(Kernel& k, OpState& st) {
  DevPagemap& p = *k.pgmaps[st.args.pgmap];
  p.done.reset();  // init_completion() on a pgmap nobody can see yet
  p.ref.init(dev_pagemap_percpu_release, &p);
  return true;
}

bool pagemap_range_conflict_check(Kernel& k, OpState& st) {
  DevPagemap& p = *k.pgmaps[st.args.pgmap];
  for (Pfn pfn : {p.desc.start, p.pfn_end() - 1}) {
    int other = get_dev_pagemap(k, pfn);
    if (other >= 0) {
      put_dev_pagemap(k, other);
      return false;  // -ENOMEM: "Conflicting mapping"
    }
  }
  return true;
}

bool region_intersects(Kernel& k, OpState&) {
  k.resource_lock.read_lock();
  k.resource_lock.read_unlock();
  return true;
}

bool xa_store_range(Kernel& k, OpState& st) {
  DevPagemap& p = *k.pgmaps[st.args.pgmap];
  k.pgmap_xa_lock.lock();
  // rcu_assign_pointer-like stores: a reader that sees the entry sees the pgmap.
  for (Pfn pfn = p.desc.start; pfn < p.pfn_end(); ++pfn)
    k.write(k.pgmap_array[pfn], st.args.pgmap + 1, Access::Release);
  k.pgmap_xa_lock.unlock();
  return true;
}

bool percpu_ref_get_many(Kernel& k, OpState& st) {
  DevPagemap& p = *k.pgmaps[st.args.pgmap];
  p.ref.get(static_cast<long>(p.pfn_end() - p.pfn_first()));
  return true;
}

namespace {
int get_dev_pagemap_core(Kernel& k, Pfn pfn) {
  k.rcu.read_lock();
  int idx = static_cast<int>(k.read(k.pgmap_array[pfn], Access::Acquire)) - 1;  // xa_load()
  if (idx >= 0 && !k.pgmaps[idx]->ref.tryget_live()) idx = -1;
  k.rcu.read_unlock();
  return idx;
}
}  // namespace

int get_dev_pagemap(Kernel& k, Pfn pfn) {
  Frame f(k.ex, k.ex.stacks().fn("get_dev_pagemap"));
  return get_dev_pagemap_core(k, pfn);
}

void put_dev_pagemap(Kernel& k, int pgmap) {
  Frame f(k.ex, k.ex.stacks().fn("put_dev_pagemap"));
  k.pgmaps[pgmap]->ref.put(1);
}

bool get_dev_pagemap_step(Kernel& k, OpState& st) {
  st.pgmap_ref = get_dev_pagemap_core(k, st.args.start);  // the step is the frame
  return st.pgmap_ref >= 0;
}

bool put_dev_pagemap_step(Kernel& k, OpState& st) {
  if (st.pgmap_ref >= 0) k.pgmaps[st.pgmap_ref]->ref.put(1);  // the step is the frame
  st.pgmap_ref = -1;
  return true;
}

}  // namespace mhp
