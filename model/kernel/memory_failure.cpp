#include "model/kernel/memory_failure.hpp"

#include "model/kernel/memremap.hpp"
#include "model/kernel/sparse.hpp"

namespace mhp {

bool pfn_to_online_page_step(Kernel& k, OpState& st) { return !pfn_section_online(k, st.args.start); }

bool pfn_valid_step(Kernel& k, OpState& st) { return pfn_valid(k, st.args.start); }

bool pgmap_pfn_valid_step(Kernel& k, OpState& st) {
  const DevPagemap& p = *k.pgmaps[st.pgmap_ref];
  Pfn pfn = st.args.start;
  if (pfn >= p.pfn_first() && pfn < p.pfn_end()) return true;
  put_dev_pagemap(k, st.pgmap_ref);
  st.pgmap_ref = -1;
  return false;
}

bool dax_lock_folio(Kernel& k, OpState& st) {
  Pfn pfn = st.args.start;
  k.read_page(pfn, PageField::Flags);  // page_folio(): compound head in page->flags
  k.read_page(pfn, PageField::Pgmap);  // page->pgmap->type, pgmap->ops
  return true;
}

}  // namespace mhp
