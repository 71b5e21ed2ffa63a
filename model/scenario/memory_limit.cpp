#include "model/scenario/memory_limit.hpp"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mhp {

namespace {
std::atomic<std::uint64_t> g_max{kDefaultMaxMemory};
}

void set_max_memory(std::uint64_t bytes) { g_max = bytes; }
std::uint64_t max_memory() { return g_max; }

// Per-item costs of the kernel model, from the peak RSS of one-execution runs
// of 2^12..2^18 sections (a subsection's iomem and pgmap_array cells and its
// memmap chunk header; a section's cells; a memory block's object), rounded
// up. Executions add their events on top: the 4 x 3 TiB scenarios' estimate
// of 0.7 GiB runs in about 1 GiB.
std::uint64_t estimate_model_bytes(const Geometry& g) {
  constexpr double kPerSubsection = 100, kPerSection = 300, kPerBlock = 1500, kBase = 32 << 20;
  const double bytes = kPerSubsection * double(g.sections) * g.subsections_per_section + kPerSection * g.sections +
                       kPerBlock * g.nr_blocks() + kBase;
  return bytes >= 1.8e19 ? UINT64_MAX : std::uint64_t(bytes);
}

std::optional<std::uint64_t> parse_size(const std::string& text) {
  const char* s = text.c_str();
  char* end = nullptr;
  double v = std::strtod(s, &end);
  if (end == s || !(v >= 0)) return std::nullopt;
  std::string unit(end);
  double mul = 1;
  if (unit.empty() || unit == "B")
    mul = 1;
  else if (unit == "K" || unit == "KiB")
    mul = 1ull << 10;
  else if (unit == "M" || unit == "MiB")
    mul = 1ull << 20;
  else if (unit == "G" || unit == "GiB")
    mul = 1ull << 30;
  else if (unit == "T" || unit == "TiB")
    mul = 1ull << 40;
  else
    return std::nullopt;
  double b = v * mul;
  if (b >= 1.8e19) return std::nullopt;
  return std::uint64_t(b);
}

std::string format_size(std::uint64_t bytes) {
  char b[32];
  if (bytes >= (1ull << 30))
    std::snprintf(b, sizeof b, "%.1f GiB", double(bytes) / (1ull << 30));
  else
    std::snprintf(b, sizeof b, "%.0f MiB", std::ceil(double(bytes) / (1ull << 20)));
  return b;
}

}  // namespace mhp
