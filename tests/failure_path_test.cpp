// Failure exits of step programs: `fails:` / `goto:` / `unwind:` in op files,
// a scenario thread's `fail:` injection, edits that name one thread, and how
// an op's return shows in the op results.
#include <doctest/doctest.h>

#include "model/ops/program.hpp"
#include "model/scenario/scenario.hpp"
#include "model/support/errno.hpp"
#include "model/support/input_error.hpp"
#include "tests/one_execution.hpp"
#include "tests/scenario_error.hpp"

using namespace mhp;

namespace {

// The field an op file's error names; "" if it parses.
std::string op_error(const std::string& steps) {
  try {
    OpCatalog::parse("op.yaml", "op: x\neras: [v6]\nsteps:\n" + steps);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* kOffline = R"(name: t
era: v6
geometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4}
initial: {boot_sections: 2}
threads:
  - {name: probe, op: add_memory, pfn: 8}
  - {name: online, op: online_pages, pfn: 8, zone: movable, after: probe}
  - name: offline
    op: offline_pages
    pfn: 8
    after: online
)";

using test::scenario_error;

using test::has;
// The scenario's first random execution: op results and findings' keys.
using Ran = test::OneExecution;
Ran run_once(const std::string& text) { return test::run_one(text); }

}  // namespace

TEST_CASE("errno names") {
  CHECK(errno_value("EBUSY") == 16);
  CHECK_FALSE(errno_value("EWHAT"));
  CHECK(errno_return(0) == "0");
  CHECK(errno_return(12) == "-ENOMEM");
  CHECK(errno_name(9999) == "9999");
}

TEST_CASE("op files: fails, goto and unwind are checked where they are written") {
  CHECK(op_error("  - step: pfn_valid\n    fails: EBUSY\n") == "");
  CHECK(op_error("  - step: pfn_valid\n    fails: EWHAT\n")
            .find("op.yaml:5:12: field 'steps[0].fails': 'EWHAT' is not one of") == 0);
  CHECK(op_error("  - step: pfn_valid\n    fails: []\n").find("field 'steps[0].fails': names no errno") !=
        std::string::npos);
  // a goto needs a label of an enclosing call or lock region
  CHECK(op_error("  - step: pfn_valid\n    goto: out\n")
            .find("field 'steps[0].goto': no enclosing call or lock region has a label 'out'") != std::string::npos);
  const std::string call = "  - call: f\n    unwind:\n      - label: out\n        steps: []\n    steps:\n";
  CHECK(op_error(call + "      - step: pfn_valid\n        goto: out\n") == "");
  // ... not one of a sibling call
  CHECK(op_error(call + "      - step: pfn_valid\n  - step: get_dev_pagemap\n    goto: out\n").find("steps[1].goto") !=
        std::string::npos);
  CHECK(op_error(
            "  - call: f\n    unwind:\n      - {label: out, steps: []}\n      - {label: out, steps: []}\n    steps:\n"
            "      - step: pfn_valid\n")
            .find("field 'steps[0].unwind[1].label': label 'out' appears twice") != std::string::npos);
  // a label's steps have names of their own
  CHECK(
      op_error("  - call: f\n    unwind:\n      - label: out\n        steps:\n          - step: pfn_valid\n    steps:\n"
               "      - step: pfn_valid\n") == "");
}

TEST_CASE("a thread's fail: names a step that can fail with that errno") {
  const std::string base(kOffline);
  CHECK(scenario_error(base + "    fail: {at: memory_notify(MEM_GOING_OFFLINE), errno: ENOMEM}\n") == "");
  CHECK(scenario_error(base + "    fail: {at: memory_notify(MEM_GOING_ONLINE)}\n")
            .find("x.yaml:12:11: field 'threads[2].fail.at': op offline_pages (era v6) has no step or call "
                  "'memory_notify(MEM_GOING_ONLINE)'") == 0);
  CHECK(scenario_error(base + "    fail: {at: offline_mem_sections}\n")
            .find("offline_mem_sections cannot fail in this program") != std::string::npos);
  CHECK(scenario_error(base + "    fail: {at: start_isolate_page_range, errno: ENOMEM}\n")
            .find("field 'threads[2].fail.errno': start_isolate_page_range returns -EBUSY here, not -ENOMEM") !=
        std::string::npos);
  CHECK(
      scenario_error(base + "    fail: {at: start_isolate_page_range, errno: EWHAT}\n").find("threads[2].fail.errno") !=
      std::string::npos);
  CHECK(scenario_error(base + "    fail: {at: start_isolate_page_range, nth: 0}\n").find("threads[2].fail.nth") !=
        std::string::npos);
  CHECK(scenario_error(base + "    fail: []\n").find("threads[2].fail") != std::string::npos);
}

TEST_CASE("edits that name a thread: checked, and only that thread's program changes") {
  const std::string two = std::string(kOffline) + "  - {name: offline2, op: offline_pages, pfn: 8, after: offline}\n";
  const std::string v = two + "variant:\n  name: v\n  edits:\n";
  CHECK(scenario_error(v + "    - {op: offline_pages, thread: nobody, remove: do_migrate_range}\n")
            .find("field 'variant.edits[0].thread': no thread named 'nobody'") != std::string::npos);
  CHECK(scenario_error(v + "    - {op: offline_pages, thread: online, remove: do_migrate_range}\n")
            .find("thread 'online' runs online_pages, not offline_pages") != std::string::npos);
  Scenario sc =
      parse_scenario("x.yaml", v + "    - {op: offline_pages, thread: [offline2], remove: do_migrate_range}\n");
  REQUIRE(sc.threads[3].program == "offline_pages@offline2");
  CHECK(sc.threads[2].program.empty());
  CHECK(find_node(sc.programs.at("offline_pages").steps, "do_migrate_range"));
  CHECK_FALSE(find_node(sc.programs.at("offline_pages@offline2").steps, "do_migrate_range"));
  // an edit for every thread of the op reaches the thread's own program too
  Scenario both = parse_scenario("x.yaml", v + "    - {op: offline_pages, thread: offline2, remove: do_migrate_range}\n"
                                               "    - {op: offline_pages, remove: node_states_clear_node}\n");
  CHECK_FALSE(find_node(both.programs.at("offline_pages@offline2").steps, "node_states_clear_node"));
  CHECK_FALSE(find_node(both.programs.at("offline_pages").steps, "node_states_clear_node"));
  CHECK(find_node(both.programs.at("offline_pages").steps, "do_migrate_range"));
}

TEST_CASE("an injected failure unwinds through the error labels and shows in the op results") {
  const std::string base(kOffline);
  Ran ok = run_once(base);
  CHECK(has(ok.results, "task offline (T2): offline_pages returned 0"));
  CHECK(ok.keys.empty());

  Ran veto = run_once(base + "    fail: {at: memory_notify(MEM_GOING_OFFLINE), errno: ENOMEM}\n");
  CHECK(has(veto.results,
            "task offline (T2): offline_pages returned -ENOMEM early, at memory_notify(MEM_GOING_OFFLINE) "
            "(injected by the scenario's fail:)"));
  CHECK(veto.keys.empty());  // isolation undone, the block back to MEM_ONLINE

  // without the label's undo, the pageblocks stay isolated
  Ran leak = run_once(base +
                      "    fail: {at: memory_notify(MEM_GOING_OFFLINE)}\nvariant:\n  name: v\n  edits:\n"
                      "    - {op: offline_pages, remove: failed_removal_isolated/undo_isolate_page_range}\n");
  CHECK(has(leak.keys, "invariant/isolation-undone"));
  // without the caller's state restore, the block says offline while its sections are online
  Ran state = run_once(base +
                       "    fail: {at: start_isolate_page_range}\nvariant:\n  name: v\n  edits:\n"
                       "    - {op: offline_pages, remove: memory_block_change_state/memory_block_change_state}\n");
  CHECK(has(state.results,
            "task offline (T2): offline_pages returned -EBUSY early, at start_isolate_page_range "
            "(injected by the scenario's fail:)"));
  CHECK(has(state.keys, "invariant/block-state-matches-sections"));

  // nth: the second time; the step runs once, so the offline succeeds
  Ran second = run_once(base + "    fail: {at: start_isolate_page_range, nth: 2}\n");
  CHECK(has(second.results, "task offline (T2): offline_pages returned 0"));
}

TEST_CASE("add_memory: an arch_add_memory() failure releases the resource, a busy range fails -EEXIST") {
  const std::string base = R"(name: t
era: v6
geometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4}
initial: {boot_sections: 2}
threads:
  - name: probe
    op: add_memory
    pfn: 8
)";
  Ran fail = run_once(
      base +
      "    fail: {at: arch_add_memory, errno: ENOMEM}\n  - {name: again, op: add_memory, pfn: 8, after: probe}\n");
  CHECK(
      has(fail.results,
          "task probe (T0): add_memory returned -ENOMEM early, at arch_add_memory (injected by the scenario's fail:)"));
  CHECK(has(fail.results, "task again (T1): add_memory returned 0"));
  CHECK(fail.keys.empty());

  // without __add_memory()'s release_memory_resource(), the range stays busy
  Ran leak = run_once(
      base +
      "    fail: {at: arch_add_memory, errno: ENOMEM}\n  - {name: again, op: add_memory, pfn: 8, after: probe}\n"
      "variant:\n  name: v\n  edits:\n"
      "    - {op: add_memory, thread: probe, remove: release_memory_resource/release_memory_resource}\n");
  CHECK(has(leak.keys, "invariant/iomem-matches-memmap"));
  CHECK(has(leak.results, "task again (T1): add_memory returned -EEXIST early, at register_memory_resource"));

  // without arch_remove_memory() before goto error, the memmap outlives the resource
  Ran orphan = run_once(base +
                        "    fail: {at: create_memory_block_devices, errno: ENOMEM}\nvariant:\n  name: v\n  edits:\n"
                        "    - {op: add_memory, remove: arch_remove_memory/arch_remove_memory}\n");
  CHECK(has(orphan.keys, "invariant/iomem-matches-memmap"));
}
