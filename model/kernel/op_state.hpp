// Per-thread state of one running operation: its arguments and what its steps
// hand to each other (the pgmap a lookup returned). A step primitive returns
// false to end the operation early, as the kernel function would return.
#pragma once
#include "model/kernel/kernel.hpp"

namespace mhp {

struct OpState {
  OpArgs args;
  int pgmap_ref = -1;  // pgmap held through get_dev_pagemap(), or -1
};

using Primitive = bool (*)(Kernel& k, OpState& st);

}  // namespace mhp
