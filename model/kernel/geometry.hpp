// Memory geometry: how many pages make a subsection, a section and a memory
// block. Small values keep exploration fast; the real x86-64 values (512
// pages per 2 MiB subsection, 64 subsections per 128 MiB section) are what
// timing runs use.
#pragma once
#include <cstdint>

namespace mhp {

using Pfn = std::uint64_t;

struct Geometry {
  std::uint32_t pages_per_subsection = 2;
  std::uint32_t subsections_per_section = 2;
  std::uint32_t sections = 4;
  std::uint32_t sections_per_block = 1;  // memory_block_size_bytes() / section size
  // pfns a memmap loop handles between two scheduling points: 1 in the small
  // geometry (every page a choice point), a pageblock (512) or more in the
  // real one, as the kernel's cond_resched() points are.
  std::uint32_t chunk_pages = 1;

  std::uint32_t pages_per_section() const { return pages_per_subsection * subsections_per_section; }
  Pfn pages_per_block() const { return Pfn(pages_per_section()) * sections_per_block; }
  Pfn nr_pfns() const { return Pfn(pages_per_section()) * sections; }
  std::uint64_t nr_subsections() const { return std::uint64_t(sections) * subsections_per_section; }
  std::uint32_t nr_blocks() const { return (sections + sections_per_block - 1) / sections_per_block; }
  std::uint32_t section_of(Pfn pfn) const { return static_cast<std::uint32_t>(pfn / pages_per_section()); }
  Pfn section_start(std::uint32_t nr) const { return Pfn(nr) * pages_per_section(); }
  std::uint32_t subsection_of(Pfn pfn) const {
    return static_cast<std::uint32_t>((pfn % pages_per_section()) / pages_per_subsection);
  }
  std::uint64_t subsection_index(Pfn pfn) const { return pfn / pages_per_subsection; }
  std::int64_t full_subsection_map() const {
    return subsections_per_section >= 63 ? -1 : (std::int64_t(1) << subsections_per_section) - 1;
  }
};

}  // namespace mhp
