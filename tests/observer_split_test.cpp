// A dfs search split by observer pfn (`explore.observers: per_pfn`,
// tools/cli/search_dfs.cpp): what declares an observer, what the split
// refuses, and that where both searches complete the split finds exactly
// what the whole search finds, with witnesses that replay without it.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "model/ops/program.hpp"
#include "model/support/input_error.hpp"
#include "tools/cli/run.hpp"

using namespace mhp;

namespace {

std::string path(const char* rel) { return std::string(MHPSIM_SOURCE_DIR) + "/" + rel; }

std::string read_text_file(const std::string& p) {
  std::ifstream in(p);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A device bound and unbound while /proc/kpageflags walks pfns 7..9: pfn 7
// is boot RAM nobody else touches, 8 and 9 the device's first pages, whose
// memmap v4.19 reads through pfn_valid() while it is poisoned, initialised
// and freed.
const char* kBindUnbind = "scenarios/exhaustive/kpageflags_bind_unbind_per_pfn_v4_19.yaml";

// The same machine in v6, kmem's hot-add, online and offline of the
// device's block while the walker reads pfns 7..9: pfn_to_online_page()
// lets the walker in once the section is online.
Scenario online_offline() {
  std::string t = read_text_file(path(kBindUnbind));
  t.replace(t.find("era: v4.19"), 10, "era: v6");
  const std::size_t from = t.find("  - {name: bind,"), to = t.find("  - {name: kpageflags,");
  t.replace(from, to - from,
            "  - {name: kmem_probe, op: dev_dax_kmem_probe, pfn: 8}\n"
            "  - {name: online, op: online_pages, pfn: 8, zone: movable, after: kmem_probe}\n"
            "  - {name: offline, op: offline_pages, pfn: 8, after: online}\n");
  t.erase(t.find("expect:"));
  return parse_scenario("online_offline.yaml", t);
}

ScenarioResult search(const Scenario& sc, bool per_pfn) {
  RunOptions o;
  o.observers_per_pfn = per_pfn;
  o.shrink = false;
  return run_scenario(sc, o);
}

std::map<std::string, std::string> witnesses(const ScenarioResult& r) {
  std::map<std::string, std::string> w;
  for (const Finding& f : r.findings) w.emplace(f.key, f.schedule);
  return w;
}

std::set<std::string> keys_of(const ScenarioResult& r) {
  std::set<std::string> k;
  for (const Finding& f : r.findings) k.insert(f.key);
  return k;
}

}  // namespace

TEST_CASE("observers per pfn: `observer: true` needs exactly one pfn loop") {
  const std::string head = "op: x\neras: [v6]\nparams: [range]\n";
  CHECK(OpCatalog::parse("a.yaml", head + "observer: true\nsteps:\n  - for_each: pfn\n    steps: []\n").observer);
  CHECK_FALSE(OpCatalog::parse("a.yaml", head + "steps: []\n").observer);
  CHECK_THROWS_WITH_AS(OpCatalog::parse("a.yaml", head + "observer: true\nsteps: []\n"),
                       doctest::Contains("exactly one `for_each: pfn` (0 here)"), InputError);
  CHECK_THROWS_WITH_AS(OpCatalog::parse("a.yaml", head + "observer: true\nsteps:\n  - for_each: pfn\n    steps: []\n"
                                                         "  - for_each: pfn\n    steps: []\n"),
                       doctest::Contains("(2 here)"), InputError);
}

TEST_CASE("observers per pfn: what the split refuses") {
  const std::string base = read_text_file(path(kBindUnbind));
  auto with_explore = [&](const std::string& explore) {
    std::string t = base;
    t.replace(t.find("explore:"), std::string::npos, explore + "\n");  // (and no expect:)
    return t;
  };
  CHECK(parse_scenario("x.yaml", with_explore("explore: {strategy: dfs, reduce: dpor, observers: per_pfn}"))
            .observers_per_pfn);
  CHECK_THROWS_WITH_AS(parse_scenario("x.yaml", with_explore("explore: {strategy: random, observers: per_pfn}")),
                       doctest::Contains("needs explore.strategy: dfs"), InputError);
  // a preemption bound counts differently in each piece
  CHECK_THROWS_WITH_AS(parse_scenario("x.yaml", with_explore("explore: {strategy: dfs, observers: per_pfn}")),
                       doctest::Contains("splits an unbounded search"), InputError);
  CHECK_THROWS_WITH_AS(
      parse_scenario("x.yaml", with_explore("explore: {strategy: dfs, reduce: dpor, bound: 2, observers: per_pfn}")),
      doctest::Contains("splits an unbounded search"), InputError);
  // a variant that adds a lock to the walker voids its declaration
  std::string wrapped = with_explore("explore: {strategy: dfs, reduce: dpor, observers: per_pfn}");
  wrapped.replace(wrapped.find("explore:"), 0,
                  "variant:\n  name: walker-under-get_online_mems\n  edits:\n    - op: kpageflags\n"
                  "      wrap: {from: pfn_valid, to: stable_page_flags}\n      lock: mem_hotplug_lock\n"
                  "      mode: read\n      via: get_online_mems\n      done: put_online_mems\n");
  CHECK_THROWS_WITH_AS(parse_scenario("x.yaml", wrapped), doctest::Contains("no thread's op file declares"),
                       InputError);
}

TEST_CASE("observers per pfn: an observer that does more than load is a model error in a split search") {
  // page_owner from v6.1 tests the section inside rcu_read_lock_sched()
  // (5ec8e8ea8b77): its op file does not declare an observer; declared by
  // hand here, the split search meets the lock in a hidden item.
  std::string text = read_text_file(path(kBindUnbind));
  text.replace(text.find("era: v4.19"), 10, "era: v6.1");
  text.replace(text.find("op: kpageflags"), 14, "op: page_owner");
  text.replace(text.find(" observers: per_pfn,"), 20, "");  // (no observer in the file now)
  Scenario sc = parse_scenario("x.yaml", text);
  CHECK_FALSE(sc.threads[2].observer);
  sc.threads[2].observer = true;
  CHECK_THROWS_WITH_AS(search(sc, true),
                       doctest::Contains("a search split by observer pfn needs its observers to only load"),
                       std::runtime_error);
  CHECK_NOTHROW(search(sc, false));  // the whole search asks nothing of it
}

TEST_CASE("observers per pfn: the split finds what the whole search finds, and its witnesses replay without it") {
  for (const Scenario& sc : {load_scenario(path(kBindUnbind)), online_offline()}) {
    CAPTURE(sc.name);
    const ScenarioResult whole = search(sc, false), split = search(sc, true);
    REQUIRE(whole.complete);
    REQUIRE(split.complete);
    CHECK(split.strategy.find("observers per pfn: 3 searches (kpageflags pfns 0x7-0x9)") != std::string::npos);
    CHECK(whole.strategy.find("observers per pfn") == std::string::npos);
    CHECK(keys_of(split) == keys_of(whole));
    CHECK(keys_of(whole).size() >= 6);
    CHECK(split.executions_run < whole.executions_run);
    // pfn 7 alone finds none of the walker's findings: the later pieces do
    Scenario first = sc;
    first.threads[first.threads.size() - 1].args.nr_pages = 1;
    for (const std::string& k : keys_of(search(first, true))) CHECK(k.find("stable_page_flags") == std::string::npos);
    // every witness of the split replays, without the split, to its finding
    for (const auto& [key, schedule] : witnesses(split)) {
      CAPTURE(key);
      RunOptions o;
      o.replay = Schedule::decode(schedule);
      o.shrink = false;
      CHECK(keys_of(run_scenario(sc, o)).count(key) == 1);
    }
    // the same search twice: the same findings, witnesses and counts
    const ScenarioResult again = search(sc, true);
    CHECK(witnesses(again) == witnesses(split));
    CHECK(again.executions_run == split.executions_run);
    CHECK(again.traces == split.traces);
  }
}
