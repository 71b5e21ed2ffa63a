#include "model/kernel/anon_mm.hpp"

namespace mhp {

MmStruct::MmStruct(Execution& ex, std::uint32_t pages) : mmap_lock(ex, "mm->mmap_lock"), ptl(ex, "ptl", "ptlock") {
  ObjId base = ex.objects().add_range(
      pages, [](std::uint64_t off) { return "pte of anon page " + std::to_string(off); },
      [](std::uint64_t) { return std::string("pte"); });
  pte.resize(pages);
  for (std::uint32_t i = 0; i < pages; ++i) pte[i] = Cell{base + i, kPteRam, kPteRam};
}

}  // namespace mhp
