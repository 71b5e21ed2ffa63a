// Per-thread state of one running operation: its arguments and what its steps
// hand to each other (the pgmap a lookup returned, the pfn a loop is at, the
// page a check let through). A step primitive returns false when the kernel
// function would bail out: inside a for_each loop that skips to the next
// item, elsewhere it ends the operation; `stop` ends the operation from a loop.
#pragma once
#include "model/kernel/kernel.hpp"

namespace mhp {

struct OpState {
  OpArgs args;
  int pgmap_ref = -1;   // pgmap held through get_dev_pagemap(), or -1
  Pfn cur = 0;          // for_each: the pfn (first of a chunk) or the section number being visited
  Pfn cur_end = 0;      // for_each over pfns: end of the chunk [cur, cur_end) (geo.chunk_pages)
  Pfn item_pages = 0;   // for_each: pages of the item being visited (0 outside loops: the whole range)
  bool page_ref = false;  // the walker holds a page reference (get_page())
  std::int64_t value = 0; // a value one step reads and a later step uses
  bool stop = false;
  std::uint32_t migrate_passes = 0;
  bool busy_region = false;  // memremap_pages: this op claimed the range (devm_request_mem_region)
};

using Primitive = bool (*)(Kernel& k, OpState& st);

}  // namespace mhp
