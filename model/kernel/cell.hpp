// One word of kernel state: an object the engine numbers and names, with its
// value now and at boot. Reached only through Kernel::read()/write().
#pragma once
#include <cstdint>
#include <string>

#include "model/engine/execution.hpp"

namespace mhp {

struct Cell {
  ObjId id = 0;
  std::int64_t v = 0;
  std::int64_t initial = 0;
};

// A field named for reports; `cls` is the name used in finding keys (no indices).
inline Cell named(Execution& ex, const std::string& name, const std::string& cls) {
  return Cell{ex.objects().add_range(
                  1, [name](std::uint64_t) { return name; }, [cls](std::uint64_t) { return cls; }),
              0, 0};
}

}  // namespace mhp
