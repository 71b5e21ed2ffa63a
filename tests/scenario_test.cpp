#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "tests/scenario_error.hpp"

using namespace mhp;

namespace {

const char* kBase = R"(name: t
era: v6
geometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4}
devices:
  - name: pmem0
    start_pfn: 8
    nr_pages: 8
threads:
  - name: mapper
    op: memremap_pages
    device: pmem0
  - name: walker
    op: memory_failure
    pfn: 13
)";

// Parses kBase + extra; returns the InputError text or "" if it parsed.
std::string err(const std::string& text) { return test::scenario_error(text); }

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

}  // namespace

TEST_CASE("a good scenario parses with its defaults") {
  Scenario sc = parse_scenario("x.yaml", kBase);
  CHECK(sc.name == "t");
  CHECK(sc.threads.size() == 2);
  CHECK(sc.threads[0].args.pgmap == 0);
  CHECK(sc.threads[1].args.start == 13);
  CHECK(sc.executions == 1000);
  CHECK(sc.other_findings_allowed);
}

namespace {
// kBase's threads plus walkers up to n threads in all.
std::string with_threads(std::size_t n) {
  std::string s(kBase);
  for (std::size_t i = 2; i < n; ++i) s += "  - {name: w" + std::to_string(i) + ", op: memory_failure, pfn: 13}\n";
  return s;
}
}  // namespace

TEST_CASE("a scenario has 1 to 64 threads, the 65th is an error naming file, line and field") {
  CHECK(parse_scenario("x.yaml", with_threads(64)).threads.size() == 64);
  CHECK(err(with_threads(65)) == "x.yaml:9:3: field 'threads': between 1 and 64 threads");
  std::string head(kBase);
  CHECK(err(head.substr(0, head.find("threads:")) + "threads: []\n").find("field 'threads'") != std::string::npos);
}

TEST_CASE("parse errors name file, line, column and field") {
  CHECK(err(std::string(kBase) + "colour: blue\n") ==
        "x.yaml:15:1: field 'colour': unknown field (allowed: name, "
        "description, era, geometry, initial, devices, threads, variant, explore, "
        "expect, timing)");
  CHECK(err(replace(kBase, "era: v6", "era: v2.6")).rfind("x.yaml:2:6: field 'era': 'v2.6' is not one of", 0) == 0);
  CHECK(err(replace(kBase, "name: t\n", "")).find("field 'name': missing required field") != std::string::npos);
  CHECK(err(replace(kBase, "sections: 4", "sections: four")) ==
        "x.yaml:3:75: field 'geometry.sections': expected a non-negative integer, got 'four'");
  CHECK(err(replace(kBase, "sections: 4", "sections: 0")).find("out of range") != std::string::npos);
  CHECK(err(replace(kBase, "nr_pages: 8", "nr_pages: 3")) ==
        "x.yaml:7:15: field 'devices[0].nr_pages': must be a multiple of pages_per_subsection (2)");
  CHECK(err(replace(kBase, "device: pmem0", "device: pmem9")) ==
        "x.yaml:11:13: field 'threads[0].device': no device named 'pmem9' in devices");
  CHECK(err(replace(kBase, "op: memory_failure", "op: no_such_op")).find("threads[1].op") != std::string::npos);
  CHECK(err(replace(kBase, "    pfn: 13\n", "")).find("field 'threads[1].pfn': op 'memory_failure' needs") !=
        std::string::npos);
  CHECK(err(replace(kBase, "pfn: 13", "pfn: 16")).find("threads[1].pfn") != std::string::npos);
  std::string head(kBase);
  CHECK(err(head.substr(0, head.find("threads:")) + "threads: 3\n").find("field 'threads': expected a list") !=
        std::string::npos);
  CHECK(err("name: [unclosed\n").find("x.yaml:2:1: field '<document>': YAML syntax error") == 0);
  CHECK(err(std::string(kBase) + "explore: {strategy: exhaustive}\n").find("explore.strategy") != std::string::npos);
  CHECK(err(std::string(kBase) + "expect: {findings: [{kind: oops}]}\n").find("expect.findings[0].kind") !=
        std::string::npos);
  CHECK(err(std::string(kBase) + "expect: {other_findings: maybe}\n").find("expect.other_findings") !=
        std::string::npos);
}

TEST_CASE("variant edits: errors for unknown steps, ops and locks") {
  std::string v = std::string(kBase) + "variant:\n  name: v\n  edits:\n";
  CHECK(err(v + "    - {op: memremap_pages, move: memmap_init_zone_devic, after: arch_add_memory}\n") ==
        "x.yaml:18:7: field 'move': operation 'memremap_pages' (era v6) has no step 'memmap_init_zone_devic'");
  CHECK(err(v + "    - {op: memremap_pages, move: percpu_ref_init, after: nowhere}\n")
            .find("field 'after': operation 'memremap_pages' (era v6) has no step 'nowhere'") != std::string::npos);
  CHECK(err(v + "    - {op: online_pages, move: a, after: b}\n").find("no thread of this scenario runs op") !=
        std::string::npos);
  CHECK(err(v + "    - {op: memory_failure, wrap: pfn_valid, lock: big_kernel_lock, mode: read}\n")
            .find("variant.edits[0].lock") != std::string::npos);
  CHECK(err(v + "    - {op: memory_failure, wrap: pfn_valid, lock: device_hotplug_lock, mode: read}\n")
            .find("cannot be taken in read mode") != std::string::npos);
  CHECK(err(v + "    - {op: memory_failure, wrap: {from: get_dev_pagemap, to: pfn_valid}, lock: mem_hotplug_lock, "
                "mode: read}\n")
            .find("comes before") != std::string::npos);
  CHECK(err(v + "    - {op: memory_failure, wrap: {from: pfn_valid, to: dax_lock_folio}, lock: mem_hotplug_lock, "
                "mode: read}\n")
            .find("not in the same block") != std::string::npos);
  CHECK(err(v + "    - {op: memremap_pages, move: pagemap_range, after: arch_add_memory}\n")
            .find("is inside 'pagemap_range'") != std::string::npos);
}

TEST_CASE("variant edits change the program: move into a lock region, wrap in a new one") {
  std::string v = std::string(kBase) +
                  "variant:\n  name: v\n  edits:\n"
                  "    - {op: memremap_pages, move: memmap_init_zone_device, after: move_pfn_range_to_zone}\n"
                  "    - {op: memory_failure, wrap: {from: pfn_valid, to: memory_failure_dev_pagemap}, "
                  "lock: mem_hotplug_lock, mode: read, via: get_online_mems, done: put_online_mems}\n";
  Scenario sc = parse_scenario("x.yaml", v);
  std::string mr = show_program(sc.programs.at("memremap_pages"));
  // memmap_init_zone_device now sits between the lock's open and close lines
  auto open = mr.find("[mem_hotplug_lock write]"), init = mr.find("memmap_init_zone_device"),
       close = mr.find("[/mem_hotplug_lock write]");
  CHECK(open < init);
  CHECK(init < close);
  std::string mf = show_program(sc.programs.at("memory_failure"));
  CHECK(mf.find("[mem_hotplug_lock read] taken by get_online_mems") < mf.find("pfn_valid"));
  CHECK(mf.find("pfn_to_online_page") < mf.find("[mem_hotplug_lock read]"));
  // The unedited catalog program is untouched.
  std::string orig = show_program(*OpCatalog::get().find("v6", "memremap_pages"));
  CHECK(orig.find("memmap_init_zone_device") > orig.find("[/mem_hotplug_lock write]"));
}

TEST_CASE("glob patterns for expected keys") {
  CHECK(glob_match("uninit/*", "uninit/DEV_UNINIT/page->flags/dax_lock_folio"));
  CHECK(glob_match("uninit/DEV_UNINIT/*/dax_lock_folio", "uninit/DEV_UNINIT/page->flags/dax_lock_folio"));
  CHECK_FALSE(glob_match("race/*", "uninit/DEV_UNINIT/page->flags/dax_lock_folio"));
  CHECK(glob_match("a?c", "abc"));
  CHECK_FALSE(glob_match("a?c", "ac"));
}

TEST_CASE("every bundled op file parses and names only known primitives") {
  const OpCatalog& cat = OpCatalog::get();
  CHECK(cat.find("v6", "memremap_pages") != nullptr);
  CHECK(cat.find("v6", "memory_failure") != nullptr);
  // The error names the field (the head of each text is valid, so only the
  // named fault can be the one reported).
  auto op_err = [](const std::string& text) -> std::string {
    try {
      OpCatalog::parse("bad.yaml", "op: x\neras: [v6]\nsteps:\n" + text);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(op_err("  - step: pfn_valid\n").empty());
  CHECK(op_err("  - step: no_such_primitive\n").find("no step primitive named 'no_such_primitive'") !=
        std::string::npos);
  CHECK(op_err("  - step: pfn_valid\n  - step: pfn_valid\n").find("appears twice") != std::string::npos);
  // otherwise: a list of steps, parsed like any other (names unique across both)
  CHECK(op_err("  - step: get_dev_pagemap\n    otherwise:\n      - step: PageHuge\n").empty());
  CHECK(op_err("  - step: get_dev_pagemap\n    otherwise: 5\n").find("steps[0].otherwise") != std::string::npos);
  CHECK(op_err("  - step: get_dev_pagemap\n    otherwise:\n      - step: nope\n").find("steps[0].otherwise[0].step") !=
        std::string::npos);
  CHECK(op_err("  - step: PageHuge\n  - step: get_dev_pagemap\n    otherwise:\n      - step: PageHuge\n")
            .find("appears twice") != std::string::npos);
}

TEST_CASE("initial.boot_sections: boot RAM is online and devices may not overlap it") {
  std::string withboot = replace(kBase, "devices:", "initial: {boot_sections: 2}\ndevices:");
  Scenario sc = parse_scenario("x.yaml", withboot);
  CHECK(sc.boot_sections == 2);
  CHECK(err(replace(kBase, "devices:", "initial: {boot_sections: 3}\ndevices:")) ==
        "x.yaml:7:16: field 'devices[0].start_pfn': device overlaps boot memory (initial.boot_sections / boot_pages)");
  CHECK(err(replace(kBase, "devices:", "initial: {boot_sections: 9}\ndevices:")).find("out of range") !=
        std::string::npos);
  CHECK(err(replace(kBase, "devices:", "initial: {ram: 1}\ndevices:")).find("initial.ram") != std::string::npos);
}

TEST_CASE("memmap_on_memory: only where the era's op file declares MHP_MEMMAP_ON_MEMORY") {
  const std::string base =
      "name: t\nera: ERA\ngeometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4}\n"
      "threads:\n  - {name: add, op: OP, pfn: 8, memmap_on_memory: true}\n";
  auto text = [&](const std::string& era, const std::string& op) {
    return replace(replace(base, "ERA", era), "OP", op);
  };
  CHECK(parse_scenario("x.yaml", text("v5.14", "add_memory")).threads[0].args.memmap_on_memory);
  CHECK(parse_scenario("x.yaml", text("v6", "dev_dax_kmem_probe")).threads[0].args.memmap_on_memory);
  CHECK(err(text("v5.10", "add_memory")) ==
        "x.yaml:5:59: field 'threads[0].memmap_on_memory': op 'add_memory' of era v5.10 takes no MHP_MEMMAP_ON_MEMORY");
  CHECK(err(text("v6.6", "dev_dax_kmem_probe")).find("field 'threads[0].memmap_on_memory'") != std::string::npos);
  CHECK(err(text("v6", "online_pages")).find("takes no MHP_MEMMAP_ON_MEMORY") != std::string::npos);
  CHECK(err(replace(text("v6", "add_memory"), "memmap_on_memory: true", "memmap_on_memory: 3"))
            .find("memmap_on_memory") != std::string::npos);
}
