// mm/sparse.c and the section helpers of include/linux/mmzone.h: adding and
// removing sections (both eras) and the lockless validity tests walkers use.
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// The subsection_map bits of [start, end), a range inside one section.
std::int64_t subsection_bits(const Kernel& k, Pfn start, Pfn end);
// pfn_valid(), Era B: the section has a memmap and the pfn's subsection is
// present (early sections always are). Lockless READ_ONCE loads.
bool pfn_valid_b(Kernel& k, Pfn pfn);
// pfn_valid(), Era A (SPARSEMEM before v5.3): valid_section() only.
bool pfn_valid_a(Kernel& k, Pfn pfn);
// present_section_nr(): the section's PRESENT bit, the same lockless load
// of section_mem_map as valid_section().
bool present_section_nr(Kernel& k, std::uint32_t section);
// online_section(): the section's ONLINE bit.
bool online_section(Kernel& k, Pfn pfn);
// pfn_to_online_page(), Era A macro: the ONLINE bit only.
bool pfn_to_online_page_a(Kernel& k, Pfn pfn);
// pfn_to_online_page(), v5.3..v5.11 (B0): still the ONLINE bit only; the
// subsection test came with C10 (9f9b02e5b346, v5.12).
bool pfn_to_online_page_b0(Kernel& k, Pfn pfn);
// pfn_to_online_page(), v5.12+ (C10): also NULL for ZONE_DEVICE pfns of a
// section tainted by a device range (slow path through get_dev_pagemap()).
bool pfn_to_online_page_b(Kernel& k, Pfn pfn);

}  // namespace mhp
