// SplitMix64: a tiny PRNG whose output is fixed by its definition, so a seed
// gives the same schedule on every platform and standard library.
#pragma once
#include <cstdint>

namespace mhp {

struct SplitMix64 {
  std::uint64_t s;
  explicit SplitMix64(std::uint64_t seed) : s(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Lemire's multiply-shift reduction: uniform enough, deterministic, no division.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>((static_cast<unsigned __int128>(next() >> 32) * n) >> 32);
  }
};

// Seed of execution k of a run with user seed s: independent streams per execution.
inline std::uint64_t execution_seed(std::uint64_t seed, std::uint64_t k) {
  SplitMix64 m(seed ^ (k * 0xd1b54a32d192ed03ULL));
  return m.next();
}

}  // namespace mhp
