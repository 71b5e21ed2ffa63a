// Device-private and device-coherent pages in a process's page table:
// migration to and from the device (migrate_vma_*(), mm/migrate.c until
// v6.0, mm/migrate_device.c from v6.1), the CPU fault on a device-private
// entry (do_swap_page(), mm/memory.c), unmapping (zap_pte_range(),
// tlb_finish_mmu()) and a driver's eviction (migrate_device_range(), v6.1+).
// The pte lock and mmap_lock are the program's lock regions; the steps here
// run inside them.
#include "model/kernel/device_private.hpp"
#include "model/kernel/memremap.hpp"
#include "model/kernel/primitives.hpp"

namespace mhp {

std::int64_t device_private_idle_count(const Kernel& k, int pg) { return k.pgmaps[pg]->idle_at_zero ? 0 : 1; }

void put_device_private_page(Kernel& k, int pg, Pfn pfn) {
  Frame f(k.ex, k.ex.stacks().fn("put_page"));
  k.page_ref_add(pfn, pfn + 1, -1);
  std::int64_t now = k.page_value(pfn, PageField::Refcount);  // what page_ref_dec_return() returned
  if (k.pgmaps[pg]->idle_at_zero) {
    if (now != 0) return;
    Frame g(k.ex, k.ex.stacks().fn("free_zone_device_page"));
    dmirror_devmem_free(k, pg, pfn);
    put_dev_pagemap(k, pg);
    return;
  }
  if (now == 1) {
    Frame g(k.ex, k.ex.stacks().fn("free_devmap_managed_page"));
    dmirror_devmem_free(k, pg, pfn);
  } else if (now == 0) {
    put_dev_pagemap(k, pg);
  }
}

namespace {

Cell& pte_of(Kernel& k, const OpState& st) { return k.mm->pte[st.args.vpage]; }

// The device page a device-private pte names, if it belongs to the op's
// device (page->pgmap->owner == the migrating driver).
bool device_page_of(std::int64_t pte, OpState& st) {
  if (!pte_is_device(pte)) return false;
  st.cur = pte_device_pfn(pte);
  st.cur_end = st.cur + 1;
  return true;
}

// handle_pte_fault(): vmf->orig_pte, read without the pte lock (READ_ONCE
// in ptep_get() since v6.5; a plain load after barrier() before, which the
// model marks all the same: the lock-free read is by design). The fault goes
// on to do_swap_page()'s device-private branch only for such an entry; any
// other pte is a fault the model does not follow.
bool handle_pte_fault(Kernel& k, OpState& st) { return device_page_of(k.read(pte_of(k, st), Access::Once), st); }

// do_swap_page() (v6.1+, 16ce101db85d): under the pte lock, pte_same()
// against orig_pte, else back out (goto unlock).
bool pte_same(Kernel& k, OpState& st) {
  std::int64_t v = k.read(pte_of(k, st), Access::Once);
  return pte_is_device(v) && pte_device_pfn(v) == st.cur;
}

// get_page(vmf->page) while the pte lock keeps the page from being freed.
bool get_page_vmf(Kernel& k, OpState& st) {
  k.page_ref_add(st.cur, st.cur + 1, 1);
  return true;
}

// vmf->page->pgmap->ops->migrate_to_ram: page->pgmap of the faulting page.
bool migrate_to_ram(Kernel& k, OpState& st) {
  k.read_page(st.cur, PageField::Pgmap);
  return true;
}

// put_page(vmf->page) after migrate_to_ram().
bool put_page_vmf(Kernel& k, OpState& st) {
  put_device_private_page(k, st.args.pgmap, st.cur);
  return true;
}

// migrate_vma_collect_pmd() with MIGRATE_VMA_SELECT_SYSTEM (a driver
// migrating to its device), under the pte lock: a present page (or an empty
// pte of an anonymous vma) is collected; a present one is replaced by a
// migration entry (trylock_page() succeeds: lock_page is not modelled).
bool migrate_vma_collect_system(Kernel& k, OpState& st) {
  Cell& pte = pte_of(k, st);
  std::int64_t v = k.read(pte, Access::Once);
  if (v != kPteRam && v != kPteNone) return true;  // nothing to migrate: cpages stays 0
  st.collected = OpState::Collected::SystemPage;
  if (v == kPteRam) k.write(pte, kPteMigration, Access::Once);  // ptep_get_and_clear() + set_pte_at()
  return true;
}

// migrate_vma_collect_pmd() with dmirror_select_device() (lib/test_hmm.c's
// HMM_DMIRROR_MIGRATE_TO_SYS), under the pte lock: a pte naming a page of
// this driver (page->pgmap->owner) -- a device-private entry with
// MIGRATE_VMA_SELECT_DEVICE_PRIVATE, or a present pte of a device-coherent
// page with MIGRATE_VMA_SELECT_DEVICE_COHERENT (dd19e6d8ffaa, v6.0) -- is
// collected. The reference, the migration entry and the mapping's put are
// the steps after it.
// Whether the pte names a page of this driver, which is then collected.
bool collect_device_page(Kernel& k, OpState& st) {
  std::int64_t v = k.read(pte_of(k, st), Access::Once);
  if (!pte_is_device(v)) return false;  // system RAM or none: not selected
  Pfn pfn = pte_device_pfn(v);
  std::int64_t owner = k.read_page(pfn, PageField::Pgmap) - 1;  // page->pgmap->owner
  if (owner != st.args.pgmap) return false;
  st.cur = pfn;
  st.cur_end = pfn + 1;
  st.collected = OpState::Collected::DevicePage;
  return true;
}
bool migrate_vma_collect_device(Kernel& k, OpState& st) {
  collect_device_page(k, st);
  return true;
}

// get_page() / folio_get() of the collected page: the collect reference,
// which keeps the mapping's put below from freeing it.
bool migrate_vma_collect_get(Kernel& k, OpState& st) {
  if (st.collected == OpState::Collected::DevicePage) k.page_ref_add(st.cur, st.cur + 1, 1);
  return true;
}

// The migration entry in the pte's place (trylock_page() succeeds: lock_page
// is not modelled).
bool migrate_vma_collect_migration_entry(Kernel& k, OpState& st) {
  if (st.collected == OpState::Collected::DevicePage) k.write(pte_of(k, st), kPteMigration, Access::Once);
  return true;
}

// page_remove_rmap() + put_page() (folio_remove_rmap_pte() + folio_put()):
// the mapping's reference.
bool migrate_vma_collect_put(Kernel& k, OpState& st) {
  if (st.collected == OpState::Collected::DevicePage) put_device_private_page(k, st.args.pgmap, st.cur);
  return true;
}

// migrate_vma_collect_pmd() with MIGRATE_VMA_SELECT_DEVICE_PRIVATE (the
// migrate_to_ram() callback), under the pte lock: a device-private entry
// of this driver's page (page->pgmap->owner) is collected: get_page(), a
// migration entry, then page_remove_rmap() + put_page() of the mapping's
// reference; the collect reference is the one migrate_vma_finalize() puts.
bool migrate_vma_collect_device_private(Kernel& k, OpState& st) {
  if (!collect_device_page(k, st)) return true;
  migrate_vma_collect_get(k, st);
  migrate_vma_collect_migration_entry(k, st);
  migrate_vma_collect_put(k, st);
  return true;
}

// remove_migration_ptes() / migrate_vma_insert_page() (migrate_vma_pages()
// and migrate_vma_finalize()), under the pte lock: the migration entry (or
// the empty pte) now maps the new page. A pte that changed meanwhile (zapped)
// keeps its value and the new page is not mapped.
template <bool kToDevice>
bool remove_migration_pte(Kernel& k, OpState& st) {
  if (st.collected == OpState::Collected::Nothing) return true;
  Cell& pte = pte_of(k, st);
  std::int64_t v = k.read(pte, Access::Once);
  bool mapped = v == kPteMigration || (kToDevice && v == kPteNone);
  if (kToDevice && !st.has_dpage) {  // not migrated: the migration entry goes back to the source page
    if (v == kPteMigration) k.write(pte, kPteRam, Access::Once);
    return true;
  }
  if (mapped)
    k.write(pte, kToDevice ? kPteDevice + std::int64_t(st.dpage) : kPteRam, Access::Once);
  else if (kToDevice)
    st.collected = OpState::Collected::Nothing;  // the new page goes back
  return true;
}

// migrate_vma_finalize(), after the pte lock: the source page's collect
// reference is dropped (a device page: back to its driver when it was the
// last), and a destination device page that could not be mapped is put.
template <bool kToDevice>
bool migrate_vma_finalize(Kernel& k, OpState& st) {
  if (kToDevice) {
    if (st.collected == OpState::Collected::Nothing && st.has_dpage)
      put_device_private_page(k, st.args.pgmap, st.dpage);
    return true;
  }
  if (st.collected == OpState::Collected::DevicePage) put_device_private_page(k, st.args.pgmap, st.cur);
  return true;
}

// zap_pte_range(), under the pte lock: the pte is cleared; a device-private
// entry's page loses the mapping's reference (page_remove_rmap() +
// put_page()), which frees it to the driver when it was the last. A present
// pte of a device-coherent page loses its rmap here, but the reference goes
// into the mmu_gather batch (__tlb_remove_page()).
bool zap_pte_range(Kernel& k, OpState& st) {
  Cell& pte = pte_of(k, st);
  std::int64_t v = k.read(pte, Access::Once);
  if (v == kPteNone) return true;
  k.write(pte, kPteNone, Access::Once);  // ptep_get_and_clear_full()
  if (!pte_is_device(v)) return true;
  if (k.pgmaps[st.args.pgmap]->is_coherent()) {
    st.cur = pte_device_pfn(v);
    st.tlb_gathered = true;
    return true;
  }
  put_device_private_page(k, st.args.pgmap, pte_device_pfn(v));
  return true;
}

// tlb_finish_mmu() -> release_pages() (folios_put_refs() in the newer
// trees), after the pte lock: the gathered device-coherent page's put,
// free_zone_device_page() at zero.
bool tlb_finish_mmu_put(Kernel& k, OpState& st) {
  if (!st.tlb_gathered) return true;
  st.tlb_gathered = false;
  put_device_private_page(k, st.args.pgmap, st.cur);
  return true;
}

// dmirror_device_evict_chunk() (lib/test_hmm.c, v6.1+) over the device
// pfns [st.cur, st.cur_end): migrate_device_range() takes a reference on each
// page in use (get_page_unless_zero(); trylock_page() is not modelled),
// migrate_device_unmap() turns the pte mapping it into a migration entry and
// drops the mapping's reference (try_to_migrate()'s rmap walk: the model
// looks at every pte of the one process under its pte lock), the driver
// copies the backing page (BACKING_PAGE()) into a new system page, and
// migrate_device_finalize() maps that and puts the device page: the chunk is
// marked removed, so page_free() keeps it off the free list.
bool migrate_device_range(Kernel& k, OpState& st) {
  auto fn = [&](const char* name) { return k.ex.stacks().fn(name); };
  for (Pfn pfn = st.cur; pfn < st.cur_end; ++pfn) {
    {
      Frame f(k.ex, fn("get_page_unless_zero"));
      if (!k.page_ref_inc_not_zero(pfn)) continue;
    }
    int mapped = -1;
    if (k.mm) {
      Frame f(k.ex, fn("try_to_migrate"));
      k.mm->ptl.lock();
      for (std::size_t i = 0; i < k.mm->pte.size() && mapped < 0; ++i) {
        std::int64_t v = k.read(k.mm->pte[i], Access::Once);
        if (pte_is_device(v) && pte_device_pfn(v) == pfn) {
          mapped = int(i);
          k.write(k.mm->pte[i], kPteMigration, Access::Once);
          put_device_private_page(k, st.args.pgmap, pfn);  // page_remove_rmap() + put_page()
        }
      }
      k.mm->ptl.unlock();
    }
    if (k.pgmaps[st.args.pgmap]->is_private()) {  // a coherent page is copied from itself
      Frame f(k.ex, fn("dmirror_device_evict_chunk"));
      k.read_page(pfn, PageField::ZoneDeviceData);  // BACKING_PAGE(spage), copied
    }
    Frame f(k.ex, fn("migrate_device_finalize"));
    if (mapped >= 0) {
      Frame g(k.ex, fn("remove_migration_ptes"));
      k.mm->ptl.lock();
      if (k.read(k.mm->pte[std::size_t(mapped)], Access::Once) == kPteMigration)
        k.write(k.mm->pte[std::size_t(mapped)], kPteRam, Access::Once);
      k.mm->ptl.unlock();
    }
    put_device_private_page(k, st.args.pgmap, pfn);
  }
  return true;
}

}  // namespace

void add_migrate_device_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"handle_pte_fault", handle_pte_fault, "mm/memory.c handle_pte_fault(): vmf->orig_pte without the pte lock"},
          {"pte_same", pte_same, "mm/memory.c do_swap_page() (v6.1+, 16ce101db85d): pte_same() under the pte lock"},
          {"get_page_vmf", get_page_vmf, "mm/memory.c do_swap_page() (v6.1+): get_page(vmf->page) under the pte lock"},
          {"migrate_to_ram", migrate_to_ram, "mm/memory.c do_swap_page(): vmf->page->pgmap->ops->migrate_to_ram()"},
          {"put_page_vmf", put_page_vmf, "mm/memory.c do_swap_page() (v6.1+): put_page(vmf->page)"},
          {"migrate_vma_collect_system", migrate_vma_collect_system,
           "mm/migrate_device.c migrate_vma_collect_pmd(): MIGRATE_VMA_SELECT_SYSTEM"},
          {"migrate_vma_collect_device_private", migrate_vma_collect_device_private,
           "mm/migrate_device.c migrate_vma_collect_pmd(): MIGRATE_VMA_SELECT_DEVICE_PRIVATE"},
          {"remove_migration_pte_to_device", remove_migration_pte<true>,
           "mm/migrate_device.c migrate_vma_insert_page() / remove_migration_ptes(): the device entry"},
          {"remove_migration_pte_to_ram", remove_migration_pte<false>,
           "mm/migrate_device.c remove_migration_ptes(): the new system page"},
          {"migrate_vma_finalize_to_device", migrate_vma_finalize<true>,
           "mm/migrate_device.c migrate_vma_finalize(): an unmapped destination put"},
          {"migrate_vma_finalize_to_ram", migrate_vma_finalize<false>,
           "mm/migrate_device.c migrate_vma_finalize(): the device page's collect reference put"},
          {"migrate_device_range", migrate_device_range,
           "mm/migrate_device.c migrate_device_range() .. migrate_device_finalize() from lib/test_hmm.c "
           "dmirror_device_evict_chunk() (v6.1+)"},
          {"zap_pte_range", zap_pte_range,
           "mm/memory.c zap_pte_range(): clear the pte, put a device-private page (gather a device-coherent one)"},
          {"tlb_finish_mmu_put", tlb_finish_mmu_put,
           "mm/mmu_gather.c tlb_finish_mmu() -> mm/swap.c release_pages(): the gathered device-coherent page's put"},
          {"migrate_vma_collect_device", migrate_vma_collect_device,
           "mm/migrate_device.c migrate_vma_collect_pmd(): dmirror_select_device() (DEVICE_PRIVATE or "
           "DEVICE_COHERENT), this driver's page"},
          {"migrate_vma_collect_get", migrate_vma_collect_get,
           "mm/migrate_device.c migrate_vma_collect_pmd(): get_page()/folio_get(), the collect reference"},
          {"migrate_vma_collect_migration_entry", migrate_vma_collect_migration_entry,
           "mm/migrate_device.c migrate_vma_collect_pmd(): set_pte_at() of the migration entry"},
          {"migrate_vma_collect_put", migrate_vma_collect_put,
           "mm/migrate_device.c migrate_vma_collect_pmd(): the rmap and the mapping's reference (page_remove_rmap() + "
           "put_page(); folio_remove_rmap_pte() + folio_put() from v6.12)"},
      });
  // clang-format on
}

}  // namespace mhp
