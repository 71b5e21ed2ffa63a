// memremap_pages()'s failure points and error labels (v6): a failed map
// leaves no pgmap_array entry, no section, no busy region and a killed,
// balanced ref; a successful map is unchanged.
#include <doctest/doctest.h>

#include "model/kernel/invariants.hpp"
#include "model/ops/program.hpp"
#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "tests/one_execution.hpp"
#include "tools/cli/machine.hpp"

using namespace mhp;

namespace {

const char* kMap = R"(name: t
era: ERA
geometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4}
initial: {boot_sections: 2}
devices:
  - {name: pmem0, start_pfn: 8, nr_pages: 8}
threads:
  - name: map
    op: memremap_pages
    device: pmem0
)";

std::string scenario(const std::string& era, const std::string& extra = "") {
  std::string s(kMap);
  s.replace(s.find("ERA"), 3, era);
  return s + extra;
}

// One random execution: op results, finding keys and the kernel's state after it.
struct Ran {
  std::vector<std::string> results, keys;
  long ref_count = 0;
  bool ref_dead = false;
  int ref_releases = 0;
  bool published = false, section = false, busy = false, release_registered = false;
};

Ran run_once(const std::string& text) {
  Ran r;
  auto one = test::run_one(text, [&](const Kernel& k) {
    const DevPagemap& p = *k.pgmaps[0];
    r.ref_count = p.ref.count();
    r.ref_dead = p.ref.dead();
    r.ref_releases = p.ref.releases();
    r.release_registered = p.release_registered;
    for (Pfn pfn = 8; pfn < 16; pfn += 2) {
      r.published = r.published || k.pgmap_array.v(k.geo.subsection_index(pfn)) != 0;
      r.busy = r.busy || k.iomem.v(k.geo.subsection_index(pfn)) != IORES_NONE;
    }
    for (std::uint32_t s2 : {2u, 3u}) r.section = r.section || k.sections[s2].mem_map.v != 0;
  });
  r.results = std::move(one.results);
  r.keys = std::move(one.keys);
  return r;
}

using test::has;

}  // namespace

TEST_CASE("memremap_pages: a map that fails in pagemap_range() leaves nothing behind") {
  for (const char* era : {"v5.15", "v6.1", "v6.6", "v6.12", "v6", "v7.1"}) {
    CAPTURE(era);
    Ran ok = run_once(scenario(era));
    CHECK(has(ok.results, "task map (T0): memremap_pages returned 0"));
    CHECK(ok.keys.empty());
    CHECK(ok.published);
    CHECK(ok.section);
    CHECK(ok.busy);
    CHECK(ok.release_registered);
    CHECK_FALSE(ok.ref_dead);

    // every failure point after xa_store_range() unwinds to pgmap_array_delete()
    for (const char* at : {"arch_add_memory", "kasan_add_zero_shadow", "mhp_range_allowed",
                           std::string(era) == "v7.1" ? "pfnmap_track" : "track_pfn_remap", "xa_store_range",
                           "region_intersects", "pagemap_range_conflict"}) {
      CAPTURE(at);
      Ran f = run_once(scenario(era, std::string("    fail: {at: ") + at + "}\n"));
      CHECK(f.keys.empty());
      CHECK_FALSE(f.published);
      CHECK_FALSE(f.section);
      CHECK_FALSE(f.busy);                // the failed probe's devres
      CHECK_FALSE(f.release_registered);  // R13: no release action for a failed map
      CHECK(f.ref_dead);                  // memunmap_pages() with no range
      CHECK(f.ref_count == 0);
      CHECK(f.ref_releases == 1);
    }
    // before the busy region: the ref stays as percpu_ref_init() left it, or was never set up
    Ran busy = run_once(scenario(era, "    fail: {at: devm_request_mem_region}\n"));
    CHECK(has(busy.results,
              "task map (T0): memremap_pages returned -EBUSY early, at devm_request_mem_region "
              "(injected by the scenario's fail:)"));
    CHECK_FALSE(busy.published);
    CHECK_FALSE(busy.busy);
    CHECK_FALSE(busy.ref_dead);
    Ran check = run_once(scenario(era, "    fail: {at: memremap_pages_check}\n"));
    CHECK(has(check.results,
              "task map (T0): memremap_pages returned -EINVAL early, at memremap_pages_check "
              "(injected by the scenario's fail:)"));
    CHECK(check.ref_count == 0);
  }
}

TEST_CASE("memremap_pages: the modelled conflict check fails with -ENOMEM and unwinds") {
  // pmem0 mapped twice: the second map finds the first's pgmap at its ends
  Ran r = run_once(scenario("v6", "  - {name: again, op: memremap_pages, device: pmem0, after: map}\n"));
  CHECK(has(r.results, "task map (T0): memremap_pages returned 0"));
  bool enomem = false;
  for (const auto& s : r.results) enomem = enomem || s.find("task again (T1): memremap_pages returned -E") == 0;
  CHECK(enomem);
}

TEST_CASE("memremap_pages: without err_pfn_remap's delete, a killed pgmap stays published") {
  Ran r = run_once(scenario("v6",
                            "    fail: {at: arch_add_memory}\nvariant:\n  name: v\n  edits:\n"
                            "    - {op: memremap_pages, remove: err_pfn_remap/pgmap_array_delete}\n"));
  CHECK(r.published);
  CHECK(r.ref_dead);
  CHECK(has(r.keys, "invariant/pgmap-array-live"));
  // without memremap_pages()'s memunmap_pages(), the ref is never killed
  Ran live = run_once(scenario("v6",
                               "    fail: {at: arch_add_memory}\nvariant:\n  name: v\n  edits:\n"
                               "    - {op: memremap_pages, remove: memunmap_pages/memunmap_pages}\n"));
  CHECK_FALSE(live.ref_dead);
  CHECK_FALSE(live.published);
}

TEST_CASE("memremap_pages: the driver maps the range again after a failed map") {
  const std::string retry =
      "    fail: {at: arch_add_memory}\n  - {name: retry, op: memremap_pages, device: pmem0, after: map}\n";
  Ran r = run_once(scenario("v6", retry));
  CHECK(has(r.results, "task retry (T1): memremap_pages returned 0"));
  CHECK(r.keys.empty());
  CHECK(r.published);
  CHECK(r.section);
  CHECK_FALSE(r.ref_dead);  // the retry's percpu_ref_init()
  // without the failed probe's devres release, the busy region stays claimed
  Ran busy = run_once(scenario(
      "v6", retry + "variant:\n  name: v\n  edits:\n"
                    "    - {op: memremap_pages, thread: map, remove: devres_release_all/devm_release_mem_region}\n"));
  CHECK(has(busy.results, "task retry (T1): memremap_pages returned -EBUSY early, at devm_request_mem_region"));
  CHECK_FALSE(busy.published);
}

TEST_CASE("devices over one range own it in turn: whoever holds the busy region") {
  const std::string head = R"(name: t
era: v6
geometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4}
initial: {boot_sections: 2}
devices:
  - {name: raw, start_pfn: 8, nr_pages: 8}
  - {name: pfn, start_pfn: 8, nr_pages: 8, altmap: {reserve: 1, free: 1}}
threads:
  - {name: map_raw, op: memremap_pages, device: raw}
  - {name: unmap_raw, op: memunmap_pages, device: raw, after: map_raw}
  - {name: map_pfn, op: memremap_pages, device: pfn, after: unmap_raw}
)";
  Scenario sc = parse_scenario("x.yaml", head);
  Machine m(sc);
  m.add_checkers();
  RandomStrategy s(1);
  m.run(s, 0);
  const Kernel& k = m.kernel();
  CHECK(k.pgmap_of_range(8) == 1);                   // the second device, not the first declared
  CHECK(k.page_state(8) == PageState::DevReserved);  // its altmap reserve, never initialised
  CHECK(k.page_state(10) == PageState::DevReady);

  // a partial overlap is still an error
  std::string partial = head;
  const std::string whole = "{name: pfn, start_pfn: 8, nr_pages: 8";
  partial.replace(partial.find(whole), whole.size(), "{name: pfn, start_pfn: 8, nr_pages: 4");
  try {
    parse_scenario("x.yaml", partial);
    FAIL("parsed");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(
              "field 'devices[1]': device 'pfn' overlaps device 'raw' (devices share a range only whole)") !=
          std::string::npos);
  }
}
