// mm/sparse.c and the section helpers of include/linux/mmzone.h.
#pragma once
#include "model/kernel/op_state.hpp"

namespace mhp {

// sparse_add_section() for every section of the operation's range, as
// __add_pages() calls it: set the subsection bits, allocate and poison the
// memmap (page_init_poison()), then mark the section present with a memmap.
bool arch_add_memory(Kernel& k, OpState& st);
// pfn_valid(): the section has a memmap and the pfn's subsection is present.
// Pushes no frame: callers are steps named pfn_valid or functions that push their own.
bool pfn_valid(Kernel& k, Pfn pfn);
// online_section() as pfn_to_online_page() tests it (v6 without the
// ZONE_DEVICE slow path, which needs a tainted section: issue 4).
bool pfn_section_online(Kernel& k, Pfn pfn);

}  // namespace mhp
