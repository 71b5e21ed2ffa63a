// dax/kmem and MHP_MEMMAP_ON_MEMORY run sequentially in every era that has
// them: the resources, the vmemmap pages of a block and the present counts
// after each op (docs/KERNEL_REFERENCE.md §12), and the model
// invariants after every op.
#include <doctest/doctest.h>

#include <deque>

#include "model/kernel/invariants.hpp"
#include "model/ops/program.hpp"
#include "tests/harness.hpp"

using namespace mhp;
using namespace mhp::test;

namespace {

// 4 sections of 4 pages (one block each, 2 vmemmap pages), boot RAM in section 0.
struct Run {
  std::string era;
  Harness h;
  Kernel k;
  std::deque<OpProgram> progs;
  std::vector<std::pair<const OpProgram*, OpArgs>> plan;
  std::vector<int> err;  // what each op returned
  std::vector<std::string> violations;

  static MachineSpec machine() {
    MachineSpec m;
    m.boot_sections = 1;
    return m;
  }
  explicit Run(std::string e) : era(std::move(e)), k(h.ex, machine()) {}

  void op(const std::string& name, Pfn start, Pfn nr = 4, bool memmap_on_memory = false, int zone = ZONE_NORMAL) {
    const OpProgram* p = OpCatalog::get().find(era, name);
    REQUIRE_MESSAGE(p, "era " << era << " has no op " << name);
    progs.push_back(*p);
    bind(progs.back(), h.ex.stacks());
    OpArgs a;
    a.start = start;
    a.nr_pages = nr;
    a.zone = zone;
    a.memmap_on_memory = memmap_on_memory;
    plan.push_back({&progs.back(), a});
  }
  void run() {
    h.reset = [this] { k.reset(); };
    h.thread("seq", [this] {
      for (auto& [prog, args] : plan) {
        OpState st;
        st.args = args;
        run_program(k, *prog, st);
        err.push_back(st.err);
        for (auto& v : check_invariants(k)) violations.push_back(prog->op + ": " + v.text);
      }
    });
    RandomStrategy s(1);
    REQUIRE(h.run_once(s, 0).status == Outcome::Status::Completed);
    CHECK_MESSAGE(violations.empty(), era << ": " << (violations.empty() ? "" : violations.front()));
    CHECK_MESSAGE(k.warnings.empty(), era << ": " << (k.warnings.empty() ? "" : k.warnings.front().text));
  }
  bool all(Pfn lo, Pfn hi, PageState st) const {
    for (Pfn p = lo; p < hi; ++p)
      if (k.page_state(p) != st) return false;
    return true;
  }
  std::int64_t iomem(Pfn pfn) const { return k.iomem.v(k.geo.subsection_index(pfn)); }
};

bool has_kmem(const std::string& era) { return OpCatalog::get().find(era, "dev_dax_kmem_probe") != nullptr; }
bool has_memmap_on_memory(const std::string& era) { return OpCatalog::get().find(era, "add_memory")->memmap_on_memory; }

}  // namespace

TEST_CASE(
    "dax/kmem exists from v5.3 (the driver came in v5.1), MHP_MEMMAP_ON_MEMORY on add_memory from v5.14, on kmem from "
    "v6.12") {
  for (const auto& era : known_eras()) {
    CAPTURE(era);
    const bool old = era == "v4.19" || era == "v4.20" || era == "v5.0";
    CHECK(has_kmem(era) == !old);
    CHECK(bool(OpCatalog::get().find(era, "dev_dax_kmem_remove")) == !old);
    CHECK(has_memmap_on_memory(era) == !(old || era == "v5.3" || era == "v5.4" || era == "v5.10"));
    if (has_kmem(era))
      CHECK(OpCatalog::get().find(era, "dev_dax_kmem_probe")->memmap_on_memory ==
            (era == "v6.12" || era == "v6" || era == "v7.1"));
  }
}

TEST_CASE("kmem probe nests System RAM in its region, remove releases both, a remove while online leaks them") {
  for (const auto& era : known_eras()) {
    if (!has_kmem(era)) continue;
    CAPTURE(era);
    Run r(era);
    r.op("dev_dax_kmem_probe", 4);
    r.op("online_pages", 4);
    r.op("dev_dax_kmem_remove", 4);  // still online: remove_memory() fails
    r.op("offline_pages", 4);
    r.op("dev_dax_kmem_remove", 4);
    r.run();
    CHECK(r.err == std::vector<int>{0, 0, EBUSY, 0, 0});
    CHECK(r.iomem(4) == IORES_NONE);
    CHECK(r.all(4, 8, PageState::Absent));
    CHECK(r.k.blocks[1]->registered.v == 0);

    Run leak(era);
    leak.op("dev_dax_kmem_probe", 4);
    leak.op("online_pages", 4);
    leak.op("dev_dax_kmem_remove", 4);
    leak.run();
    CHECK(leak.iomem(4) == IORES_KMEM_RAM);  // both resources stay, with the online block
    CHECK(leak.k.blocks[1]->state.v == MEM_ONLINE);
    CHECK(leak.k.pgmap_of_range(4) == -1);

    Run busy(era);  // someone holds the range: request_mem_region() fails, nothing added
    busy.op("add_memory", 4);
    busy.op("dev_dax_kmem_probe", 4);
    busy.run();
    CHECK(busy.err == std::vector<int>{0, EBUSY});
    CHECK(busy.iomem(4) == IORES_SYSTEM_RAM);
  }
}

TEST_CASE(
    "memmap_on_memory: the block's first pages hold its memmap, outside the buddy, counted present while online") {
  for (const auto& era : known_eras()) {
    if (!has_memmap_on_memory(era)) continue;
    CAPTURE(era);
    Run r(era);
    r.op("add_memory", 4, 4, true);
    r.op("online_pages", 4);
    r.run();
    CHECK(r.k.blocks[1]->nr_vmemmap_pages == 2);
    CHECK(r.all(4, 6, PageState::InitOffline));  // zone links, never in the buddy
    CHECK(r.all(6, 8, PageState::Online));
    CHECK((r.k.page_value(4, PageField::Flags) & PG_buddy) == 0);
    CHECK(r.k.zone(0, ZONE_NORMAL).present_pages.v == 8);  // vmemmap pages counted
    CHECK(r.k.zone(0, ZONE_NORMAL).spanned_pages.v == 8);

    Run off(era);
    off.op("add_memory", 4, 4, true);
    off.op("online_pages", 4);
    off.op("offline_pages", 4);
    off.op("remove_memory", 4);
    off.run();
    CHECK(off.err == std::vector<int>{0, 0, 0, 0});
    CHECK(off.k.zone(0, ZONE_NORMAL).present_pages.v == 4);
    CHECK(off.k.zone(0, ZONE_NORMAL).spanned_pages.v == 4);
    CHECK(off.all(4, 8, PageState::Absent));
    CHECK(off.k.blocks[1]->nr_vmemmap_pages == 0);

    // Two blocks at once: -EINVAL up to v6.1, the page allocator's memmap in
    // v6.6, an altmap per block from v6.9.
    Run two(era);
    two.op("add_memory", 4, 8, true);
    two.run();
    const bool strict = era == "v5.14" || era == "v5.15" || era == "v6.1";
    CHECK(two.err.front() == (strict ? EINVAL : 0));
    CHECK(two.iomem(4) == (strict ? IORES_NONE : IORES_SYSTEM_RAM));
    const Pfn per_block = era == "v6.6" || strict ? 0 : 2;
    CHECK(two.k.blocks[1]->nr_vmemmap_pages == per_block);
    CHECK(two.k.blocks[2]->nr_vmemmap_pages == per_block);
  }
}
