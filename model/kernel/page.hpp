// struct page (include/linux/mm_types.h) as the model keeps it: the fields
// pfn walkers read, plus per-pfn model metadata that is not kernel state: the
// initialisation state of KERNEL_MODEL.md §2.5 and which fields have been
// written since the memmap was last allocated or poisoned.
#pragma once
#include <cstdint>

namespace mhp {

enum class PageField : std::uint8_t { Flags = 0, Refcount = 1, Pgmap = 2 };
constexpr unsigned kPageFields = 3;
constexpr std::uint8_t kAllPageFields = (1u << kPageFields) - 1;
inline const char* page_field_name(PageField f) {
  switch (f) {
    case PageField::Flags: return "page->flags";
    case PageField::Refcount: return "page->_refcount";
    case PageField::Pgmap: return "page->pgmap";
  }
  return "page->?";
}

// KERNEL_MODEL.md §2.5, the per-pfn initialisation state machine.
enum class PageState : std::uint8_t {
  Absent,        // no memmap (section not valid / subsection not present)
  Uninit,        // RAM memmap allocated, poisoned, not initialised (seed 003 case 1)
  InitOffline,   // initialised, zone links valid, not in buddy
  Online,        // handed to the buddy allocator
  DevHostmap,    // altmap "free" pfns hosting the memmap, initialised under MHP
  DevUninit,     // device pfn: memmap valid, pgmap published, not initialised (case 4)
  DevReady,      // ZONE_DEVICE page fully initialised (case 2)
  DevReserved,   // altmap reserve: memmap exists, never initialised (case 5)
  DevPartial,    // pfns of a partly-device section outside the device range (case 3)
};

const char* page_state_name(PageState s);
// Which case of seed 003 (David Hildenbrand's five) a state stands for; 0 if none.
int seed003_case(PageState s);

constexpr std::int64_t kPagePoison = -1;  // PAGE_POISON_PATTERN: all ones
constexpr std::int64_t kPGReserved = 1;   // PG_reserved bit in page->flags
constexpr std::int64_t kZoneShift = 8;    // zone index stored above the flag bits

}  // namespace mhp
