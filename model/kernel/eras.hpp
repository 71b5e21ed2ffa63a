// The releases the model knows, each an era of its own (docs/ERA_AUDIT.md
// names the tree read for each).
#pragma once
#include <string>
#include <vector>

namespace mhp {

// The eras of docs/KERNEL_REFERENCE.md §1, oldest first.
const std::vector<std::string>& known_eras();

}  // namespace mhp
