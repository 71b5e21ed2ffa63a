// struct page (include/linux/mm_types.h) as the model keeps it: the fields
// pfn walkers read, plus per-pfn model metadata that is not kernel state: the
// initialisation state of docs/KERNEL_REFERENCE.md §2.5 and which fields have been
// written since the memmap was last allocated or poisoned.
#pragma once
#include <cstdint>

namespace mhp {

// ZoneDeviceData: page->zone_device_data, the driver's word of a ZONE_DEVICE
// page (next to page->pgmap; lib/test_hmm.c keeps its free list in it).
enum class PageField : std::uint8_t { Flags = 0, Refcount = 1, Pgmap = 2, CompoundHead = 3, ZoneDeviceData = 4 };
constexpr unsigned kPageFields = 5;
constexpr std::uint8_t kAllPageFields = (1u << kPageFields) - 1;
inline const char* page_field_name(PageField f) {
  switch (f) {
    case PageField::Flags: return "page->flags";
    case PageField::Refcount: return "page->_refcount";
    case PageField::Pgmap: return "page->pgmap";
    case PageField::CompoundHead: return "page->compound_head";
    case PageField::ZoneDeviceData: return "page->zone_device_data";
  }
  return "page->?";
}

// docs/KERNEL_REFERENCE.md §2.5, the per-pfn initialisation state machine.
enum class PageState : std::uint8_t {
  Absent,       // no memmap (section not valid / subsection not present)
  Uninit,       // RAM memmap allocated, poisoned, not initialised (case 1 of [fukasawa-reserved-2019])
  InitOffline,  // initialised, zone links valid, not in buddy (PG_reserved / PageOffline)
  Online,       // handed to the buddy allocator
  Offlined,     // v4.19..v5.4: taken out of the buddy, PG_reserved again, zone links stale
  Poisoned,     // v5.5+: memmap poisoned again when the range left its zone (offline, memunmap)
  DevHostmap,   // altmap "free" pfns hosting the memmap, initialised under MHP
  DevUninit,    // device pfn: memmap valid, pgmap published, not initialised (case 4)
  DevReady,     // ZONE_DEVICE page fully initialised (case 2)
  DevReserved,  // altmap reserve: memmap exists, never initialised (case 5)
  DevPartial,   // pfns of a partly-device section outside the device range (case 3)
  Hole,         // firmware hole in an early section: pfn_valid(), not memory; what boot left depends on the era
};

const char* page_state_name(PageState s);
// Which case of [fukasawa-reserved-2019] (David Hildenbrand's five) a state stands
// for; 0 if none.
int fukasawa_case(PageState s);

constexpr std::int64_t kPagePoison = -1;  // PAGE_POISON_PATTERN: all ones
// page->flags: PG_* bits low, zone and node links above (set_page_links()).
constexpr std::int64_t PG_reserved = 1 << 0;
constexpr std::int64_t PG_offline = 1 << 1;  // PageOffline() page type (v6.11+ hot-added RAM)
constexpr std::int64_t PG_buddy = 1 << 2;
constexpr std::int64_t PG_head = 1 << 3;
constexpr std::int64_t PG_hwpoison = 1 << 4;
constexpr std::int64_t kZoneShift = 8;
constexpr std::int64_t kNidShift = 12;
inline std::int64_t page_links(int zone, int nid) {
  return (std::int64_t(zone) << kZoneShift) | (std::int64_t(nid) << kNidShift);
}
// The zone index 0 links of a zeroed struct page name: ZONE_DMA on x86-64,
// a zone below every zone the model keeps (its boot memory stands for a zone
// above ZONE_DMA), so like a garbage link it names no zone of the model.
constexpr int kZoneIdxLowest = 3;
inline int flags_zone(std::int64_t flags) { return int((flags >> kZoneShift) & 0xf); }
inline int flags_nid(std::int64_t flags) { return int((flags >> kNidShift) & 0xff); }
// The pgmap word of a ZONE_DEVICE page aliases page->lru (Era A): an
// initialised list head points to itself; list_del() leaves LIST_POISON.
constexpr std::int64_t kLruSelf = -2;
constexpr std::int64_t kListPoison = -3;

}  // namespace mhp
