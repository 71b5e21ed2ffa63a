#include "model/timing/cost_table.hpp"

#include <stdexcept>

#include "model/support/embedded.hpp"

namespace mhp {

std::vector<CostEntry> parse_costs(const YamlReader& r, const YAML::Node& seq, const std::string& path) {
  r.require_seq(seq, path);
  std::vector<CostEntry> out;
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& e = seq[i];
    std::string f = path + "[" + std::to_string(i) + "]";
    r.require_map(e, f);
    r.allow_keys(e, f, {"fn", "ns", "per_page_ns", "per_section_ns", "source"});
    CostEntry c;
    c.fn = r.str(r.need(e, f, "fn"), f + ".fn");
    constexpr double kMax = 1e15;  // 11 days: a typo, not a cost
    if (e["ns"]) c.cost.ns = r.number(e["ns"], f + ".ns", 0, kMax);
    if (e["per_page_ns"]) c.cost.per_page_ns = r.number(e["per_page_ns"], f + ".per_page_ns", 0, kMax);
    if (e["per_section_ns"]) c.cost.per_section_ns = r.number(e["per_section_ns"], f + ".per_section_ns", 0, kMax);
    if (e["source"]) c.source = r.str(e["source"], f + ".source");
    if (!e["ns"] && !e["per_page_ns"] && !e["per_section_ns"])
      r.fail(e, f, "a cost needs ns, per_page_ns or per_section_ns");
    out.push_back(std::move(c));
  }
  return out;
}

const std::vector<CostEntry>& default_costs() {
  static const std::vector<CostEntry> table = [] {
    for (const auto& f : embedded_cost_files()) {
      YamlReader r(f.path);
      YAML::Node doc = load_yaml(f.path, f.text);
      r.allow_keys(doc, "", {"costs"});
      return parse_costs(r, r.need(doc, "", "costs"), "costs");
    }
    throw std::logic_error("model/timing/costs.yaml is not embedded");
  }();
  return table;
}

std::vector<CostEntry> merge_costs(const std::vector<CostEntry>& overrides) {
  std::vector<CostEntry> out = default_costs();
  for (const CostEntry& o : overrides) {
    bool replaced = false;
    for (CostEntry& c : out)
      if (c.fn == o.fn) {
        c = o;
        replaced = true;
      }
    if (!replaced) out.push_back(o);
  }
  return out;
}

}  // namespace mhp
