// The parsers of mhpsim's input files as fuzz targets: each function feeds
// one input to one parser and returns when it parses or is refused with an
// InputError (the clean error: file, line, field). Anything else escapes:
// another exception, a crash, a hang, undefined behaviour or a leak is the
// bug libFuzzer and the sanitizers report. Built as libFuzzer binaries by
// -DMHPSIM_FUZZ=ON (fuzz_main.cpp) and replayed on tests/data/fuzz/ by
// mhpsim_tests (fuzz_replay_test.cpp). docs/TESTING.md: how to run them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mhp::fuzz {

// A scenario file (model/scenario): every op resolved, variant edits applied.
void scenario(const std::uint8_t* data, std::size_t size);
// A variant file, its edits applied to the programs they name (ops show --variant).
void variant(const std::uint8_t* data, std::size_t size);
// A baseline file (tools/cli/baseline.cpp).
void baseline(const std::uint8_t* data, std::size_t size);
// The JSON-lines reports `mhpsim merge` joins; a form feed separates files.
void merge(const std::uint8_t* data, std::size_t size);

// The targets by name, for the replay test and fuzz_main.cpp.
using Target = void (*)(const std::uint8_t*, std::size_t);
Target target_named(const std::string& name);
const std::vector<std::string>& target_names();

}  // namespace mhp::fuzz
