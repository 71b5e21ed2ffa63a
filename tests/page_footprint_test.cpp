// The page footprint (model/kernel/page_footprint.hpp): what an op file's
// `pages:` makes of a thread, that a page no other thread may touch costs no
// choice point, that a declaration falling short is a model error, and that
// complete searches with and without the reduction reach the same traces
// and findings.
#include <doctest/doctest.h>

#include <set>
#include <stdexcept>

#include "model/ops/program.hpp"
#include "model/support/input_error.hpp"
#include "tools/cli/machine.hpp"
#include "tools/cli/run.hpp"

using namespace mhp;

namespace {

std::string path(const char* rel) { return std::string(MHPSIM_SOURCE_DIR) + "/" + rel; }

// S1's shape: a device's memmap initialised while a walker reads one of its pfns.
const char* kS1 = R"(name: s1-footprint
era: v6
geometry: {pages_per_subsection: 4, subsections_per_section: 2, sections: 4}
initial: {boot_sections: 2}
devices:
  - {name: pmem0, start_pfn: 20, nr_pages: 8, type: fsdax}
threads:
  - {name: devm_memremap_pages, op: memremap_pages, device: pmem0}
  - {name: memory_failure, op: memory_failure, pfn: 21}
)";

// Keeps the running thread while it can run: the memremap thread runs to its
// end with the walker waiting, asked at every choice point.
struct Stay final : Strategy {
  void begin_execution(std::uint64_t) override {}
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    return enabled & thread_bit(current) ? current : lowest_thread(enabled);
  }
};

std::set<std::string> keys_of(const ScenarioResult& r) {
  std::set<std::string> k;
  for (const Finding& f : r.findings) k.insert(f.key);
  return k;
}

ScenarioResult search(Scenario sc, bool footprint, const char* reduce) {
  sc.page_footprint = footprint;
  RunOptions o;
  o.strategy = "dfs";
  o.reduce = reduce;
  o.executions = 2000000;
  o.shrink = false;
  return run_scenario(sc, o);
}

}  // namespace

TEST_CASE("page footprint: a thread's pages come from its op file's declaration") {
  Scenario sc = parse_scenario("x.yaml", kS1);
  REQUIRE(sc.threads.size() == 2);
  // memremap_pages: `pages: device`
  CHECK_FALSE(sc.threads[0].pages_any);
  CHECK(sc.threads[0].pages_lo == 20);
  CHECK(sc.threads[0].pages_hi == 28);
  // memory_failure: `pages: pfn`
  CHECK_FALSE(sc.threads[1].pages_any);
  CHECK(sc.threads[1].pages_lo == 21);
  CHECK(sc.threads[1].pages_hi == 22);

  SUBCASE("before v5.3 a device's memmap is populated and poisoned a whole section at a time") {
    std::string old = kS1;
    old.replace(old.find("era: v6"), 7, "era: v4.19");
    Scenario v = parse_scenario("x.yaml", old);
    CHECK(v.threads[0].pages_lo == 16);  // `pages: device_sections`: sections of 8 pfns
    CHECK(v.threads[0].pages_hi == 32);
  }
  SUBCASE("a variant that inserts a primitive makes the thread reach every page") {
    Scenario v = parse_scenario("x.yaml", std::string(kS1) + R"(variant:
  name: more
  edits:
    - {op: memory_failure, insert: {step: pfn_valid_again, impl: pfn_valid}, before: get_dev_pagemap}
)");
    CHECK(v.threads[1].pages_any);
    CHECK_FALSE(v.threads[0].pages_any);
  }
  SUBCASE("an op file without `pages:` reaches every page") {
    Scenario c = parse_scenario("x.yaml", std::string(kS1) + "  - {name: compaction, op: compaction}\n");
    CHECK(c.threads[2].pages_any);
  }
}

TEST_CASE("page footprint: `pages:` names a field the op takes") {
  const std::string head = "op: x\neras: [v6]\n";
  CHECK(OpCatalog::parse("a.yaml", head + "params: [pfn]\npages: pfn\nsteps: []\n").pages == OpProgram::Pages::Pfn);
  CHECK(OpCatalog::parse("a.yaml", head + "params: [device]\npages: device_sections\nsteps: []\n").pages ==
        OpProgram::Pages::DeviceSections);
  CHECK(OpCatalog::parse("a.yaml", head + "params: [range]\nsteps: []\n").pages == OpProgram::Pages::Any);
  CHECK_THROWS_WITH_AS(OpCatalog::parse("a.yaml", head + "params: [pfn]\npages: range\nsteps: []\n"),
                       doctest::Contains("'range' is not among the op's params"), InputError);
  CHECK_THROWS_WITH_AS(OpCatalog::parse("a.yaml", head + "params: [pfn]\npages: zone\nsteps: []\n"),
                       doctest::Contains("pages"), InputError);
}

TEST_CASE("page footprint: an access to a page only its thread may touch is no choice point") {
  Scenario sc = parse_scenario("x.yaml", kS1);
  auto choices = [&](bool footprint) {
    Scenario s = sc;
    s.page_footprint = footprint;
    Machine m(s);
    m.add_checkers();
    Stay rr;
    Outcome o = m.run(rr, 0);
    CHECK(o.status == Outcome::Status::Completed);
    std::size_t priv = 0;
    for (const Event& e : m.ex.events()) priv += (e.flags & kEvPrivate) != 0;
    return std::pair{m.ex.schedule().choices.size(), priv};
  };
  const auto [with, priv] = choices(true);
  const auto [without, none] = choices(false);
  CHECK(none == 0);
  CHECK(priv > 0);
  // the device's pages other than the walker's pfn are initialised without asking
  CHECK(with < without);
}

TEST_CASE("page footprint: a thread started after another does not share its pages") {
  // memunmap_pages may touch any page (shrink_zone_span() scans the zone),
  // but it starts after memremap_pages has exited: neither makes the other's
  // pages shared; the walker runs beside both, and its pfn is shared.
  const std::string text = std::string(kS1) +
                           "  - {name: devm_memremap_pages_release, op: memunmap_pages, device: pmem0, after: "
                           "devm_memremap_pages}\n";
  Scenario sc = parse_scenario("x.yaml", text);
  Machine m(sc);
  m.add_checkers();
  Stay rr;
  CHECK(m.run(rr, 0).status == Outcome::Status::Completed);
  std::size_t priv_map = 0, priv_unmap = 0, priv_walked = 0, walked = 0;
  for (const Event& e : m.ex.events()) {
    const bool page = m.kernel().is_page_obj(e.obj);
    walked += page && m.kernel().page_pfn(e.obj) == 21;
    if (!(e.flags & kEvPrivate)) continue;
    priv_map += e.thread == 0;
    priv_unmap += e.thread == 2;
    priv_walked += m.kernel().page_pfn(e.obj) == 21;
  }
  CHECK(priv_map > 0);
  CHECK(priv_unmap > 0);
  CHECK(walked > 0);
  CHECK(priv_walked == 0);
  // and the complete searches agree with every access a choice point
  for (const char* reduce : {"sleep", "none"}) {
    CAPTURE(reduce);
    const ScenarioResult a = search(sc, true, reduce), b = search(sc, false, reduce);
    REQUIRE(a.complete);
    REQUIRE(b.complete);
    CHECK(a.traces == b.traces);
    CHECK(keys_of(a) == keys_of(b));
    CHECK(a.executions_run < b.executions_run);
  }
}

TEST_CASE("page footprint: an access outside the declaration is a model error, with or without the reduction") {
  for (bool footprint : {true, false}) {
    CAPTURE(footprint);
    Scenario sc = parse_scenario("x.yaml", kS1);
    sc.page_footprint = footprint;
    sc.threads[0].pages_hi = 24;  // as if memremap_pages declared too little: it initialises pfns 24..27 too
    Machine m(sc);
    m.add_checkers();
    Stay rr;
    CHECK_THROWS_WITH_AS(m.run(rr, 0), doctest::Contains("is outside the pages its op file declares"),
                         std::runtime_error);
  }
  Scenario sc = parse_scenario("x.yaml", kS1);
  Machine m(sc);  // as declared: silent
  m.add_checkers();
  Stay rr;
  CHECK_NOTHROW(m.run(rr, 0));
}

TEST_CASE("page footprint: complete searches reach the same traces and findings with and without it") {
  // S1 itself (the walker finds the uninitialised page) and its fix (silent),
  // under sleep sets and a plain bounded search: both complete, so the
  // coverage (Mazurkiewicz traces by Foata hash) must match exactly.
  for (const char* file : {"scenarios/exhaustive/s1_init_under_hotplug_lock_sleep.yaml",
                           "scenarios/exhaustive/s1_deferred_memmap_init_dfs.yaml"}) {
    for (const char* reduce : {"sleep", "none"}) {
      CAPTURE(file);
      CAPTURE(reduce);
      Scenario sc = load_scenario(path(file));
      sc.bound.reset();
      const ScenarioResult a = search(sc, true, reduce), b = search(sc, false, reduce);
      REQUIRE(a.complete);
      REQUIRE(b.complete);
      CHECK(a.traces == b.traces);
      CHECK(keys_of(a) == keys_of(b));
      CHECK(a.executions_run <= b.executions_run);
    }
  }
}
