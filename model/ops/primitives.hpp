// The table of step primitives a step program may name: each is a C++
// function standing for one kernel function (DESIGN.md idea 1).
#pragma once
#include <string>
#include <vector>

#include "model/kernel/op_state.hpp"

namespace mhp {

struct PrimitiveInfo {
  const char* name;    // the step name used in model/ops/*.yaml
  Primitive fn;
  const char* kernel;  // where the kernel does it
};

const PrimitiveInfo* find_primitive(const std::string& name);
const std::vector<PrimitiveInfo>& all_primitives();

}  // namespace mhp
