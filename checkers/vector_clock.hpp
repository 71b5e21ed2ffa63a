// Vector clocks for exact happens-before over at most W threads.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>

#include "model/engine/event.hpp"

namespace mhp {

template <unsigned W>
struct VectorClock {
  std::array<std::uint32_t, W> c{};
  // Components n and above are zero in both (an execution with n threads).
  void join(const VectorClock& o, unsigned n) {
    for (unsigned i = 0; i < n; ++i) c[i] = std::max(c[i], o.c[i]);
  }
  // Did the access of thread t at epoch e happen before the owner of this clock?
  bool covers(ThreadId t, std::uint32_t e) const { return e <= c[t]; }
};

}  // namespace mhp
