// One libFuzzer binary per target: MHPSIM_FUZZ_TARGET names it (CMakeLists.txt).
#include "tests/fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mhp::fuzz::MHPSIM_FUZZ_TARGET(data, size);
  return 0;
}
