#include "checkers/finding.hpp"

#include <algorithm>

namespace mhp {

std::vector<std::string> lock_names_of(const Execution& ex, std::uint64_t held, std::uint64_t shared) {
  std::vector<std::string> out;
  for (unsigned b = 0; b < 64; ++b)
    if (held & (1ULL << b))
      out.push_back(ex.objects().describe(ex.lock_obj(static_cast<std::uint8_t>(b))) +
                    ((shared >> b) & 1 ? " (read)" : " (write)"));
  // Lock bits are numbered in first-acquire order, which differs between
  // workers of a parallel run: list by name so reports do not.
  std::sort(out.begin(), out.end());
  return out;
}

FindingSide side_at(const Execution& ex, const Event& ev, const std::string& title) {
  FindingSide s;
  s.title = title;
  s.stack = ex.stacks().frames(ev.stack);
  s.locks = lock_names_of(ex, ev.held, ev.held_shared);
  s.event = ev.index;
  return s;
}

}  // namespace mhp
