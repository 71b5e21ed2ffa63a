#include "tests/fuzz/targets.hpp"

#include <map>
#include <sstream>
#include <string_view>

#include "model/ops/program.hpp"
#include "model/ops/variant.hpp"
#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "tools/cli/baseline.hpp"
#include "tools/cli/merge.hpp"

namespace mhp::fuzz {

namespace {

// Inputs are named as if they lay in the source tree, so a scenario's
// `variant: FILE` finds the bundled variant files next to it.
const std::string src = MHPSIM_SOURCE_DIR;

std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Merge reads scenarios the report lines name: only bundled ones (relative,
// under scenarios/, no ..), parsed once; others are refused as a bad input.
Scenario bundled_scenario(const std::string& file) {
  static std::map<std::string, Scenario> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  if (file.rfind("scenarios/", 0) != 0 || file.find("..") != std::string::npos || file.find('\0') != std::string::npos)
    throw InputError(file, 0, 0, "file", "not a bundled scenario (fuzzing reads only those)");
  Scenario sc = load_scenario(src + "/" + file);
  return cache.emplace(file, std::move(sc)).first->second;
}

}  // namespace

void scenario(const std::uint8_t* data, std::size_t size) {
  try {
    parse_scenario(src + "/scenarios/fuzz-input.yaml", text_of(data, size));
  } catch (const InputError&) {
  }
}

void variant(const std::uint8_t* data, std::size_t size) {
  try {
    VariantSpec v = parse_variant_file(src + "/tests/data/fuzz-input.yaml", text_of(data, size));
    const OpCatalog& cat = OpCatalog::get();
    const std::string era = v.era.empty() ? "v6" : v.era;
    std::map<std::string, OpProgram> programs;
    for (const VariantEdit& e : v.edits) {
      const OpProgram* p = cat.find(era, e.op);
      if (!p) continue;
      apply_edit(programs.try_emplace(e.op, *p).first->second, e);
    }
  } catch (const InputError&) {
  }
}

void baseline(const std::uint8_t* data, std::size_t size) {
  try {
    Baseline::parse(src + "/ci/fuzz-input.yaml", text_of(data, size));
  } catch (const InputError&) {
  }
}

void merge(const std::uint8_t* data, std::size_t size) {
  std::vector<MergeInput> inputs;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (;;) {
    std::size_t ff = rest.find('\f');
    inputs.push_back({"shard" + std::to_string(inputs.size()) + ".jsonl", std::string(rest.substr(0, ff))});
    if (ff == std::string_view::npos) break;
    rest.remove_prefix(ff + 1);
  }
  std::ostringstream out;
  try {
    merge_report_texts(inputs, out, bundled_scenario);
  } catch (const InputError&) {
  }
}

Target target_named(const std::string& name) {
  static const std::map<std::string, Target> targets = {
      {"scenario", scenario}, {"variant", variant}, {"baseline", baseline}, {"merge", merge}};
  auto it = targets.find(name);
  return it == targets.end() ? nullptr : it->second;
}

const std::vector<std::string>& target_names() {
  static const std::vector<std::string> names = {"scenario", "variant", "baseline", "merge"};
  return names;
}

}  // namespace mhp::fuzz
