// A bound on the memory the kernel model of a scenario's geometry allocates,
// checked when the scenario is parsed: a geometry too large for the machine
// is an input error naming the field, not an out-of-memory kill mid-run.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "model/kernel/geometry.hpp"

namespace mhp {

constexpr std::uint64_t kDefaultMaxMemory = std::uint64_t(4) << 30;  // 4 GiB
void set_max_memory(std::uint64_t bytes);                            // --max-memory
std::uint64_t max_memory();
// Rough bytes the model of g allocates at its peak (memmap chunk headers,
// per-subsection and per-section cells, memory blocks), within a factor of 2.
std::uint64_t estimate_model_bytes(const Geometry& g);
// "4G", "512M", "1.5GiB", "1000000" (bytes); nullopt if not a size.
std::optional<std::uint64_t> parse_size(const std::string& text);
std::string format_size(std::uint64_t bytes);  // "6.5 GiB"

}  // namespace mhp
