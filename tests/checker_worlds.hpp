// The small worlds the checker tests run in: a kernel, the checkers under
// test, and the harness's threads.
#pragma once
#include <set>
#include <string>

#include "checkers/race.hpp"
#include "checkers/stale_page.hpp"
#include "model/kernel/kernel.hpp"
#include "tests/harness.hpp"

namespace mhp::test {

// A kernel with the race and stale-page checkers, and two plain words.
struct RaceWorld {
  Harness h;
  Kernel k{h.ex, MachineSpec{}};
  RaceChecker race{h.ex};
  StalePageChecker stale{h.ex, k};
  Cell data{h.ex.objects().add("data"), 0, 0};
  Cell flag{h.ex.objects().add("flag"), 0, 0};
  RaceWorld() {
    h.ex.add_observer(&race);
    h.ex.add_observer(&stale);
    h.reset = [this] {
      k.reset();
      data.v = flag.v = 0;
    };
  }
  // Keys found by a checker over n random executions.
  std::set<std::string> keys(Checker& c, int n = 100) {
    std::set<std::string> out;
    RandomStrategy s(11);
    for (int i = 0; i < n; ++i) {
      h.run_once(s, i);
      for (auto& f : c.found()) out.insert(f.key);
    }
    return out;
  }
};

// A kernel of a given machine; the test adds the checkers it needs.
struct KernelWorld {
  Harness h;
  Kernel k;
  explicit KernelWorld(MachineSpec m = MachineSpec{}) : k(h.ex, m) {
    h.reset = [this] { k.reset(); };
  }
  std::set<std::string> keys(Checker& c, int n = 200) {
    std::set<std::string> out;
    RandomStrategy s(3);
    for (int i = 0; i < n; ++i) {
      h.run_once(s, i);
      for (auto& f : c.found()) out.insert(f.key);
    }
    return out;
  }
};

// One boot section and a 4-page device-private pgmap at pfn 8.
inline MachineSpec one_private_device() {
  MachineSpec m;
  m.boot_sections = 1;
  PgmapDesc d;
  d.name = "devpriv0";
  d.start = 8;
  d.nr_pages = 4;
  d.type = PgmapType::Private;
  m.devices.push_back(d);
  return m;
}

}  // namespace mhp::test
