// The cost table of timing runs: what a modelled kernel function costs in
// virtual time, with the source of every figure (model/timing/costs.yaml,
// embedded; a scenario's `timing: costs:` overrides entries by function).
#pragma once
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "model/engine/vtime.hpp"
#include "model/support/yaml_util.hpp"

namespace mhp {

struct CostEntry {
  std::string fn;
  Cost cost;
  std::string source;
};

// Reads a `costs:` sequence; errors name file, line and field (under `path`).
std::vector<CostEntry> parse_costs(const YamlReader& r, const YAML::Node& seq, const std::string& path);
// The embedded default table.
const std::vector<CostEntry>& default_costs();
// Defaults, then overrides (same function: the override wins).
std::vector<CostEntry> merge_costs(const std::vector<CostEntry>& overrides);

}  // namespace mhp
