// Taking and dropping the kernel object a bound lock region names
// (internal to the interpreter).
#pragma once
#include "model/ops/program.hpp"

namespace mhp {

// Acquires (or releases) the lock of region n for the operation's arguments.
// False: the acquire failed and nothing is held: kernfs_get_active() of a
// deactivated or removed node, or a `trylock: true` mutex found taken (then
// st.restart_on names it).
bool lock_op(Kernel& k, const OpNode& n, OpState& st, bool acquire);

}  // namespace mhp
