// Every variant edit kind changes the program as documented, and every edit
// that names something missing is an InputError at the edit's line.
#include <doctest/doctest.h>

#include <algorithm>

#include "model/ops/primitives.hpp"
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
        "    - {op: memremap_pages, wrap: memmap_init_zone_device, lock: mem_hotplug_lock, mode: write, via: mem_hotplug_begin}\n"
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
    Scenario sc = with("    - {op: memremap_pages, replace: percpu_ref_get_many, impl: percpu_ref_get_many_span}\n"
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
  CHECK(err("    - {op: memremap_pages, insert: kmem_cache_create}\n")
            .find("needs exactly one of 'after' or 'before'") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, remove: nope}\n")
            .find("field 'remove': operation 'memremap_pages' (era v6) has no step 'nope'") != std::string::npos);
  CHECK(err("    - {op: memremap_pages, explode: x}\n").find("an edit is one of move, wrap") != std::string::npos);
  CHECK(err("    - {op: kpageflags, remove: pfn_valid}\n").find("no thread of this scenario runs op 'kpageflags'") !=
        std::string::npos);
}
