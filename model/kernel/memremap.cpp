#include "model/kernel/memremap.hpp"

#include <optional>

#include "model/kernel/device_private.hpp"
#include "model/kernel/primitives.hpp"
#include "model/kernel/sparse.hpp"

namespace mhp {

namespace {

DevPagemap& pgmap_of(Kernel& k, const OpState& st) { return *k.pgmaps[st.args.pgmap]; }

// dev_pagemap_percpu_release(): the ref's release callback completes pgmap->done.
void dev_pagemap_percpu_release(void* arg) { static_cast<DevPagemap*>(arg)->done.complete(); }

void underflow_warn(Kernel& k, const DevPagemap& p, long count) {
  k.warn(
      FindingKind::Underflow, "underflow/" + std::string("pgmap->ref"),
      std::string("percpu ref (") + p.release_fn + ") <= 0 (" + std::to_string(count) + ") after switching to atomic");
}

void check_underflow(Kernel& k, int pgmap, bool before) {
  DevPagemap& p = *k.pgmaps[pgmap];
  if (!before && p.ref.underflowed()) underflow_warn(k, p, p.ref.count());
}

// percpu_ref_switch_to_atomic_rcu()'s WARN, wherever the fold runs: in
// percpu_ref_kill() itself, or after the grace period in the last reader's
// context.
void fold_warn(void* arg) {
  const DevPagemap& p = *static_cast<const DevPagemap*>(arg);
  underflow_warn(*p.kernel, p, p.ref.folded() - 1);
}

int lookup(Kernel& k, Pfn pfn) {
  k.rcu.read_lock();
  int idx = static_cast<int>(k.read_pgmap_entry(pfn, Access::Acquire)) - 1;  // xa_load()
  if (idx >= 0 && !k.pgmaps[idx]->ref.tryget_live()) idx = -1;
  k.rcu.read_unlock();
  return idx;
}

// Era A works on the resource rounded out to whole sections.
Pfn align_start(const Kernel& k, const DevPagemap& p) { return k.geo.section_start(k.geo.section_of(p.desc.start)); }
Pfn align_end(const Kernel& k, const DevPagemap& p) {
  return k.geo.section_start(k.geo.section_of(p.pfn_end() - 1) + 1);
}

// --- memremap_pages() / devm_memremap_pages() ---

// memremap_pages(): init_completion(&pgmap->done) + percpu_ref_init(&pgmap->ref)
bool percpu_ref_init_step(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  p.done.reset();  // on a pgmap nobody can see yet
  p.ref.init(dev_pagemap_percpu_release, &p);
  p.release_fn = "dev_pagemap_percpu_release";
  p.driver_ref = false;
  return true;
}

// v4.19..v5.0: pgmap->ref is the driver's, set up at probe with its own
// release callback: pmem's request queue (blk_alloc_queue_node(): the
// q_usage_counter, blk_queue_usage_counter_release, [duyck-defer-2018]'s WARN), the
// device-dax driver's (dax_pmem_percpu_release), HMM's (hmm_devmem_ref_release).
bool percpu_ref_init_driver(Kernel& k, OpState& st) {
  percpu_ref_init_step(k, st);
  DevPagemap& p = pgmap_of(k, st);
  p.driver_ref = true;
  p.release_fn = p.desc.type == PgmapType::FsDax     ? "blk_queue_usage_counter_release"
                 : p.desc.type == PgmapType::Generic ? "dax_pmem_percpu_release"
                                                     : "hmm_devmem_ref_release";
  return true;
}

// v5.3..v5.14: memremap_pages() sets up the internal pgmap->ref (24917f6b1041)
// unless the driver brings its own with ops->kill/cleanup; of the modelled
// drivers only pmem does, with its request queue's q_usage_counter
// (pmem_pagemap_kill/cleanup), until b80892ca022e (v5.15) removed external refs.
bool percpu_ref_init_v5_3(Kernel& k, OpState& st) {
  percpu_ref_init_step(k, st);
  DevPagemap& p = pgmap_of(k, st);
  if (p.desc.type == PgmapType::FsDax) {
    p.release_fn = "blk_queue_usage_counter_release";
    p.driver_ref = true;
  }
  return true;
}

// devm_memremap_pages_release() (v4.19, v4.20): after the puts, a
// percpu_ref_tryget_live() that succeeds means the driver has not killed its
// ref: dev_WARN "page mapping is still live!", and the reference is put back.
bool release_tryget_live_check(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (p.ref.tryget_live()) {
    k.warn(FindingKind::Warn, "warn/devm_memremap_pages_release/still-live",
           "devm_memremap_pages_release(): dev_WARN page mapping is still live");
    pgmap_ref_put(k, st.args.pgmap, 1);
  }
  return true;
}

// devm_request_mem_region(): the driver claims the range as a busy region; a
// range already claimed fails with -EBUSY (rule R13's guarantee).
bool devm_request_mem_region(Kernel& k, OpState& st) {
  Pfn end = st.args.start + st.args.nr_pages;
  auto busy = [](std::int64_t v) { return v != IORES_NONE; };
  if (k.read_subs(k.iomem, st.args.start, end, busy, IORES_NONE) != IORES_NONE) return false;
  k.write_subs(k.iomem, st.args.start, end, IORES_DEVICE_BASE + st.args.pgmap);
  st.busy_region = true;
  return true;
}

bool devm_release_mem_region(Kernel& k, OpState& st) {
  k.write_subs(k.iomem, st.args.start, st.args.start + st.args.nr_pages, IORES_NONE);
  return true;
}

bool conflict(Kernel& k, Pfn a, Pfn b) {
  for (Pfn pfn : {a, b}) {
    int other = get_dev_pagemap(k, pfn);
    if (other >= 0) {
      put_dev_pagemap(k, other);
      return true;
    }
  }
  return false;
}

// pagemap_range(): get_dev_pagemap() on the first and last pfn must find no
// other pgmap ("Conflicting mapping").
bool pagemap_range_conflict(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  return !conflict(k, p.desc.start, p.pfn_end() - 1);
}

// devm_memremap_pages() (v4.19..v5.2): the same test on the section-aligned span.
bool pagemap_conflict_aligned(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  return !conflict(k, align_start(k, p), align_end(k, p) - 1);
}

// region_intersects(IORESOURCE_SYSTEM_RAM) must be REGION_DISJOINT (the caller
// holds resource_lock for read around it).
bool region_intersects(Kernel& k, OpState& st) {
  auto ram = [](std::int64_t v) { return iores_system_ram(v); };
  return !iores_system_ram(k.read_subs(k.iomem, st.args.start, st.args.start + st.args.nr_pages, ram, IORES_NONE));
}

// xa_store_range(&pgmap_array, ...) (v5.0+) / pgmap_radix insert (v4.19): publish
// the pgmap for every pfn; from here get_dev_pagemap() finds it.
bool publish_pgmap(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  k.write_subs(k.pgmap_array, p.desc.start, p.pfn_end(), st.args.pgmap + 1, Access::Release);  // rcu_assign_pointer()
  return true;
}

// pgmap_array_delete() / pgmap_radix_release(): the entries go; readers may
// still see them until the grace period that follows.
bool unpublish_pgmap(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  k.write_subs(k.pgmap_array, p.desc.start, p.pfn_end(), 0, Access::Release);
  return true;
}

bool synchronize_rcu(Kernel& k, OpState&) {
  k.rcu.synchronize();
  return true;
}

// pagemap_range(): percpu_ref_get_many(&pgmap->ref, pfn_len()) -- one map-time
// reference per (compound) page; none for PRIVATE/COHERENT (C14).
bool percpu_ref_get_many_pfn_len(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (!p.is_private_or_coherent()) p.ref.get(static_cast<long>(p.pfn_len()));
  return true;
}

// [martins-compound-2020], John Hubbard: "Is there some reason that we cannot use
// range_len(), instead of pfn_end() minus pfn_first()?": one map-time
// reference per pfn of the whole range, the altmap's reserve and memmap
// pfns included, while the puts stay per activated (compound) page.
bool percpu_ref_get_many_range_len(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (!p.is_private_or_coherent()) p.ref.get(static_cast<long>(p.desc.nr_pages >> p.desc.vmemmap_shift));
  return true;
}

// devm_memremap_pages() (v4.20..v5.2): percpu_ref_get_many(ref, pfn_end - pfn_first).
bool percpu_ref_get_many_span(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  p.ref.get(static_cast<long>(p.pfn_end() - p.pfn_first()));
  return true;
}

// devm_memremap_pages() (v4.19) loop body: percpu_ref_get() for page st.cur.
bool percpu_ref_get_page(Kernel& k, OpState& st) {
  pgmap_of(k, st).ref.get(static_cast<long>(st.cur_end - st.cur));
  return true;
}

// devm_memremap_pages() (v4.19) loop body: list_del(&page->lru) stores
// LIST_POISON into the words page->pgmap aliases.
bool list_del_page_lru(Kernel& k, OpState& st) {
  k.write_pages(st.cur, st.cur_end, PageField::Pgmap, kListPoison);
  return true;
}

// devm_memremap_pages() (v4.19) loop body: page->pgmap = pgmap.
bool set_page_pgmap(Kernel& k, OpState& st) {
  k.init_pages(st.cur, st.cur_end, PageField::Pgmap, st.args.pgmap + 1);
  return true;
}

// --- memunmap_pages() / devm_memremap_pages_release() ---

bool percpu_ref_kill_step(Kernel& k, OpState& st) {
  pgmap_ref_kill(k, st.args.pgmap);
  return true;
}

// memunmap_pages(): percpu_ref_put_many(&pgmap->ref, pfn_len()) drops the
// map-time references (not for PRIVATE/COHERENT).
bool percpu_ref_put_many_pfn_len(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (!p.is_private_or_coherent()) pgmap_ref_put(k, st.args.pgmap, static_cast<long>(p.pfn_len()));
  return true;
}

// The [martins-compound-2020] RFC's unmap side: one put per compound page walked from
// pfn_first(), while the map side took the truncated count (variant V12).
bool percpu_ref_put_per_compound_page(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  Pfn step = Pfn(1) << p.desc.vmemmap_shift;
  for (Pfn pfn = p.pfn_first(); pfn < p.pfn_end(); pfn += step) pgmap_ref_put(k, st.args.pgmap, 1);
  return true;
}

// put_page() on device page st.cur (devm_memremap_pages_release(), v4.19..v5.17):
// the refcount drops from 1 to 0 and the page's pgmap reference goes with it.
bool put_page_devmap(Kernel& k, OpState& st) {
  if (k.pgmaps[st.args.pgmap]->is_private()) {  // a page still mapped goes back to its driver
    for (Pfn pfn = st.cur; pfn < st.cur_end; ++pfn) put_device_private_page(k, st.args.pgmap, pfn);
    return true;
  }
  if (Pfn zeros = k.page_ref_add(st.cur, st.cur_end, -1)) {  // each page that reached 0
    Frame f(k.ex, k.ex.stacks().fn("put_dev_pagemap"));
    pgmap_ref_put(k, st.args.pgmap, static_cast<long>(zeros));
  }
  return true;
}

// wait_for_completion(&pgmap->done): until the last reference is put.
bool wait_for_completion(Kernel& k, OpState& st) {
  pgmap_of(k, st).done.wait();
  return true;
}

// percpu_ref_exit() of the internal ref. A driver's own ref (pmem's
// q_usage_counter, v4.19..v5.14) is not exited by memremap: its cleanup,
// blk_cleanup_queue(), leaves that to the queue's release (not modelled).
void exit_internal_ref(DevPagemap& p) {
  if (!p.driver_ref) p.ref.exit();
}

// WARN_ONCE(pgmap->altmap.alloc, "failed to free all reserved pages").
bool altmap_alloc_check(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (p.desc.altmap && k.read(p.altmap_alloc) != 0)
    k.warn(FindingKind::Warn, "warn/memunmap_pages/altmap-alloc", "memunmap_pages(): WARN altmap.alloc != 0");
  return true;
}

// memunmap_pages() (v5.15+): percpu_ref_exit(), then the altmap.alloc WARN.
bool percpu_ref_exit(Kernel& k, OpState& st) {
  exit_internal_ref(pgmap_of(k, st));
  return altmap_alloc_check(k, st);
}

// dev_pagemap_cleanup() (v5.3..v5.14): right after the wait, before the
// teardown, percpu_ref_exit() unless the driver's ops->cleanup owns the ref.
bool percpu_ref_exit_cleanup(Kernel& k, OpState& st) {
  exit_internal_ref(pgmap_of(k, st));
  return true;
}

// --- devmap_managed_key (v4.19..v6.13) ---
// The key turns on the put_page() hook that reports a device page's last
// put to its pgmap (e76384884344, v4.18); each user pgmap holds one
// increment, dropped at teardown. The balance is checked per pgmap here, as
// model state (docs/KERNEL_REFERENCE.md §3.7a).

void key_inc(DevPagemap& p) {
  p.kernel->devmap_managed_key.inc();
  ++p.devmap_managed;
}

void key_dec(Kernel& k, DevPagemap& p) {
  const bool held = p.devmap_managed > 0;
  if (held) --p.devmap_managed;
  if (!k.devmap_managed_key.dec())
    k.warn(FindingKind::StaticKey, "static_key/negative-count/devmap_managed_key",
           "devmap_managed_key dropped below zero (" + std::to_string(k.devmap_managed_key.count()) + ") by " +
               p.desc.name + ", which held no increment (\"jump label: negative count!\")");
  else if (!held)
    k.warn(FindingKind::StaticKey, "static_key/dec-without-inc/devmap_managed_key",
           p.desc.name + " dropped an increment of devmap_managed_key it never took: the key goes off (count " +
               std::to_string(k.devmap_managed_key.count()) + ") while another pgmap still needs it");
}

bool wants_key_hmm_fsdax(const DevPagemap& p) { return p.desc.type == PgmapType::FsDax || p.is_private(); }

// v4.19..v5.0: dev_pagemap_get_ops(), called by pmem's setup_pagemap_fsdax()
// and by hmm_devmem_add(); device-dax takes none.
bool dev_pagemap_get_ops(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (wants_key_hmm_fsdax(p)) key_inc(p);
  return true;
}

// pmem_release_pgmap_ops(), the devm action setup_pagemap_fsdax() registered
// (v4.19..v5.0): dev_pagemap_put_ops() for fsdax. HMM registers none.
bool dev_pagemap_put_ops(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (p.desc.type == PgmapType::FsDax) key_dec(k, p);
  return true;
}

// memremap_pages(): devmap_managed_enable_get() for FS_DAX and
// DEVICE_PRIVATE (v5.3..v5.15; "need_devmap_managed" before v5.10).
bool devmap_managed_enable_get(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (wants_key_hmm_fsdax(p)) key_inc(p);
  return true;
}

// v6.1..v6.13 (CONFIG_FS_DAX): FS_DAX only.
bool devmap_managed_enable_get_fsdax(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (p.desc.type == PgmapType::FsDax) key_inc(p);
  return true;
}

// devmap_managed_enable_put() for the types that took the key: v5.3's devm
// action runs only where the get registered it; v5.10..v5.15's
// memunmap_pages() checks the type (46b1ee38b2ba).
bool devmap_managed_enable_put(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (wants_key_hmm_fsdax(p)) key_dec(k, p);
  return true;
}

bool devmap_managed_enable_put_fsdax(Kernel& k, OpState& st) {
  DevPagemap& p = pgmap_of(k, st);
  if (p.desc.type == PgmapType::FsDax) key_dec(k, p);
  return true;
}

// v5.4 (6f42193fd86e dropped the devm action): memunmap_pages() and
// memremap_pages()'s err_array drop the key for every pgmap type, while only
// FS_DAX and DEVICE_PRIVATE took it -- a device-dax or P2PDMA unmap drives
// the count below zero ("jump label: negative count!", fixed by 46b1ee38b2ba).
bool devmap_managed_enable_put_all(Kernel& k, OpState& st) {
  key_dec(k, pgmap_of(k, st));
  return true;
}

// --- walker steps on the pgmap lookup (pfn st.cur) ---

bool get_dev_pagemap_step(Kernel& k, OpState& st) {
  st.pgmap_ref = lookup(k, st.cur);  // the step is the frame
  return st.pgmap_ref >= 0;
}

bool put_dev_pagemap_step(Kernel& k, OpState& st) {
  if (st.pgmap_ref >= 0) pgmap_ref_put(k, st.pgmap_ref, 1);  // the step is the frame
  st.pgmap_ref = -1;
  return true;
}

// pgmap_pfn_valid() (v5.12+, C10): false for the altmap reserve and the pfns
// hosting the memmap; memory_failure_dev_pagemap() then drops the ref and bails.
bool pgmap_pfn_valid(Kernel& k, OpState& st) {
  const DevPagemap& p = *k.pgmaps[st.pgmap_ref];
  if (st.cur >= p.pfn_first() && st.cur < p.pfn_end()) return true;
  put_dev_pagemap(k, st.pgmap_ref);
  st.pgmap_ref = -1;
  return false;
}

}  // namespace

int get_dev_pagemap(Kernel& k, Pfn pfn) {
  Frame f(k.ex, k.ex.stacks().fn("get_dev_pagemap"));
  return lookup(k, pfn);
}

int zone_device_page_init_at(Kernel& k, Pfn pfn, bool tryget_many) {
  const std::int64_t pg = k.read_page(pfn, PageField::Pgmap) - 1;  // page_pgmap(page)
  if (pg < 0 || pg >= std::int64_t(k.pgmaps.size())) return -1;
  PercpuRef& ref = k.pgmaps[std::size_t(pg)]->ref;
  if (tryget_many ? !ref.tryget(1) : !ref.tryget_live()) {
    if (tryget_many)
      k.warn(FindingKind::Warn, "warn/zone_device_page_init/tryget_many-failed",
             "zone_device_page_init(): WARN percpu_ref_tryget_many() failed: the pgmap ref is at zero");
    else
      k.warn(FindingKind::Warn, "warn/zone_device_page_init/tryget_live-failed",
             "zone_device_page_init(): WARN percpu_ref_tryget_live() failed: allocating after memunmap_pages()");
    return -1;
  }
  k.write_page(pfn, PageField::Refcount, 1);  // set_page_count(page, 1)
  return int(pg);
}

void put_dev_pagemap(Kernel& k, int pgmap) {
  Frame f(k.ex, k.ex.stacks().fn("put_dev_pagemap"));
  pgmap_ref_put(k, pgmap, 1);
}

void pgmap_ref_put(Kernel& k, int pgmap, long n) {
  bool before = k.pgmaps[pgmap]->ref.underflowed();
  k.pgmaps[pgmap]->ref.put(n);
  check_underflow(k, pgmap, before);
}

void pgmap_ref_kill(Kernel& k, int pgmap) {
  Frame f(k.ex, k.ex.stacks().fn("percpu_ref_kill"));
  k.pgmaps[pgmap]->ref.kill();  // the fold's WARN comes through fold_warn()
}

void pgmap_ref_setup(Kernel& k, DevPagemap& p) {
  p.kernel = &k;
  p.ref.bind_rcu(k.rcu);  // the switch to atomic waits for its grace period
  p.ref.set_fold_warn(fold_warn, &p);
}

void r13_map_done(Kernel& k, const OpState& st, bool ok) {
  if (!ok || st.args.pgmap < 0) return;  // a failed map registers no release
  DevPagemap& p = *k.pgmaps[st.args.pgmap];
  p.release_registered = true;
  if (st.busy_region) return;
  // In the map's frame: a program that is one `call: memremap_pages` (for
  // its error labels) has left it by the time the op returns.
  std::optional<Frame> f;
  if (k.ex.self().stack == 0) f.emplace(k.ex, k.ex.stacks().fn("memremap_pages"));
  k.warn(FindingKind::Scope, "scope/R13/iomem_resource/memremap_pages",
         "memremap_pages() mapped " + p.desc.name +
             " without owning its range as a busy iomem region "
             "(no successful request_region()): nothing keeps a second mapping or its release off the range (rule R13)",
         "R13");
}

void devmap_managed_teardown_done(Kernel& k, const OpState& st, FnId op) {
  if (st.args.pgmap < 0) return;
  const DevPagemap& p = *k.pgmaps[st.args.pgmap];
  if (p.devmap_managed == 0) return;
  std::optional<Frame> f;
  if (k.ex.self().stack == 0) f.emplace(k.ex, op);
  k.warn(FindingKind::StaticKey, "static_key/leak/devmap_managed_key",
         p.desc.name + " was torn down still holding " + std::to_string(p.devmap_managed) +
             " increment(s) of devmap_managed_key: the key stays on with no pgmap that needs it");
}

void r13_release_start(Kernel& k, const OpState& st) {
  if (st.args.pgmap < 0) return;
  DevPagemap& p = *k.pgmaps[st.args.pgmap];
  if (p.release_registered) return;
  Frame f(k.ex, k.ex.stacks().fn("devm_memremap_pages_release"));
  k.warn(FindingKind::Scope, "scope/R13/dev_pagemap/devm_memremap_pages_release",
         "the release of " + p.desc.name +
             " started before its devm_memremap_pages() had succeeded: devres "
             "registers the release only after the map (rule R13), so this release belongs to no mapping of its own",
         "R13");
}

void add_memremap_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"percpu_ref_init", percpu_ref_init_step,
           "mm/memremap.c memremap_pages(): init_completion() + percpu_ref_init()"},
          {"percpu_ref_init_driver", percpu_ref_init_driver,
           "the driver's percpu_ref_init() at probe (v4.19..v5.0: pmem's q_usage_counter, dax_pmem, hmm_devmem)"},
          {"percpu_ref_init_v5_3", percpu_ref_init_v5_3,
           "mm/memremap.c memremap_pages() (v5.3..v5.14): internal ref, or pmem's q_usage_counter"},
          {"percpu_ref_tryget_live", release_tryget_live_check,
           "kernel/memremap.c devm_memremap_pages_release() (v4.19, v4.20): WARN if the ref is still live"},
          {"devm_request_mem_region", devm_request_mem_region,
           "kernel/resource.c __request_region(): the driver's busy region"},
          {"devm_release_mem_region", devm_release_mem_region, "kernel/resource.c __release_region()"},
          {"pagemap_range_conflict", pagemap_range_conflict,
           "mm/memremap.c pagemap_range(): get_dev_pagemap() on both ends"},
          {"pagemap_conflict_aligned", pagemap_conflict_aligned,
           "kernel/memremap.c devm_memremap_pages() (v4.19): get_dev_pagemap() on the aligned ends"},
          {"region_intersects", region_intersects, "kernel/resource.c region_intersects(IORESOURCE_SYSTEM_RAM)"},
          {"xa_store_range", publish_pgmap, "mm/memremap.c pagemap_range(): xa_store_range(&pgmap_array)"},
          {"pgmap_radix_insert", publish_pgmap, "kernel/memremap.c devm_memremap_pages() (v4.19): radix tree inserts"},
          {"pgmap_array_delete", unpublish_pgmap, "mm/memremap.c pgmap_array_delete()"},
          {"pgmap_radix_release", unpublish_pgmap, "kernel/memremap.c pgmap_radix_release() (v4.19)"},
          {"synchronize_rcu", synchronize_rcu, "kernel/rcu synchronize_rcu()"},
          {"percpu_ref_get_many", percpu_ref_get_many_pfn_len,
           "mm/memremap.c pagemap_range(): percpu_ref_get_many(pfn_len())"},
          {"percpu_ref_get_many_range_len", percpu_ref_get_many_range_len,
           "[martins-compound-2020] question: percpu_ref_get_many(range_len()) instead of pfn_len()"},
          {"percpu_ref_get_many_span", percpu_ref_get_many_span,
           "mm/memremap.c devm_memremap_pages() (v4.20): percpu_ref_get_many(pfn_end - pfn_first)"},
          {"percpu_ref_get", percpu_ref_get_page,
           "kernel/memremap.c devm_memremap_pages() (v4.19): percpu_ref_get() per page"},
          {"list_del", list_del_page_lru, "kernel/memremap.c devm_memremap_pages() (v4.19): list_del(&page->lru)"},
          {"set_page_pgmap", set_page_pgmap, "kernel/memremap.c devm_memremap_pages() (v4.19): page->pgmap = pgmap"},
          {"percpu_ref_kill", percpu_ref_kill_step, "lib/percpu-refcount.c percpu_ref_kill()"},
          {"percpu_ref_put_many", percpu_ref_put_many_pfn_len,
           "mm/memremap.c memunmap_pages(): percpu_ref_put_many(pfn_len())"},
          {"percpu_ref_put_per_compound_page", percpu_ref_put_per_compound_page,
           "[martins-compound-2020] RFC: one put per compound page from pfn_first()"},
          {"put_page", put_page_devmap, "include/linux/mm.h put_page() -> put_dev_pagemap() at refcount 0"},
          {"wait_for_completion", wait_for_completion, "kernel/sched/completion.c wait_for_completion(&pgmap->done)"},
          {"percpu_ref_exit", percpu_ref_exit, "mm/memremap.c memunmap_pages(): percpu_ref_exit(), altmap.alloc check"},
          {"percpu_ref_exit_cleanup", percpu_ref_exit_cleanup,
           "mm/memremap.c dev_pagemap_cleanup() (v5.3..v5.14): percpu_ref_exit() of the internal ref"},
          {"altmap_alloc_check", altmap_alloc_check, "mm/memremap.c memunmap_pages(): WARN_ONCE(pgmap->altmap.alloc)"},
          {"get_dev_pagemap", get_dev_pagemap_step, "mm/memremap.c get_dev_pagemap()"},
          {"put_dev_pagemap", put_dev_pagemap_step, "include/linux/memremap.h put_dev_pagemap()"},
          {"pgmap_pfn_valid", pgmap_pfn_valid, "mm/memremap.c pgmap_pfn_valid() (v5.12+)"},
          {"dev_pagemap_get_ops", dev_pagemap_get_ops,
           "kernel/memremap.c dev_pagemap_get_ops() (v4.19..v5.0): pmem fsdax, hmm_devmem_add()"},
          {"dev_pagemap_put_ops", dev_pagemap_put_ops,
           "drivers/nvdimm/pmem.c pmem_release_pgmap_ops() -> dev_pagemap_put_ops() (v4.19..v5.0)"},
          {"devmap_managed_enable_get", devmap_managed_enable_get,
           "mm/memremap.c devmap_managed_enable_get() (v5.3..v5.15): FS_DAX, DEVICE_PRIVATE"},
          {"devmap_managed_enable_get_fsdax", devmap_managed_enable_get_fsdax,
           "mm/memremap.c devmap_managed_enable_get() (v6.1..v6.13): FS_DAX"},
          {"devmap_managed_enable_put", devmap_managed_enable_put,
           "mm/memremap.c devmap_managed_enable_put() (v5.3 devm action, v5.10..v5.15): FS_DAX, DEVICE_PRIVATE"},
          {"devmap_managed_enable_put_fsdax", devmap_managed_enable_put_fsdax,
           "mm/memremap.c devmap_managed_enable_put() (v6.1..v6.13): FS_DAX"},
          {"devmap_managed_enable_put_all", devmap_managed_enable_put_all,
           "mm/memremap.c devmap_managed_enable_put() (v5.4): every pgmap type"},
      });
  // clang-format on
}

}  // namespace mhp
