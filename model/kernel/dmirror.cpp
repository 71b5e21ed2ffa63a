#include "model/kernel/dmirror.hpp"

#include "model/kernel/device_private.hpp"
#include "model/kernel/memremap.hpp"
#include "model/kernel/primitives.hpp"

namespace mhp {

DmirrorDevice::DmirrorDevice(Execution& ex, int pgmap)
    : lock(ex, "dmirror_device[" + std::to_string(pgmap) + "].lock", "mdevice->lock"),
      free_pages(named(ex, "dmirror_device[" + std::to_string(pgmap) + "].free_pages", "mdevice->free_pages")),
      chunk_remove(named(ex, "dmirror_chunk[" + std::to_string(pgmap) + "].remove", "devmem->remove")) {}

// --- lib/test_hmm.c's functions, as steps ---

namespace {

// page->zone_device_data of an allocated page: its backing RAM page
// ("rpage"), which the model does not number; for a device-coherent page
// the struct dmirror (rpage is the page itself).
constexpr std::int64_t kBackingPage = -5;
constexpr std::int64_t kDmirror = -6;

// BACKING_PAGE(page): a device-private page's data lives in a system page
// named by zone_device_data; a device-coherent page is CPU-addressable
// memory, its own backing page.
bool has_backing_page(const Kernel& k, const OpState& st) { return k.pgmaps[st.args.pgmap]->is_private(); }

// dmirror_allocate_chunk(), second half: every page of the new chunk is
// pushed on the free list under mdevice->lock (the caller's lock region).
bool dmirror_add_free_pages(Kernel& k, OpState& st) {
  DmirrorDevice& d = k.dmirror(st.args.pgmap);
  const DevPagemap& p = *k.pgmaps[st.args.pgmap];
  for (Pfn pfn = p.pfn_first(); pfn < p.pfn_end(); ++pfn) {
    std::int64_t head = k.read(d.free_pages);
    k.write_page(pfn, PageField::ZoneDeviceData, head);  // page->zone_device_data = mdevice->free_pages
    k.write(d.free_pages, std::int64_t(pfn) + 1);
  }
  return true;
}

// dmirror_devmem_alloc_page() for a page migrate_vma_setup() collected:
// pop the free list under mdevice->lock. An empty list makes the driver
// allocate another chunk (dmirror_allocate_chunk(): memremap_pages() again),
// which the model does not do: no destination, as when that allocation
// fails, and dmirror_migrate_alloc_and_copy() skips the page (`continue`).
bool dmirror_devmem_alloc_page(Kernel& k, OpState& st) {
  st.has_dpage = false;
  if (st.collected != OpState::Collected::SystemPage) return true;  // not MIGRATE_PFN_MIGRATE
  DmirrorDevice& d = k.dmirror(st.args.pgmap);
  d.lock.lock();
  std::int64_t head = k.read(d.free_pages);
  if (head > 0) {
    st.has_dpage = true;
    st.dpage = Pfn(head - 1);
    k.write(d.free_pages, k.read_page(st.dpage, PageField::ZoneDeviceData));  // dpage->zone_device_data
  }
  d.lock.unlock();
  return true;
}

// dpage->zone_device_data = rpage: the driver's backing page. For a
// coherent page rpage is NULL here (no system page is allocated), and
// dmirror_migrate_alloc_and_copy() then stores the mirror through
// BACKING_PAGE(dpage), the page itself (rpage->zone_device_data = dmirror;
// for a private page that store goes to the system page, not modelled).
bool dmirror_set_backing_page(Kernel& k, OpState& st) {
  if (!st.has_dpage) return true;
  if (has_backing_page(k, st)) {
    k.write_page(st.dpage, PageField::ZoneDeviceData, kBackingPage);
    return true;
  }
  k.write_page(st.dpage, PageField::ZoneDeviceData, 0);
  k.write_page(st.dpage, PageField::ZoneDeviceData, kDmirror);
  return true;
}

// v5.10..v5.15 dmirror_devmem_alloc_page(): get_page(dpage), from the free
// page's 1 to 2 (lock_page() is not modelled).
bool dmirror_get_page(Kernel& k, OpState& st) {
  if (!st.has_dpage) return true;
  k.page_ref_add(st.dpage, st.dpage + 1, 1);
  return true;
}

// v6.1+ dmirror_devmem_alloc_page(): zone_device_page_init(dpage)
// (zone_device_folio_init() in v7.1, `kTrygetMany`). A failed reference is
// the kernel's WARN; the page is then not used.
template <bool kTrygetMany>
bool dmirror_zone_device_page_init(Kernel& k, OpState& st) {
  if (!st.has_dpage) return true;
  if (zone_device_page_init_at(k, st.dpage, kTrygetMany) < 0) st.has_dpage = false;
  return true;
}

// dmirror_devmem_fault() (the pgmap's migrate_to_ram()): the mirror is
// found through vmf->page->zone_device_data (the backing page, whose own
// zone_device_data names the dmirror).
bool dmirror_devmem_fault(Kernel& k, OpState& st) {
  k.read_page(st.cur, PageField::ZoneDeviceData);
  return true;
}

// dmirror_devmem_fault_alloc_and_copy(): BACKING_PAGE(spage) of the page
// migrate_vma_setup() collected, copied into a new system page (a coherent
// page is copied from itself: no zone_device_data read).
bool dmirror_devmem_fault_alloc_and_copy(Kernel& k, OpState& st) {
  if (st.collected == OpState::Collected::DevicePage && has_backing_page(k, st))
    k.read_page(st.cur, PageField::ZoneDeviceData);
  return true;
}

// dmirror_device_remove_chunks() (v6.1+), under mdevice->lock: mark the
// chunk removed, so page_free() no longer returns pages to it, and take its
// pages off the free list (dmirror_remove_free_pages()); the model's device
// is one chunk, so the list ends up empty.
bool dmirror_remove_free_pages(Kernel& k, OpState& st) {
  DmirrorDevice& d = k.dmirror(st.args.pgmap);
  k.write(d.chunk_remove, 1);
  for (std::int64_t page = k.read(d.free_pages); page > 0;) {
    std::int64_t next = k.read_page(Pfn(page - 1), PageField::ZoneDeviceData);
    k.write(d.free_pages, next);
    page = next;
  }
  return true;
}

}  // namespace

void dmirror_devmem_free(Kernel& k, int pg, Pfn pfn) {
  Frame f(k.ex, k.ex.stacks().fn("dmirror_devmem_free"));
  DmirrorDevice& d = k.dmirror(pg);
  if (k.pgmaps[pg]->is_private()) k.read_page(pfn, PageField::ZoneDeviceData);  // the backing page, freed
  d.lock.lock();
  if (!k.read(d.chunk_remove)) {  // v5.x has no remove flag: it stays 0
    k.write_page(pfn, PageField::ZoneDeviceData, k.read(d.free_pages));
    k.write(d.free_pages, std::int64_t(pfn) + 1);
  }
  d.lock.unlock();
}

void add_dmirror_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(
      t.end(),
      {
          {"dmirror_add_free_pages", dmirror_add_free_pages,
           "lib/test_hmm.c dmirror_allocate_chunk(): the chunk's pages onto mdevice->free_pages"},
          {"dmirror_devmem_alloc_page", dmirror_devmem_alloc_page,
           "lib/test_hmm.c dmirror_devmem_alloc_page(): pop mdevice->free_pages under mdevice->lock"},
          {"dmirror_set_backing_page", dmirror_set_backing_page,
           "lib/test_hmm.c dmirror_devmem_alloc_page(): dpage->zone_device_data = rpage"},
          {"dmirror_get_page", dmirror_get_page,
           "lib/test_hmm.c dmirror_devmem_alloc_page() (v5.10..v5.15): get_page(dpage)"},
          {"dmirror_zone_device_page_init", dmirror_zone_device_page_init<false>,
           "mm/memremap.c zone_device_page_init() from dmirror_devmem_alloc_page() (v6.1..v6.13): "
           "percpu_ref_tryget_live()"},
          {"dmirror_zone_device_page_init_v7_1", dmirror_zone_device_page_init<true>,
           "mm/memremap.c zone_device_page_init() from dmirror_devmem_alloc_page() (v7.1): percpu_ref_tryget_many()"},
          {"dmirror_devmem_fault", dmirror_devmem_fault,
           "lib/test_hmm.c dmirror_devmem_fault(): vmf->page->zone_device_data"},
          {"dmirror_devmem_fault_alloc_and_copy", dmirror_devmem_fault_alloc_and_copy,
           "lib/test_hmm.c dmirror_devmem_fault_alloc_and_copy(): BACKING_PAGE() of the collected page"},
          {"dmirror_remove_free_pages", dmirror_remove_free_pages,
           "lib/test_hmm.c dmirror_device_remove_chunks() (v6.1+): devmem->remove, dmirror_remove_free_pages()"},
      });
  // clang-format on
}

}  // namespace mhp
