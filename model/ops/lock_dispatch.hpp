// Taking and dropping the kernel object a bound lock region names
// (internal to the interpreter).
#pragma once
#include "model/ops/program.hpp"

namespace mhp {

// Acquires (or releases) the lock of region n for the operation's arguments.
void lock_op(Kernel& k, const OpNode& n, const OpArgs& a, bool acquire);

}  // namespace mhp
