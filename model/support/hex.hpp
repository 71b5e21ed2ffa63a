// A number as the kernel prints a pfn or an address in a splat: "0x1f" (and
// "0" for zero, as printf's %#llx).
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

namespace mhp {

inline std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%#llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace mhp
