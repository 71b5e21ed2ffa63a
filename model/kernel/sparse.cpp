#include "model/kernel/sparse.hpp"

namespace mhp {

namespace {

// The state a pfn's freshly poisoned memmap is in, by what will own it.
PageState allocated_state(const Kernel& k, Pfn pfn) {
  int pg = k.pgmap_of_range(pfn);
  if (pg < 0) return PageState::Uninit;
  const DevPagemap& p = *k.pgmaps[pg];
  if (p.desc.altmap && pfn < p.desc.start + p.desc.altmap_reserve) return PageState::DevReserved;
  if (pfn < p.pfn_first()) return PageState::Uninit;  // altmap "free": initialised by memmap_init_range()
  return PageState::DevUninit;
}

void sparse_add_section(Kernel& k, std::uint32_t nr, Pfn start, Pfn end) {
  Frame f(k.ex, k.ex.stacks().fn("sparse_add_section"));
  MemSection& ms = k.sections[nr];
  {  // section_activate(): subsection_map |= the new subsections
    Frame g(k.ex, k.ex.stacks().fn("section_activate"));
    std::int64_t map = k.read(ms.subsection_map, Access::Plain);
    for (Pfn p = start; p < end; p += k.geo.pages_per_subsection) map |= std::int64_t(1) << k.geo.subsection_of(p);
    k.write(ms.subsection_map, map, Access::Plain);
  }
  {
    Frame g(k.ex, k.ex.stacks().fn("page_init_poison"));
    for (Pfn p = start; p < end; ++p) k.poison_page(p, allocated_state(k, p));
  }
  // __section_mark_present() + sparse_init_one_section(): lockless readers
  // (pfn_valid) load this word with READ_ONCE semantics, so it is marked.
  std::int64_t flags = k.read(ms.mem_map, Access::Once);
  k.write(ms.mem_map, flags | SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP, Access::Once);
}

}  // namespace

bool arch_add_memory(Kernel& k, OpState& st) {
  Frame f(k.ex, k.ex.stacks().fn("__add_pages"));
  Pfn start = st.args.start, end = st.args.start + st.args.nr_pages;
  Pfn per = k.geo.pages_per_section();
  for (Pfn p = start; p < end;) {
    Pfn sec_end = (p / per + 1) * per;
    Pfn chunk_end = sec_end < end ? sec_end : end;
    sparse_add_section(k, k.geo.section_of(p), p, chunk_end);
    p = chunk_end;
  }
  return true;
}

bool pfn_valid(Kernel& k, Pfn pfn) {
  MemSection& ms = k.sections[k.geo.section_of(pfn)];
  if (!(k.read(ms.mem_map, Access::Once) & SECTION_HAS_MEM_MAP)) return false;
  // pfn_section_valid(): READ_ONCE(ms->usage) then test the subsection bit
  return (k.read(ms.subsection_map, Access::Once) >> k.geo.subsection_of(pfn)) & 1;
}

bool pfn_section_online(Kernel& k, Pfn pfn) {
  MemSection& ms = k.sections[k.geo.section_of(pfn)];
  return k.read(ms.mem_map, Access::Once) & SECTION_IS_ONLINE;
}

}  // namespace mhp
