#include <algorithm>
#include <set>

#include "model/kernel/primitives.hpp"
#include "model/ops/program.hpp"
#include "model/support/errno.hpp"
#include "model/support/yaml_util.hpp"

namespace mhp {

namespace {

// The labels of the calls and lock regions around the nodes being parsed,
// innermost last: where a `goto:` may jump.
using LabelScope = std::vector<std::set<std::string>>;

void parse_nodes(const YamlReader& r, const YAML::Node& seq, const std::string& path, std::vector<OpNode>& out,
                 std::set<std::string>& names, LabelScope& scope);

// `fails: EBUSY` or `fails: [EBUSY, ENOMEM]`, and `goto: LABEL`.
void parse_exits(const YamlReader& r, const YAML::Node& n, const std::string& p, OpNode& node,
                 const LabelScope& scope) {
  if (n["fails"]) {
    const YAML::Node& f = n["fails"];
    auto one = [&](const YAML::Node& e, const std::string& ep) {
      node.fails.push_back(*errno_value(r.one_of(e, ep, errno_names())));
    };
    if (f.IsSequence()) {
      if (f.size() == 0) r.fail(f, p + ".fails", "names no errno");
      for (std::size_t i = 0; i < f.size(); ++i) one(f[i], p + ".fails[" + std::to_string(i) + "]");
    } else {
      one(f, p + ".fails");
    }
  }
  if (n["goto"]) {
    node.goto_label = r.str(n["goto"], p + ".goto");
    bool found = false;
    for (const auto& labels : scope) found = found || labels.count(node.goto_label);
    if (!found)
      r.fail(n["goto"], p + ".goto",
             "no enclosing call or lock region has a label '" + node.goto_label + "' in its unwind");
  }
}

// `unwind:` of a call or lock region: the error labels, in order; each
// label's steps have names of their own (the success path may call the same
// function: undo_isolate_page_range() after a failure and after success).
// The label names go on the scope for the container's steps; the caller pops them.
void parse_unwind(const YamlReader& r, const YAML::Node& n, const std::string& p, OpNode& node, LabelScope& scope) {
  scope.emplace_back();
  if (!n["unwind"]) return;
  const YAML::Node& u = n["unwind"];
  const std::string up = p.empty() ? "unwind" : p + ".unwind";  // "": an inline file's own
  r.require_seq(u, up);
  std::set<std::string> labels;
  for (std::size_t i = 0; i < u.size(); ++i) {
    std::string lp = up + "[" + std::to_string(i) + "]";
    r.allow_keys(u[i], lp, {"label", "steps"});
    OpNode l;
    l.kind = OpNode::Kind::Label;
    l.file = r.file();
    l.line = u[i].Mark().line + 1;
    l.name = r.str(r.need(u[i], lp, "label"), lp + ".label");
    if (!labels.insert(l.name).second) r.fail(u[i]["label"], lp + ".label", "label '" + l.name + "' appears twice");
    std::set<std::string> names;
    parse_nodes(r, r.need(u[i], lp, "steps"), lp + ".steps", l.body, names, scope);  // outer labels only
    node.unwind.push_back(std::move(l));
  }
  scope.back() = labels;
}

void parse_nodes(const YamlReader& r, const YAML::Node& seq, const std::string& path, std::vector<OpNode>& out,
                 std::set<std::string>& names, LabelScope& scope) {
  r.require_seq(seq, path);
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& n = seq[i];
    std::string p = path + "[" + std::to_string(i) + "]";
    OpNode node;
    node.file = r.file();
    node.line = n.Mark().line + 1;
    if (n.IsMap() && n["step"]) {
      r.allow_keys(n, p, {"step", "impl", "otherwise", "fails", "goto"});
      node.kind = OpNode::Kind::Step;
      node.name = r.str(n["step"], p + ".step");
      parse_exits(r, n, p, node, scope);
      node.impl = n["impl"] ? r.str(n["impl"], p + ".impl") : node.name;
      const PrimitiveInfo* pi = find_primitive(node.impl);
      if (!pi)
        r.fail(n["impl"] ? n["impl"] : n["step"], p + (n["impl"] ? ".impl" : ".step"),
               "no step primitive named '" + node.impl + "'");
      node.prim = pi->fn;
      // The steps the kernel function's caller takes when this check fails
      // (memory_failure(): no pgmap, so the RAM path), before it returns.
      if (n["otherwise"]) parse_nodes(r, n["otherwise"], p + ".otherwise", node.body, names, scope);
    } else if (n.IsMap() && n["call"]) {
      r.allow_keys(n, p, {"call", "steps", "inline", "fails", "goto", "unwind", "notifier"});
      node.kind = OpNode::Kind::Call;
      node.name = r.str(n["call"], p + ".call");
      node.inline_body = n["inline"] && r.boolean(n["inline"], p + ".inline");
      if (n["notifier"]) {
        std::vector<std::string> known;
        for (const auto& i : memory_notifiers()) known.push_back(i.name);
        node.notifier = find_memory_notifier(r.one_of(n["notifier"], p + ".notifier", known))->id;
      }
      parse_exits(r, n, p, node, scope);
      parse_unwind(r, n, p, node, scope);
      if (node.inline_body && n["steps"])
        r.fail(n["steps"], p + ".steps", "a call with `inline: true` takes the steps of its inline file");
      if (!node.inline_body) parse_nodes(r, r.need(n, p, "steps"), p + ".steps", node.body, names, scope);
      scope.pop_back();
    } else if (n.IsMap() && n["for_each"]) {
      r.allow_keys(n, p, {"for_each", "steps"});
      node.kind = OpNode::Kind::ForEach;
      node.name = r.one_of(n["for_each"], p + ".for_each", loop_kinds());
      parse_nodes(r, r.need(n, p, "steps"), p + ".steps", node.body, names, scope);
      out.push_back(std::move(node));
      continue;
    } else if (n.IsMap() && n["lock"]) {
      r.allow_keys(n, p, {"lock", "mode", "via", "done", "trylock", "steps", "unwind"});
      node.kind = OpNode::Kind::Lock;
      node.name = r.one_of(n["lock"], p + ".lock", lock_names());
      node.lock = find_lock(node.name)->id;
      node.mode = r.one_of(r.need(n, p, "mode"), p + ".mode", {"read", "write"});
      if (!lock_mode_valid(node.name, node.mode))
        r.fail(n["mode"], p + ".mode", node.name + " cannot be taken in " + node.mode + " mode");
      node.via = n["via"] ? r.str(n["via"], p + ".via") : node.name + "_" + node.mode + "_lock";
      node.done = n["done"] ? r.str(n["done"], p + ".done") : node.name + "_" + node.mode + "_unlock";
      node.trylock = n["trylock"] ? r.boolean(n["trylock"], p + ".trylock") : false;
      parse_unwind(r, n, p, node, scope);
      parse_nodes(r, r.need(n, p, "steps"), p + ".steps", node.body, names, scope);
      scope.pop_back();
      out.push_back(std::move(node));
      continue;
    } else if (n.IsMap() && (n["acquire"] || n["release"])) {
      // One lock call: the lock stays held past the node, until a release
      // (or the op's end: a held_at_exit finding).
      const bool take = static_cast<bool>(n["acquire"]);
      const std::string field = take ? "acquire" : "release";
      if (take)
        r.allow_keys(n, p, {"acquire", "mode", "via", "trylock"});
      else
        r.allow_keys(n, p, {"release", "mode", "done"});
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

unsigned pfn_loops(const std::vector<OpNode>& nodes) {
  unsigned n = 0;
  for (const OpNode& x : nodes) n += (x.kind == OpNode::Kind::ForEach && x.name == "pfn") + pfn_loops(x.body);
  return n;
}

}  // namespace

OpProgram OpCatalog::parse(const std::string& file, const std::string& text) {
  YamlReader r(file);
  YAML::Node doc = load_yaml(file, text);
  r.allow_keys(doc, "",
               {"op", "eras", "source", "params", "devres", "unit", "zone", "device", "mhp_flags", "pages", "observer",
                "chain", "inline", "unwind", "steps"});
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
      p.params.push_back(
          r.one_of(doc["params"][i], "params[" + std::to_string(i) + "]", {"device", "pfn", "range", "vpage"}));
  }
  if (doc["devres"])
    p.devres = r.one_of(doc["devres"], "devres", {"map", "release"}) == "map" ? OpProgram::Devres::Map
                                                                              : OpProgram::Devres::Release;
  if (doc["unit"]) p.block_unit = r.one_of(doc["unit"], "unit", {"memory_block"}) == "memory_block";
  if (doc["device"])
    p.device = r.one_of(doc["device"], "device", {"private", "hmm"}) == "private" ? OpProgram::Device::Private
                                                                                  : OpProgram::Device::Hmm;
  if (doc["zone"]) p.zone_from_pages = r.one_of(doc["zone"], "zone", {"from_pages"}) == "from_pages";
  if (doc["mhp_flags"]) {
    r.require_seq(doc["mhp_flags"], "mhp_flags");
    for (std::size_t i = 0; i < doc["mhp_flags"].size(); ++i)
      p.memmap_on_memory = r.one_of(doc["mhp_flags"][i], "mhp_flags[" + std::to_string(i) + "]",
                                    {"memmap_on_memory"}) == "memmap_on_memory";
  }
  if (doc["pages"]) {
    const std::string what = r.one_of(doc["pages"], "pages", {"pfn", "range", "device", "device_sections"});
    // the thread field the pages come from must be one the op takes
    const std::string field = what == "device_sections" ? "device" : what;
    if (std::find(p.params.begin(), p.params.end(), field) == p.params.end())
      r.fail(doc["pages"], "pages", "'" + field + "' is not among the op's params");
    p.pages = what == "pfn"      ? OpProgram::Pages::Pfn
              : what == "range"  ? OpProgram::Pages::Range
              : what == "device" ? OpProgram::Pages::Device
                                 : OpProgram::Pages::DeviceSections;
  }
  if (doc["chain"]) p.chain = r.one_of(doc["chain"], "chain", {"memory_chain"}) == "memory_chain";
  if (doc["inline"]) p.inlined = r.boolean(doc["inline"], "inline");
  if (p.chain && p.inlined) r.fail(doc["inline"], "inline", "a memory chain file cannot be inline too");
  std::set<std::string> names;
  LabelScope scope;
  // an inline file's `unwind:`: the labels of the call it becomes
  if (doc["unwind"] && !p.inlined) r.fail(doc["unwind"], "unwind", "only an inline file has labels of its own");
  OpNode root;
  parse_unwind(r, doc, "", root, scope);
  p.unwind = std::move(root.unwind);
  parse_nodes(r, r.need(doc, "", "steps"), "steps", p.steps, names, scope);
  if (doc["observer"]) {
    p.observer = r.boolean(doc["observer"], "observer");
    // the split explores one item of the op's pfn loop at a time: there must be exactly one
    if (p.observer && pfn_loops(p.steps) != 1)
      r.fail(doc["observer"], "observer",
             "an observer's steps need exactly one `for_each: pfn` (" + std::to_string(pfn_loops(p.steps)) + " here)");
  }
  return p;
}

}  // namespace mhp
