// The memory notifier chain: its per-era callbacks expanded into the ops'
// memory_notify() steps, initial.notifiers, and a callback's veto.
#include <doctest/doctest.h>

#include <algorithm>

#include "model/ops/program.hpp"
#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "tests/one_execution.hpp"
#include "tests/scenario_error.hpp"

using namespace mhp;

namespace {

using test::scenario_error;

std::string with_notifiers(const std::string& era, const std::string& notifiers) {
  return "name: t\nera: " + era +
         "\ngeometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 6}\n"
         "initial: {boot_sections: 4, nodes: 2, notifiers: " +
         notifiers +
         "}\n"
         "threads:\n  - {name: probe, op: add_memory, pfn: 16, nid: 1}\n"
         "  - name: online\n    op: online_pages\n    pfn: 16\n    nid: 1\n    after: probe\n";
}

bool has_notifier(const std::string& era, MemoryNotifier n) {
  auto v = OpCatalog::get().notifiers(era);
  return std::find(v.begin(), v.end(), n) != v.end();
}

bool contains(const std::vector<std::string>& v, const std::string& part) {
  for (const auto& s : v)
    if (s.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("memory chain: the callbacks each era's tree registers") {
  CHECK(has_notifier("v4.19", MemoryNotifier::Slab));
  CHECK(has_notifier("v4.19", MemoryNotifier::Ksm));
  CHECK_FALSE(has_notifier("v4.19", MemoryNotifier::Hmat));        // hmat_callback() not in the 5.3 tree
  CHECK_FALSE(has_notifier("v5.15", MemoryNotifier::MemoryTier));  // memory-tiers.c from v6.1
  CHECK(has_notifier("v6.1", MemoryNotifier::MemoryTier));
  CHECK_FALSE(has_notifier("v6.6", MemoryNotifier::Cpuset));  // schedule_work() only
  CHECK(has_notifier("v6.12", MemoryNotifier::Cpuset));       // synchronous from v6.10
  CHECK_FALSE(has_notifier("v7.1", MemoryNotifier::Slab));    // on the node chain
  CHECK(has_notifier("v7.1", MemoryNotifier::Ksm));
}

TEST_CASE("memory chain: memory_notify() steps become calls of the chain") {
  const OpProgram* p = OpCatalog::get().find("v6", "offline_pages");
  REQUIRE(p);
  const OpNode* n = find_node(p->steps, "memory_notify(MEM_GOING_OFFLINE)");
  REQUIRE(n);
  CHECK(n->kind == OpNode::Kind::Call);
  CHECK(n->memory_chain);
  CHECK_FALSE(n->fails.empty());  // notifier-error-inject's veto stays
  CHECK(find_node(p->steps, "ksm_memory_callback(MEM_GOING_OFFLINE)"));
  CHECK(find_node(p->steps, "slab_mem_going_offline_callback"));
  const std::string shown = show_program(*p);
  CHECK(shown.find("[memory_chain.rwsem read] taken by blocking_notifier_call_chain") != std::string::npos);
  CHECK(shown.find("[ksm_thread_mutex write] taken by mutex_lock") != std::string::npos);
  // the chain program is no op of its own
  CHECK_FALSE(OpCatalog::get().find("v6", "memory_notify"));
}

TEST_CASE("memory chain: initial.notifiers") {
  Scenario none = parse_scenario("x.yaml", with_notifiers("v6", "[]"));
  CHECK(none.notifiers == notifier_bit(MemoryNotifier::None));
  Scenario def = parse_scenario("x.yaml", with_notifiers("v6", "default"));
  CHECK(def.notifiers == default_memory_notifiers("v6"));
  CHECK((def.notifiers & notifier_bit(MemoryNotifier::Slab)));
  CHECK_FALSE((def.notifiers & notifier_bit(MemoryNotifier::Hmat)));  // needs an ACPI HMAT table
  std::string absent = with_notifiers("v6", "[]");
  absent.replace(absent.find(", notifiers: []"), 15, "");
  CHECK(parse_scenario("x.yaml", absent).notifiers == default_memory_notifiers("v6"));  // absent: the default
  CHECK(parse_scenario("x.yaml", with_notifiers("v6", "none")).notifiers == 0);         // the chain not modelled
  CHECK(scenario_error(with_notifiers("v5.4", "[slab, memory_tier]"))
            .find("initial.notifiers[1]': 'memory_tier' is not on the memory notifier chain in era v5.4") !=
        std::string::npos);
  CHECK(scenario_error(with_notifiers("v6", "[slab, slab]")).find("listed twice") != std::string::npos);
  CHECK(scenario_error(with_notifiers("v6", "[slub]")).find("initial.notifiers[0]") != std::string::npos);
  CHECK(scenario_error(with_notifiers("v6", "7")).find("initial.notifiers") != std::string::npos);
}

TEST_CASE("memory chain: slab's going-online callback vetoes with -ENOMEM") {
  test::OneExecution r = test::run_one(with_notifiers("v6", "default") +
                                       "    fail: {at: slab_mem_going_online_callback, errno: ENOMEM}\n");
  CHECK(contains(r.results, "online_pages returned -ENOMEM early, at slab_mem_going_online_callback"));
  CHECK(r.keys.empty());
  // not a failure point where the chain is not modelled, or slab not registered
  const std::string absent = with_notifiers("v6", "none");
  CHECK(scenario_error(absent + "    fail: {at: slab_mem_going_online_callback, errno: ENOMEM}\n")
            .find("which this scenario does not model (initial.notifiers)") != std::string::npos);
  CHECK(
      scenario_error(with_notifiers("v6", "[ksm]") + "    fail: {at: slab_mem_going_online_callback, errno: ENOMEM}\n")
          .find("fail.at': slab_mem_going_online_callback is on the memory notifier chain in slab's callback") !=
      std::string::npos);
  // the veto point itself stays injectable without the chain
  CHECK(scenario_error(absent + "    fail: {at: memory_notify(MEM_GOING_ONLINE), errno: ENOMEM}\n") == "");
}
