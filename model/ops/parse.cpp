#include <set>

#include "model/ops/primitives.hpp"
#include "model/ops/program.hpp"
#include "model/support/yaml_util.hpp"

namespace mhp {

namespace {

void parse_nodes(const YamlReader& r, const YAML::Node& seq, const std::string& path, std::vector<OpNode>& out,
                 std::set<std::string>& names) {
  r.require_seq(seq, path);
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& n = seq[i];
    std::string p = path + "[" + std::to_string(i) + "]";
    OpNode node;
    node.file = r.file();
    node.line = n.Mark().line + 1;
    if (n.IsMap() && n["step"]) {
      r.allow_keys(n, p, {"step", "impl", "otherwise"});
      node.kind = OpNode::Kind::Step;
      node.name = r.str(n["step"], p + ".step");
      node.impl = n["impl"] ? r.str(n["impl"], p + ".impl") : node.name;
      const PrimitiveInfo* pi = find_primitive(node.impl);
      if (!pi) r.fail(n["impl"] ? n["impl"] : n["step"], p + (n["impl"] ? ".impl" : ".step"),
                      "no step primitive named '" + node.impl + "'");
      node.prim = pi->fn;
      // The steps the kernel function's caller takes when this check fails
      // (memory_failure(): no pgmap, so the RAM path), before it returns.
      if (n["otherwise"]) parse_nodes(r, n["otherwise"], p + ".otherwise", node.body, names);
    } else if (n.IsMap() && n["call"]) {
      r.allow_keys(n, p, {"call", "steps"});
      node.kind = OpNode::Kind::Call;
      node.name = r.str(n["call"], p + ".call");
      parse_nodes(r, r.need(n, p, "steps"), p + ".steps", node.body, names);
    } else if (n.IsMap() && n["for_each"]) {
      r.allow_keys(n, p, {"for_each", "steps"});
      node.kind = OpNode::Kind::ForEach;
      node.name = r.one_of(n["for_each"], p + ".for_each", loop_kinds());
      parse_nodes(r, r.need(n, p, "steps"), p + ".steps", node.body, names);
      out.push_back(std::move(node));
      continue;
    } else if (n.IsMap() && n["lock"]) {
      r.allow_keys(n, p, {"lock", "mode", "via", "done", "trylock", "steps"});
      node.kind = OpNode::Kind::Lock;
      node.name = r.one_of(n["lock"], p + ".lock", lock_names());
      node.lock = find_lock(node.name)->id;
      node.mode = r.one_of(r.need(n, p, "mode"), p + ".mode", {"read", "write"});
      if (!lock_mode_valid(node.name, node.mode))
        r.fail(n["mode"], p + ".mode", node.name + " cannot be taken in " + node.mode + " mode");
      node.via = n["via"] ? r.str(n["via"], p + ".via") : node.name + "_" + node.mode + "_lock";
      node.done = n["done"] ? r.str(n["done"], p + ".done") : node.name + "_" + node.mode + "_unlock";
      node.trylock = n["trylock"] ? r.boolean(n["trylock"], p + ".trylock") : false;
      parse_nodes(r, r.need(n, p, "steps"), p + ".steps", node.body, names);
      out.push_back(std::move(node));
      continue;
    } else if (n.IsMap() && (n["acquire"] || n["release"])) {
      // One lock call: the lock stays held past the node, until a release
      // (or the op's end: a held_at_exit finding).
      const bool take = static_cast<bool>(n["acquire"]);
      const std::string field = take ? "acquire" : "release";
      if (take) r.allow_keys(n, p, {"acquire", "mode", "via", "trylock"});
      else r.allow_keys(n, p, {"release", "mode", "done"});
      node.kind = take ? OpNode::Kind::Acquire : OpNode::Kind::Release;
      node.name = r.one_of(n[field], p + "." + field, lock_names());
      if (!lock_single_call_valid(node.name))
        r.fail(n[field], p + "." + field, node.name + " is taken in lock regions only (`lock: " + node.name + "`)");
      node.lock = find_lock(node.name)->id;
      node.mode = r.one_of(r.need(n, p, "mode"), p + ".mode", {"read", "write"});
      if (!lock_mode_valid(node.name, node.mode))
        r.fail(n["mode"], p + ".mode", node.name + " cannot be taken in " + node.mode + " mode");
      if (take) {
        node.via = n["via"] ? r.str(n["via"], p + ".via") : node.name + "_" + node.mode + "_lock";
        node.trylock = n["trylock"] ? r.boolean(n["trylock"], p + ".trylock") : false;
      } else {
        node.done = n["done"] ? r.str(n["done"], p + ".done") : node.name + "_" + node.mode + "_unlock";
      }
      out.push_back(std::move(node));
      continue;
    } else {
      r.fail(n, p, "expected a mapping with 'step', 'call', 'lock', 'for_each', 'acquire' or 'release'");
    }
    if (!names.insert(node.name).second)
      r.fail(n, p, "'" + node.name + "' appears twice in this operation (step names must be unique)");
    out.push_back(std::move(node));
  }
}

}  // namespace

OpProgram OpCatalog::parse(const std::string& file, const std::string& text) {
  YamlReader r(file);
  YAML::Node doc = load_yaml(file, text);
  r.allow_keys(doc, "", {"op", "eras", "source", "params", "devres", "unit", "zone", "steps"});
  OpProgram p;
  p.file = file;
  p.op = r.str(r.need(doc, "", "op"), "op");
  const YAML::Node& eras = r.need(doc, "", "eras");
  r.require_seq(eras, "eras");
  for (std::size_t i = 0; i < eras.size(); ++i)
    p.eras.push_back(r.one_of(eras[i], "eras[" + std::to_string(i) + "]", known_eras()));
  if (p.eras.empty()) r.fail(eras, "eras", "names no era");
  p.era = p.eras.front();
  p.source = doc["source"] ? r.str(doc["source"], "source") : "";
  if (doc["params"]) {
    r.require_seq(doc["params"], "params");
    for (std::size_t i = 0; i < doc["params"].size(); ++i)
      p.params.push_back(r.one_of(doc["params"][i], "params[" + std::to_string(i) + "]", {"device", "pfn", "range"}));
  }
  if (doc["devres"])
    p.devres = r.one_of(doc["devres"], "devres", {"map", "release"}) == "map" ? OpProgram::Devres::Map
                                                                              : OpProgram::Devres::Release;
  if (doc["unit"]) p.block_unit = r.one_of(doc["unit"], "unit", {"memory_block"}) == "memory_block";
  if (doc["zone"]) p.zone_from_pages = r.one_of(doc["zone"], "zone", {"from_pages"}) == "from_pages";
  std::set<std::string> names;
  parse_nodes(r, r.need(doc, "", "steps"), "steps", p.steps, names);
  return p;
}

}  // namespace mhp
