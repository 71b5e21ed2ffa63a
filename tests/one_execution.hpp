// Test helper: a scenario's first random execution with every checker and
// the invariants on; how each op returned, the findings' keys, and a look at
// the kernel model as the execution left it.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "model/scenario/scenario.hpp"
#include "tools/cli/machine.hpp"

namespace mhp::test {

struct OneExecution {
  std::vector<std::string> results, keys;
};

inline OneExecution run_one(const std::string& text, const std::function<void(const Kernel&)>& inspect = {}) {
  Scenario sc = parse_scenario("x.yaml", text);
  sc.check_invariants = true;
  Machine m(sc);
  m.add_checkers();
  RandomStrategy s(1);
  Outcome o = m.run(s, 0);
  OneExecution r;
  r.results = m.op_results();
  for (const auto& f : m.findings(o)) r.keys.push_back(f.key);
  if (inspect) inspect(m.kernel());
  return r;
}

inline bool has(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

}  // namespace mhp::test
