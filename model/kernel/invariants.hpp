// Model invariants: what must hold whenever no operation is in the
// middle of a step -- after every operation in the sequential tests, and at
// the end of every execution with `explore: {check_invariants: true}`.
// Inspection only: no events, no choice points.
#pragma once
#include <string>
#include <vector>

#include "model/kernel/kernel.hpp"

namespace mhp {

struct Violation {
  std::string rule;  // stable name, used in finding keys
  std::string text;  // the object and its values
};
std::vector<Violation> check_invariants(const Kernel& k);

}  // namespace mhp
