// Node online state (node_states[N_ONLINE]): __try_online_node() at add,
// try_offline_node() at remove, each era's way of deciding that a node has
// no memory left, and the node and zone span invariants.
#include <doctest/doctest.h>

#include <memory>

#include "model/kernel/invariants.hpp"
#include "tests/one_execution.hpp"

using namespace mhp;

namespace {

// Sequential ops on node 1 (CPU-less unless `cpu`): blocks at pfn 8 and 12.
std::string scenario(const std::string& era, const std::string& threads, bool cpu = false) {
  return "name: t\nera: " + era +
         "\ngeometry: {pages_per_subsection: 2, subsections_per_section: 2, sections: 4, sections_per_block: 1}\n"
         "initial: {boot_sections: 2, nodes: 2" +
         (cpu ? "" : ", cpuless_nodes: [1]") +
         "}\n"
         "threads:\n" +
         threads;
}

struct Node1 {
  std::int64_t online = -1, spanned = -1, present = -1;
  bool node0_online = false;
};

Node1 run(const std::string& text, test::OneExecution* out = nullptr) {
  Node1 n;
  auto r = test::run_one(text, [&](const Kernel& k) {
    n.online = k.nodes[1]->node_online.v;
    n.spanned = k.nodes[1]->node_spanned_pages.v;
    n.present = k.nodes[1]->node_present_pages.v;
    n.node0_online = k.nodes[0]->node_online.v;
  });
  if (out) *out = r;
  return n;
}

const std::string add_a = "  - {name: add_a, op: add_memory, pfn: 8, nid: 1}\n";

}  // namespace

TEST_CASE("node: a CPU-less node is offline at boot, online once memory is added") {
  Node1 boot = run(scenario("v6", "  - {name: r, op: kpageflags, pfn: 0, nr_pages: 1}\n"));
  CHECK(boot.online == 0);
  CHECK(boot.node0_online);  // node 0 has the boot memory
  Node1 added = run(scenario("v6", add_a));
  CHECK(added.online == 1);
  CHECK(added.spanned == 0);  // the span grows at online, not at add
}

TEST_CASE("node: remove of its last memory takes a CPU-less node offline, every era") {
  for (const char* era : {"v4.19", "v5.3", "v5.10", "v6", "v7.1"}) {
    CAPTURE(era);
    test::OneExecution r;
    Node1 n = run(scenario(era, add_a + "  - {name: rm, op: remove_memory, pfn: 8, nid: 1, after: add_a}\n"), &r);
    CHECK(n.online == 0);
    CHECK(!test::has(r.keys, "invariant/offline-node-empty"));
    // and the node comes back with the next add
    Node1 back = run(scenario(era, add_a + "  - {name: rm, op: remove_memory, pfn: 8, nid: 1, after: add_a}\n"
                                           "  - {name: again, op: add_memory, pfn: 8, nid: 1, after: rm}\n"));
    CHECK(back.online == 1);
  }
}

TEST_CASE("node: a node with a CPU stays online (check_cpu_on_node())") {
  Node1 n = run(scenario("v6", add_a + "  - {name: rm, op: remove_memory, pfn: 8, nid: 1, after: add_a}\n", true));
  CHECK(n.online == 1);
}

TEST_CASE("node: v5.3 offlines a node whose never-onlined block is still there, v5.10 does not") {
  const std::string t = add_a +
                        "  - {name: add_b, op: add_memory, pfn: 12, nid: 1, after: add_a}\n"
                        "  - {name: rm, op: remove_memory, pfn: 8, nid: 1, after: add_b}\n";
  test::OneExecution old_r, new_r;
  Node1 old_n = run(scenario("v5.3", t), &old_r);
  CHECK(old_n.online == 0);  // the span walk saw nothing: the node span is empty
  CHECK(test::has(old_r.keys, "invariant/offline-node-empty"));
  Node1 new_n = run(scenario("v5.10", t), &new_r);
  CHECK(new_n.online == 1);  // memory1's mem->nid names the node (2c91f8fc6c99)
  CHECK(!test::has(new_r.keys, "invariant/offline-node-empty"));
}

TEST_CASE("node: v5.3 keeps an onlined block's node online through the span walk") {
  const std::string t = add_a +
                        "  - {name: on_a, op: online_pages, pfn: 8, nid: 1, after: add_a}\n"
                        "  - {name: add_b, op: add_memory, pfn: 12, nid: 1, after: on_a}\n"
                        "  - {name: rm, op: remove_memory, pfn: 12, nid: 1, after: add_b}\n";
  test::OneExecution r;
  Node1 n = run(scenario("v5.3", t), &r);
  CHECK(n.online == 1);  // pfn_to_nid() of memory0's online first page
  CHECK(n.spanned == 4);
  CHECK(!test::has(r.keys, "invariant/node-span-matches-zones"));
  CHECK(!test::has(r.keys, "invariant/offline-node-empty"));
}

namespace {

// One execution of `threads` on v6 with the invariants on, kept for a test
// to break its state by hand (the invariants are inspection only).
std::unique_ptr<Machine> run_v6(const std::string& threads) {
  Scenario sc = parse_scenario("x.yaml", scenario("v6", threads));
  sc.check_invariants = true;
  auto m = std::make_unique<Machine>(sc);
  RandomStrategy s(1);
  m->run(s, 0);
  return m;
}

bool broken(const Kernel& k, const std::string& rule) {
  for (const auto& v : check_invariants(k))
    if (v.rule == rule) return true;
  return false;
}

}  // namespace

TEST_CASE("node: the node-span invariant fires when the span misses a zone") {
  auto m = run_v6(add_a + "  - {name: on_a, op: online_pages, pfn: 8, nid: 1, after: add_a}\n");
  Kernel& k = const_cast<Kernel&>(m->kernel());
  CHECK(!broken(k, "node-span-matches-zones"));
  k.nodes[1]->node_spanned_pages.v -= 1;
  CHECK(broken(k, "node-span-matches-zones"));
}

TEST_CASE("node: the initialised-pages invariant fires on a page outside its zone's span") {
  auto m = run_v6(add_a +
                  "  - {name: on_a, op: online_pages, pfn: 8, nid: 1, after: add_a}\n"
                  "  - {name: off_a, op: offline_pages, pfn: 8, nid: 1, after: on_a}\n");
  Kernel& k = const_cast<Kernel&>(m->kernel());
  CHECK(!broken(k, "zone-span-covers-initialised-pages"));
  // re-initialise pfn 8 as memmap_init_zone() would, without growing the span
  k.init_pages_folded(8, 9, PageField::Flags, page_links(ZONE_MOVABLE, 1) | PG_reserved);
  k.set_pages_state(8, 9, PageState::InitOffline);
  CHECK(broken(k, "zone-span-covers-initialised-pages"));
}
