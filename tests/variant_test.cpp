// Every variant edit kind changes the program as documented, and every edit
// that names something missing is an InputError at the edit's line.
#include <doctest/doctest.h>

#include <algorithm>

#include "model/kernel/primitives.hpp"
#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"

using namespace mhp;

namespace {

const char* kHead = R"(name: t
era: v6
devices:
  - {name: pmem0, start_pfn: 8, nr_pages: 8}
threads:
  - {name: mapper, op: memremap_pages, device: pmem0}
  - {name: online, op: online_pages, pfn: 4}
variant:
  name: v
  edits:
)";

Scenario with(const std::string& edit) { return parse_scenario("x.yaml", std::string(kHead) + edit); }
std::string err(const std::string& edit) {
  try {
    with(edit);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
std::string shown(const Scenario& sc, const std::string& op) { return show_program(sc.programs.at(op)); }
// Lock regions enclosing `step`, outermost first, as "lock:mode".
bool path_to(const std::vector<OpNode>& nodes, const std::string& step, std::vector<std::string>& path) {
  for (const auto& n : nodes) {
    if (n.kind != OpNode::Kind::Lock && n.name == step) return true;
    if (n.kind == OpNode::Kind::Lock) path.push_back(n.name + ":" + n.mode);
    if (path_to(n.body, step, path)) return true;
    if (n.kind == OpNode::Kind::Lock) path.pop_back();
  }
  return false;
}
std::vector<std::string> locks_around(const Scenario& sc, const std::string& op, const std::string& step) {
  std::vector<std::string> p;
  REQUIRE(path_to(sc.programs.at(op).steps, step, p));
  return p;
}
using V = std::vector<std::string>;

}  // namespace

TEST_CASE("variant edit kinds") {
  const V mhp_w = {"cpu_hotplug_lock:read", "mem_hotplug_lock:write"};
  Scenario base = parse_scenario("x.yaml", std::string(kHead) + "    []\n");
  CHECK(locks_around(base, "memremap_pages", "memmap_init_zone_device").empty());
  CHECK(locks_around(base, "memremap_pages", "move_pfn_range_to_zone") == mhp_w);

  SUBCASE("move into and out of a lock region") {
    Scenario in = with("    - {op: memremap_pages, move: memmap_init_zone_device, after: memmap_init_range}\n");
    CHECK(locks_around(in, "memremap_pages", "memmap_init_zone_device") == mhp_w);
    // V8 of [duyck-defer-2018]: the whole call leaves the lock, with what it contains
    Scenario out = with("    - {op: memremap_pages, move: move_pfn_range_to_zone, before: percpu_ref_get_many}\n");
    CHECK(locks_around(out, "memremap_pages", "move_pfn_range_to_zone").empty());
    CHECK(locks_around(out, "memremap_pages", "resize_zone_range").empty());
  }
  SUBCASE("wrap, unwrap, set_mode") {
    Scenario sc = with(
        "    - {op: memremap_pages, wrap: memmap_init_zone_device, lock: mem_hotplug_lock, mode: write, via: "
        "mem_hotplug_begin}\n"
        "    - {op: memremap_pages, set_mode: mem_hotplug_lock, around: memmap_init_zone_device, mode: read}\n"
        "    - {op: online_pages, unwrap: device_lock, around: online_pages}\n");
    CHECK(locks_around(sc, "memremap_pages", "memmap_init_zone_device") == V{"mem_hotplug_lock:read"});
    CHECK(locks_around(sc, "memremap_pages", "arch_add_memory") == mhp_w);  // the other region keeps its mode
    V on = locks_around(sc, "online_pages", "online_pages");
    CHECK(std::find(on.begin(), on.end(), "device_lock:write") == on.end());
    CHECK(shown(sc, "memremap_pages").find("[mem_hotplug_lock read] taken by mem_hotplug_begin") != std::string::npos);
  }
  SUBCASE("replace_lock: a per-range lock instead of mem_hotplug_lock") {
    Scenario sc = with("    - {op: online_pages, replace_lock: mem_hotplug_lock, with: mem_hotplug_range_lock}\n");
    V l = locks_around(sc, "online_pages", "online_pages_range");
    CHECK(std::find(l.begin(), l.end(), "mem_hotplug_range_lock:write") != l.end());
    CHECK(std::find(l.begin(), l.end(), "mem_hotplug_lock:write") == l.end());
  }
  SUBCASE("replace, insert, remove") {
    Scenario sc = with(
        "    - {op: memremap_pages, replace: percpu_ref_get_many, impl: percpu_ref_get_many_span}\n"
        "    - {op: memremap_pages, insert: kmem_cache_create, after: memmap_init_zone_device}\n"
        "    - {op: memremap_pages, remove: devm_request_mem_region}\n");
    const OpProgram& p = sc.programs.at("memremap_pages");
    const OpNode* get = find_node(p.steps, "percpu_ref_get_many");
    REQUIRE(get);
    CHECK(get->impl == "percpu_ref_get_many_span");
    CHECK((get->prim == find_primitive("percpu_ref_get_many_span")->fn));
    CHECK(find_node(p.steps, "kmem_cache_create"));
    CHECK_FALSE(find_node(p.steps, "devm_request_mem_region"));
    std::string s = show_program(p);
    CHECK(s.find("memmap_init_zone_device") < s.find("kmem_cache_create"));
  }
}

TEST_CASE("variant edit errors name the edit's line and field") {
  CHECK(err("    - {op: memremap_pages, move: nope, after: memmap_init_range}\n") ==
        "x.yaml:11:7: field 'move': operation 'memremap_pages' (era v6) has no step 'nope'");
  CHECK(err("    - {op: memremap_pages, unwrap: zone_lock, around: memmap_init_range}\n") ==
        "x.yaml:11:7: field 'around': step 'memmap_init_range' of 'memremap_pages' is not inside a zone_lock region");
  CHECK(err("    - {op: memremap_pages, set_mode: device_hotplug_lock, around: memmap_init_range, mode: read}\n")
            .find("field 'x.yaml'") == std::string::npos);
  CHECK(err("    - {op: memremap_pages, set_mode: device_hotplug_lock, around: memmap_init_range, mode: read}\n")
            .find("device_hotplug_lock cannot be taken in read mode") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, replace_lock: zone_lock, with: rcu}\n") ==
        "x.yaml:11:7: field 'replace_lock': operation 'memremap_pages' (era v6) takes no zone_lock");
  CHECK(err("    - {op: memremap_pages, replace_lock: mem_hotplug_lock, with: rcu}\n")
            .find("field 'with': rcu cannot be taken in write mode") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, replace_lock: mem_hotplug_lock, with: big_lock}\n")
            .find("field 'variant.edits[0].with'") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, replace: percpu_ref_get_many, impl: nope}\n")
            .find("field 'impl': no step primitive named 'nope'") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, replace: pagemap_range, impl: pfn_valid}\n")
            .find("'pagemap_range' is a call, not a step") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, insert: nope, after: memmap_init_range}\n")
            .find("field 'insert': no step primitive named 'nope'") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, insert: memmap_init_range, after: percpu_ref_init}\n")
            .find("already has a step 'memmap_init_range'") != std::string::npos);
  CHECK(
      err("    - {op: memremap_pages, insert: kmem_cache_create}\n").find("needs exactly one of 'after' or 'before'") !=
      std::string::npos);
  CHECK(err("    - {op: memremap_pages, remove: nope}\n")
            .find("field 'remove': operation 'memremap_pages' (era v6) has no step 'nope'") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, explode: x}\n").find("an edit is one of move, wrap") != std::string::npos);
  CHECK(err("    - {op: kpageflags, remove: pfn_valid}\n").find("no thread of this scenario runs op 'kpageflags'") !=
        std::string::npos);
}

TEST_CASE("a REGION names a lock region by its lock, its via, or both") {
  SUBCASE("unwrap by via, without around") {
    Scenario sc = with("    - {op: memremap_pages, unwrap: {lock: mem_hotplug_lock, via: mem_hotplug_begin}}\n");
    CHECK(locks_around(sc, "memremap_pages", "arch_add_memory") == V{"cpu_hotplug_lock:read"});
  }
  SUBCASE("set_mode by via alone") {
    Scenario sc = with("    - {op: memremap_pages, set_mode: {via: region_intersects}, mode: write}\n");
    CHECK(locks_around(sc, "memremap_pages", "region_intersects") == V{"resource_lock:write"});
  }
  SUBCASE("the old form still picks the innermost region around the step") {
    Scenario sc = with("    - {op: memremap_pages, unwrap: cpu_hotplug_lock, around: memmap_init_range}\n");
    CHECK(locks_around(sc, "memremap_pages", "memmap_init_range") == V{"mem_hotplug_lock:write"});
  }
  SUBCASE("errors") {
    // mem_hotplug_begin() takes two locks: the error lists both candidates
    std::string e = err("    - {op: memremap_pages, unwrap: {via: mem_hotplug_begin}}\n");
    CHECK(e.find("x.yaml:11:7: field 'unwrap': 2 regions of 'memremap_pages' (era v6) match the lock region taken via "
                 "mem_hotplug_begin") == 0);
    CHECK(e.find("cpu_hotplug_lock read via mem_hotplug_begin (around kasan_add_zero_shadow") != std::string::npos);
    CHECK(e.find("mem_hotplug_lock write via mem_hotplug_begin (around kasan_add_zero_shadow") != std::string::npos);
    // the third is in an error label (the probe's devres release)
    CHECK(err("    - {op: memremap_pages, unwrap: resource_lock}\n").find("3 regions of 'memremap_pages'") !=
          std::string::npos);
    CHECK(err("    - {op: memremap_pages, unwrap: {lock: mem_hotplug_lock, via: get_online_mems}}\n") ==
          "x.yaml:11:7: field 'unwrap': operation 'memremap_pages' (era v6) has no mem_hotplug_lock region taken via "
          "get_online_mems");
    CHECK(err("    - {op: memremap_pages, unwrap: {}}\n").find("field 'variant.edits[0].unwrap': names a region by") !=
          std::string::npos);
    CHECK(err("    - {op: memremap_pages, unwrap: {lock: mem_hotplug_lock, mode: read}}\n")
              .find("variant.edits[0].unwrap") != std::string::npos);
  }
}

TEST_CASE("set_trylock switches a region between trylock and blocking") {
  // online_pages() is reached through the sysfs store: lock_device_hotplug_sysfs() trylocks
  Scenario base = parse_scenario("x.yaml", std::string(kHead) + "    []\n");
  CHECK(shown(base, "online_pages").find("taken by lock_device_hotplug_sysfs (trylock, else the op restarts)") !=
        std::string::npos);
  Scenario block = with("    - {op: online_pages, set_trylock: device_hotplug_lock, trylock: false}\n");
  CHECK(shown(block, "online_pages").find("trylock") == std::string::npos);
  CHECK(shown(block, "online_pages").find("[device_hotplug_lock write] taken by lock_device_hotplug_sysfs\n") !=
        std::string::npos);
  Scenario back = with(
      "    - {op: online_pages, set_trylock: device_hotplug_lock, trylock: false}\n"
      "    - {op: online_pages, set_trylock: {via: lock_device_hotplug_sysfs}, trylock: true}\n");
  CHECK(shown(back, "online_pages") == shown(base, "online_pages"));
  // two zone_lock regions: the error lists both
  CHECK(err("    - {op: online_pages, set_trylock: zone_lock, trylock: false}\n").find("2 regions of 'online_pages'") !=
        std::string::npos);
  // percpu rwsems have no trylock in the model
  CHECK(err("    - {op: online_pages, set_trylock: mem_hotplug_lock, trylock: true}\n")
            .find("field 'variant.edits[0].trylock': mem_hotplug_lock has no trylock in the model") !=
        std::string::npos);
  CHECK(err("    - {op: memremap_pages, set_trylock: {via: mem_hotplug_begin}, around: memmap_init_range, trylock: "
            "true}\n") ==
        "x.yaml:11:7: field 'trylock': mem_hotplug_lock has no trylock in the model (only the mutexes do)");
  CHECK(err("    - {op: online_pages, set_trylock: device_hotplug_lock}\n").find("trylock") != std::string::npos);
}

TEST_CASE("drop releases a lock around some steps of its region") {
  SUBCASE("in the middle: the region splits, re-taken after") {
    Scenario sc = with(
        "    - {op: memremap_pages, drop: mem_hotplug_lock, around: {from: kasan_add_zero_shadow, to: arch_add_memory},"
        " done: mem_hotplug_done_early, via: mem_hotplug_begin_again}\n");
    CHECK(locks_around(sc, "memremap_pages", "arch_add_memory") == V{"cpu_hotplug_lock:read"});
    CHECK(locks_around(sc, "memremap_pages", "move_pfn_range_to_zone") ==
          V{"cpu_hotplug_lock:read", "mem_hotplug_lock:write"});
    std::string s = shown(sc, "memremap_pages");
    // kasan_add_zero_shadow was first in the region: no empty region before it
    CHECK(s.find("dropped by mem_hotplug_done_early") == std::string::npos);
    CHECK(s.find("[mem_hotplug_lock write] taken by mem_hotplug_begin_again") < s.find("move_pfn_range_to_zone"));
    CHECK(s.find("arch_add_memory") < s.find("taken by mem_hotplug_begin_again"));
  }
  SUBCASE("names default to the region's own done") {
    Scenario sc = with("    - {op: memremap_pages, drop: mem_hotplug_lock, around: move_pfn_range_to_zone}\n");
    CHECK(locks_around(sc, "memremap_pages", "move_pfn_range_to_zone") == V{"cpu_hotplug_lock:read"});
    std::string s = shown(sc, "memremap_pages");
    CHECK(s.find("[/mem_hotplug_lock write] dropped by mem_hotplug_done") < s.find("move_pfn_range_to_zone():"));
    CHECK(s.find("taken by mem_hotplug_begin", s.find("move_pfn_range_to_zone():")) == std::string::npos);
  }
  SUBCASE("[duyck-defer-2018] as a drop gives the kernel's own program") {
    Scenario base = parse_scenario("x.yaml", std::string(kHead) + "    []\n");
    Scenario sc = with(
        "    - {op: memremap_pages, move: memmap_init_zone_device, after: move_pfn_range_to_zone}\n"
        "    - {op: memremap_pages, drop: mem_hotplug_lock, around: memmap_init_zone_device}\n"
        "    - {op: memremap_pages, drop: cpu_hotplug_lock, around: memmap_init_zone_device}\n");
    CHECK(shown(sc, "memremap_pages") == shown(base, "memremap_pages"));
  }
  SUBCASE("errors") {
    // inside the nested mem_hotplug_lock region: drop that one first
    CHECK(err("    - {op: memremap_pages, drop: cpu_hotplug_lock, around: arch_add_memory}\n") ==
          "x.yaml:11:7: field 'around.from': 'arch_add_memory' is inside the mem_hotplug_lock region within the "
          "cpu_hotplug_lock region; drop the lock around that, or drop mem_hotplug_lock first");
    CHECK(err("    - {op: memremap_pages, drop: mem_hotplug_lock, around: resize_zone_range}\n")
              .find("'resize_zone_range' is inside 'move_pfn_range_to_zone' within the mem_hotplug_lock region") !=
          std::string::npos);
    CHECK(err("    - {op: memremap_pages, drop: mem_hotplug_lock, around: {from: move_pfn_range_to_zone, to: "
              "arch_add_memory}}\n")
              .find("field 'around.to': 'arch_add_memory' comes before 'move_pfn_range_to_zone'") != std::string::npos);
    CHECK(err("    - {op: memremap_pages, drop: mem_hotplug_lock, around: memmap_init_zone_device}\n") ==
          "x.yaml:11:7: field 'around': step 'memmap_init_zone_device' of 'memremap_pages' is not inside a "
          "mem_hotplug_lock region");
    CHECK(err("    - {op: memremap_pages, drop: mem_hotplug_lock, around: {from: arch_add_memory, to: nope}}\n")
              .find("has no step 'nope'") != std::string::npos);
    CHECK(err("    - {op: memremap_pages, drop: mem_hotplug_lock}\n").find("variant.edits[0]") != std::string::npos);
  }
}

TEST_CASE("insert and replace name the step after the kernel function") {
  Scenario sc = with(
      "    - {op: memremap_pages, insert: {step: kmem_cache_create_usercopy, impl: kmem_cache_create},"
      " after: memmap_init_zone_device}\n"
      "    - {op: memremap_pages, replace: percpu_ref_get_many, impl: percpu_ref_get_many_span,"
      " as: percpu_ref_get_span}\n");
  const OpProgram& p = sc.programs.at("memremap_pages");
  const OpNode* ins = find_node(p.steps, "kmem_cache_create_usercopy");
  REQUIRE(ins);
  CHECK(ins->impl == "kmem_cache_create");
  CHECK((ins->prim == find_primitive("kmem_cache_create")->fn));
  CHECK_FALSE(find_node(p.steps, "percpu_ref_get_many"));
  const OpNode* rep = find_node(p.steps, "percpu_ref_get_span");
  REQUIRE(rep);
  CHECK(rep->impl == "percpu_ref_get_many_span");
  std::string s = show_program(p);
  CHECK(s.find("kmem_cache_create_usercopy (as kmem_cache_create)") != std::string::npos);
  CHECK(s.find("percpu_ref_get_span (as percpu_ref_get_many_span)") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, insert: {step: x, impl: nope}, after: memmap_init_range}\n")
            .find("field 'insert.impl': no step primitive named 'nope'") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, insert: {step: memmap_init_range, impl: kmem_cache_create}, after: "
            "percpu_ref_init}\n")
            .find("field 'insert.step': operation 'memremap_pages' already has a step 'memmap_init_range'") !=
        std::string::npos);
  CHECK(err("    - {op: memremap_pages, insert: {impl: kmem_cache_create}, after: percpu_ref_init}\n")
            .find("variant.edits[0].insert") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, replace: percpu_ref_get_many, impl: percpu_ref_get_many_span, as: "
            "percpu_ref_init}\n")
            .find("field 'as': operation 'memremap_pages' already has a step 'percpu_ref_init'") != std::string::npos);
}

TEST_CASE("a variant file: `variant: {name, edits}` with an optional era") {
  const std::string vf = "variant:\n  name: w\n  edits:\n    - {op: memremap_pages, remove: devm_request_mem_region}\n";
  VariantSpec v = parse_variant_file("v.yaml", "era: v6\n" + vf);
  CHECK(v.name == "w");
  CHECK(v.era == "v6");
  CHECK(v.era_line == 1);
  REQUIRE(v.edits.size() == 1);
  CHECK(v.edits[0].line == 5);
  CHECK(parse_variant_file("v.yaml", vf).era.empty());
  Scenario sc = parse_scenario("x.yaml", std::string(kHead) + "    []\n", "v.yaml", "era: v6\n" + vf);
  CHECK(sc.variant == "w");
  CHECK(parse_scenario("x.yaml", std::string(kHead) + "    []\n", "v.yaml", vf).variant ==
        "w");  // no era: any scenario
  CHECK_FALSE(find_node(sc.programs.at("memremap_pages").steps, "devm_request_mem_region"));
  auto ferr = [&](const std::string& text) {
    try {
      parse_scenario("x.yaml", std::string(kHead) + "    []\n", "v.yaml", text);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(ferr("era: v5.10\n" + vf) ==
        "v.yaml:1:6: field 'era': the variant's edits are written for era v5.10; x.yaml runs era v6");
  CHECK(ferr("era: v99\n" + vf).find("v.yaml:1:6: field 'era'") == 0);
  CHECK(ferr("name: x\n" + vf).find("v.yaml:1:1: field") == 0);
  CHECK(is_scenario_text(kHead));
  CHECK_FALSE(is_scenario_text(vf));
}
