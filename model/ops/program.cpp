#include "model/ops/program.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>

#include "model/engine/execution.hpp"
#include "model/ops/embedded.hpp"
#include "model/ops/primitives.hpp"
#include "model/scenario/yaml_util.hpp"

namespace mhp {

namespace {

struct LockSpec {
  const char* name;
  bool read, write;
};
const LockSpec kLocks[] = {
    {"mem_hotplug_lock", true, true},  {"cpu_hotplug_lock", true, true},   {"device_hotplug_lock", false, true},
    {"resource_lock", true, true},     {"pgdat_resize_lock", false, true}, {"zone_span_seqlock", false, true},
    {"pgmap_xa_lock", false, true},
};

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
      r.allow_keys(n, p, {"step"});
      node.kind = OpNode::Kind::Step;
      node.name = r.str(n["step"], p + ".step");
      const PrimitiveInfo* pi = find_primitive(node.name);
      if (!pi) r.fail(n["step"], p + ".step", "no step primitive named '" + node.name + "'");
      node.prim = pi->fn;
    } else if (n.IsMap() && n["call"]) {
      r.allow_keys(n, p, {"call", "steps"});
      node.kind = OpNode::Kind::Call;
      node.name = r.str(n["call"], p + ".call");
      parse_nodes(r, r.need(n, p, "steps"), p + ".steps", node.body, names);
    } else if (n.IsMap() && n["lock"]) {
      r.allow_keys(n, p, {"lock", "mode", "via", "done", "steps"});
      node.kind = OpNode::Kind::Lock;
      node.name = r.one_of(n["lock"], p + ".lock", lock_names());
      node.mode = r.one_of(r.need(n, p, "mode"), p + ".mode", {"read", "write"});
      if (!lock_mode_valid(node.name, node.mode))
        r.fail(n["mode"], p + ".mode", node.name + " cannot be taken in " + node.mode + " mode");
      node.via = n["via"] ? r.str(n["via"], p + ".via") : node.name + "_" + node.mode + "_lock";
      node.done = n["done"] ? r.str(n["done"], p + ".done") : node.name + "_" + node.mode + "_unlock";
      parse_nodes(r, r.need(n, p, "steps"), p + ".steps", node.body, names);
    } else {
      r.fail(n, p, "expected a mapping with 'step', 'call' or 'lock'");
    }
    if (node.kind != OpNode::Kind::Lock && !names.insert(node.name).second)
      r.fail(n, p, "'" + node.name + "' appears twice in this operation (step names must be unique)");
    out.push_back(std::move(node));
  }
}

void bind_nodes(std::vector<OpNode>& nodes, StackTable& st) {
  for (auto& n : nodes) {
    n.fn = st.fn(n.name);
    if (n.kind == OpNode::Kind::Lock) {
      n.via_fn = st.fn(n.via);
      n.done_fn = st.fn(n.done);
    }
    bind_nodes(n.body, st);
  }
}

void lock_op(Kernel& k, const std::string& lock, bool write, bool acquire) {
  auto rw = [&](PercpuRwsem& s) {
    if (acquire) write ? s.down_write() : s.down_read();
    else write ? s.up_write() : s.up_read();
  };
  if (lock == "mem_hotplug_lock") rw(k.mem_hotplug_lock);
  else if (lock == "cpu_hotplug_lock") rw(k.cpu_hotplug_lock);
  else if (lock == "device_hotplug_lock") acquire ? k.device_hotplug_lock.lock() : k.device_hotplug_lock.unlock();
  else if (lock == "resource_lock") {
    if (acquire) write ? k.resource_lock.write_lock() : k.resource_lock.read_lock();
    else write ? k.resource_lock.write_unlock() : k.resource_lock.read_unlock();
  } else if (lock == "pgdat_resize_lock") acquire ? k.pgdat_resize_lock.lock() : k.pgdat_resize_lock.unlock();
  else if (lock == "zone_span_seqlock") acquire ? k.zone_span_seqlock.write_lock() : k.zone_span_seqlock.write_unlock();
  else if (lock == "pgmap_xa_lock") acquire ? k.pgmap_xa_lock.lock() : k.pgmap_xa_lock.unlock();
  else throw std::logic_error("unknown lock " + lock);
}

bool run_nodes(Kernel& k, const std::vector<OpNode>& nodes, OpState& st) {
  for (const OpNode& n : nodes) {
    switch (n.kind) {
      case OpNode::Kind::Step: {
        Frame f(k.ex, n.fn);
        if (!n.prim(k, st)) return false;
        break;
      }
      case OpNode::Kind::Call: {
        Frame f(k.ex, n.fn);
        if (!run_nodes(k, n.body, st)) return false;
        break;
      }
      case OpNode::Kind::Lock: {
        bool write = n.mode == "write";
        {
          Frame f(k.ex, n.via_fn);
          lock_op(k, n.name, write, true);
        }
        bool ok = run_nodes(k, n.body, st);
        {
          Frame f(k.ex, n.done_fn);
          lock_op(k, n.name, write, false);
        }
        if (!ok) return false;
        break;
      }
    }
  }
  return true;
}

void show_nodes(const std::vector<OpNode>& nodes, int depth, std::string& out) {
  for (const auto& n : nodes) {
    std::string ind(depth * 2, ' ');
    switch (n.kind) {
      case OpNode::Kind::Step: {
        const PrimitiveInfo* pi = find_primitive(n.name);
        out += ind + n.name + "    # " + (pi ? pi->kernel : "") + "\n";
        break;
      }
      case OpNode::Kind::Call:
        out += ind + n.name + "():\n";
        show_nodes(n.body, depth + 1, out);
        break;
      case OpNode::Kind::Lock:
        out += ind + "[" + n.name + " " + n.mode + "] taken by " + n.via + "\n";
        show_nodes(n.body, depth + 1, out);
        out += ind + "[/" + n.name + " " + n.mode + "] dropped by " + n.done + "\n";
        break;
    }
  }
}

}  // namespace

const std::vector<std::string>& lock_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& l : kLocks) v.push_back(l.name);
    return v;
  }();
  return names;
}

bool lock_mode_valid(const std::string& lock, const std::string& mode) {
  for (const auto& l : kLocks)
    if (lock == l.name) return mode == "read" ? l.read : mode == "write" ? l.write : false;
  return false;
}

OpProgram OpCatalog::parse(const std::string& file, const std::string& text) {
  YamlReader r(file);
  YAML::Node doc = load_yaml(file, text);
  r.allow_keys(doc, "", {"op", "era", "source", "params", "steps"});
  OpProgram p;
  p.file = file;
  p.op = r.str(r.need(doc, "", "op"), "op");
  p.era = r.str(r.need(doc, "", "era"), "era");
  p.source = doc["source"] ? r.str(doc["source"], "source") : "";
  if (doc["params"]) {
    r.require_seq(doc["params"], "params");
    for (std::size_t i = 0; i < doc["params"].size(); ++i)
      p.params.push_back(r.one_of(doc["params"][i], "params[" + std::to_string(i) + "]", {"device", "pfn"}));
  }
  std::set<std::string> names;
  parse_nodes(r, r.need(doc, "", "steps"), "steps", p.steps, names);
  return p;
}

const OpCatalog& OpCatalog::get() {
  static const OpCatalog catalog = [] {
    OpCatalog c;
    for (const auto& f : embedded_op_files()) {
      OpProgram p = parse(f.path, f.text);
      auto key = std::make_pair(p.era, p.op);
      if (c.programs_.count(key)) throw std::logic_error(std::string(f.path) + ": duplicate op " + p.op);
      c.programs_.emplace(key, std::move(p));
    }
    return c;
  }();
  return catalog;
}

const OpProgram* OpCatalog::find(const std::string& era, const std::string& op) const {
  auto it = programs_.find({era, op});
  return it == programs_.end() ? nullptr : &it->second;
}

std::vector<std::string> OpCatalog::eras() const {
  std::vector<std::string> v;
  for (auto& [k, p] : programs_)
    if (v.empty() || v.back() != k.first) v.push_back(k.first);
  return v;
}

std::vector<std::string> OpCatalog::ops(const std::string& era) const {
  std::vector<std::string> v;
  for (auto& [k, p] : programs_)
    if (k.first == era) v.push_back(k.second);
  return v;
}

void bind(OpProgram& p, StackTable& stacks) { bind_nodes(p.steps, stacks); }

void run_program(Kernel& k, const OpProgram& p, OpState& st) {
  Frame f(k.ex, k.ex.stacks().fn(p.op));
  run_nodes(k, p.steps, st);
}

std::string show_program(const OpProgram& p) {
  std::string out = p.op + "  (era " + p.era + "; " + p.source + ")\n";
  show_nodes(p.steps, 1, out);
  return out;
}

}  // namespace mhp
