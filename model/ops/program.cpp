#include "model/ops/program.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>

#include "model/engine/execution.hpp"
#include "model/ops/embedded.hpp"
#include "model/kernel/memremap.hpp"
#include "model/ops/primitives.hpp"
#include "model/support/yaml_util.hpp"

namespace mhp {

const std::vector<LockSpec>& lock_specs() {
  static const std::vector<LockSpec> specs = {
      {"mem_hotplug_lock", LockId::MemHotplug, true, true},
      {"cpu_hotplug_lock", LockId::CpuHotplug, true, true},
      {"device_hotplug_lock", LockId::DeviceHotplug, false, true},
      {"resource_lock", LockId::Resource, true, true},
      {"pgdat_resize_lock", LockId::PgdatResize, false, true},
      {"zone_span_seqlock", LockId::ZoneSpan, false, true},
      {"zone_lock", LockId::ZoneLock, false, true},
      {"device_lock", LockId::DeviceLock, false, true},
      {"pgmap_lock", LockId::PgmapLock, false, true},
      {"pgmap_xa_lock", LockId::PgmapXa, false, true},
      {"rcu", LockId::Rcu, true, false},
      {"mem_hotplug_range_lock", LockId::MemHotplugRange, false, true},
  };
  return specs;
}

const LockSpec* find_lock(const std::string& name) {
  for (const auto& l : lock_specs())
    if (name == l.name) return &l;
  return nullptr;
}

std::vector<std::string> lock_names() {
  std::vector<std::string> v;
  for (const auto& l : lock_specs()) v.push_back(l.name);
  return v;
}

bool lock_mode_valid(const std::string& lock, const std::string& mode) {
  const LockSpec* l = find_lock(lock);
  if (!l) return false;
  return mode == "read" ? l->read : mode == "write" ? l->write : false;
}

const std::vector<std::string>& known_eras() {
  // Oldest first. v6 is v6.13 (the first era modelled after the current
  // kernel); the long-term-stable releases and the newest mainline release
  // are eras of their own, each the code of one point release
  // (docs/ERA_AUDIT.md names the tree read for each).
  static const std::vector<std::string> e = {"v4.19", "v4.20", "v5.0",  "v5.3", "v5.4", "v5.10", "v5.14",
                                             "v5.15", "v6.1",  "v6.6",  "v6.12", "v6",   "v7.1"};
  return e;
}

const std::vector<std::string>& loop_kinds() {
  static const std::vector<std::string> k = {"pfn", "pageblock", "zone_pageblock", "device_pfn", "compound_page", "section"};
  return k;
}

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
    } else {
      r.fail(n, p, "expected a mapping with 'step', 'call', 'lock' or 'for_each'");
    }
    if (!names.insert(node.name).second)
      r.fail(n, p, "'" + node.name + "' appears twice in this operation (step names must be unique)");
    out.push_back(std::move(node));
  }
}

void bind_nodes(std::vector<OpNode>& nodes, StackTable& st) {
  for (auto& n : nodes) {
    n.fn = st.fn(n.kind == OpNode::Kind::ForEach ? "for_each_" + n.name : n.name);
    if (n.kind == OpNode::Kind::Lock) {
      n.via_fn = st.fn(n.via);
      n.done_fn = st.fn(n.done);
      n.write = n.mode == "write";
    }
    if (n.kind == OpNode::Kind::ForEach) {
      const auto& kinds = loop_kinds();
      n.loop = std::uint8_t(std::find(kinds.begin(), kinds.end(), n.name) - kinds.begin());
    }
    bind_nodes(n.body, st);
  }
}

// The memory blocks a range lock covers, in ascending order.
std::pair<std::uint32_t, std::uint32_t> block_span(const Kernel& k, const OpArgs& a) {
  Pfn end = a.start + std::max<Pfn>(a.nr_pages, 1);
  return {k.block_of(a.start), k.block_of(end - 1)};
}

Mutex& device_lock_of(Kernel& k, const OpArgs& a) {
  if (a.pgmap >= 0) return k.pgmaps[a.pgmap]->dev_lock;
  return k.blocks[k.block_of(a.start)]->dev_lock;
}

void take(Kernel& k, Mutex& m, bool trylock) {
  if (!trylock) return m.lock();
  // lock_device_hotplug_sysfs(): trylock, else sleep and restart the syscall.
  // Restarting before the holder drops the lock fails again, so the retry
  // waits for the unlock; a trylock adds no lock-order dependency.
  while (!m.trylock()) k.ex.block_on(m.obj(), SyncSide::Exclusive);
}

void lock_op(Kernel& k, const OpNode& n, const OpArgs& a, bool acquire) {
  bool write = n.write;
  auto rw = [&](PercpuRwsem& s) {
    if (acquire) write ? s.down_write() : s.down_read();
    else write ? s.up_write() : s.up_read();
  };
  auto mx = [&](Mutex& m) { acquire ? take(k, m, n.trylock) : m.unlock(); };
  switch (n.lock) {
    case LockId::MemHotplug: return rw(k.mem_hotplug_lock);
    case LockId::CpuHotplug: return rw(k.cpu_hotplug_lock);
    case LockId::DeviceHotplug: return mx(k.device_hotplug_lock);
    case LockId::Resource:
      if (acquire) write ? k.resource_lock.write_lock() : k.resource_lock.read_lock();
      else write ? k.resource_lock.write_unlock() : k.resource_lock.read_unlock();
      return;
    case LockId::PgdatResize: return mx(k.nodes[a.nid]->node_size_lock);
    case LockId::ZoneSpan: {
      Seqlock& s = k.zone(a.nid, a.zone).span_seqlock;
      return acquire ? s.write_lock() : s.write_unlock();
    }
    case LockId::ZoneLock: return mx(k.zone(a.nid, a.zone).lock);
    case LockId::DeviceLock: return mx(device_lock_of(k, a));
    case LockId::PgmapLock: return mx(k.pgmap_lock);
    case LockId::PgmapXa: return mx(k.pgmap_xa_lock);
    case LockId::Rcu: return acquire ? k.rcu.read_lock() : k.rcu.read_unlock();
    case LockId::MemHotplugRange: {
      auto [lo, hi] = block_span(k, a);
      if (acquire)
        for (std::uint32_t b = lo; b <= hi; ++b) k.blocks[b]->range_lock.lock();
      else
        for (std::uint32_t b = hi + 1; b-- > lo;) k.blocks[b]->range_lock.unlock();
      return;
    }
  }
}

bool run_nodes(Kernel& k, const std::vector<OpNode>& nodes, OpState& st);

// Timing runs: the cost of kernel function fn over what the step covers (the
// loop item, or the operation's whole range outside loops).
void charge(Kernel& k, FnId fn, const OpState& st) {
  if (k.ex.vtime()) k.charge(fn, st.item_pages ? st.item_pages : st.args.nr_pages);
}

// Sets st.item_pages for the items of one loop and restores it after.
struct LoopItem {
  OpState& st;
  Pfn saved;
  explicit LoopItem(OpState& s) : st(s), saved(s.item_pages) {}
  ~LoopItem() { st.item_pages = saved; }
};

bool run_loop(Kernel& k, const OpNode& n, OpState& st) {
  LoopItem item(st);
  const OpArgs& a = st.args;
  Pfn lo = a.start, hi = a.start + a.nr_pages, step = n.loop == kLoopPageblock ? k.geo.pages_per_subsection : 1;
  if (n.loop == kLoopZonePageblock) {  // the zone's span, read locklessly as the scanners do
    Zone& z = k.zone(a.nid, a.zone);
    lo = Pfn(k.read(z.zone_start_pfn));
    hi = lo + Pfn(k.read(z.spanned_pages));
    lo = lo / k.geo.pages_per_subsection * k.geo.pages_per_subsection;
    step = k.geo.pages_per_subsection;
  }
  if (n.loop == kLoopDevicePfn || n.loop == kLoopCompoundPage) {
    const DevPagemap& p = *k.pgmaps[a.pgmap];
    lo = p.pfn_first();
    hi = p.pfn_end();
    if (n.loop == kLoopCompoundPage) step = Pfn(1) << p.desc.vmemmap_shift;
  }
  if (n.loop == kLoopSection) {
    if (a.nr_pages == 0) return true;
    for (std::uint32_t s = k.geo.section_of(lo); s <= k.geo.section_of(hi - 1); ++s) {
      st.cur = s;
      st.item_pages = k.geo.pages_per_section();
      run_nodes(k, n.body, st);
      if (st.stop) return false;
    }
    return true;
  }
  if (step > 1) {  // pageblocks and compound pages: one item each
    for (Pfn pfn = lo; pfn < hi; pfn += step) {
      st.cur = pfn;
      st.cur_end = std::min(hi, pfn + step);
      st.item_pages = st.cur_end - st.cur;
      run_nodes(k, n.body, st);
      if (st.stop) return false;
    }
    return true;
  }
  bool stop = false;
  k.for_chunks(lo, hi, [&](Pfn a, Pfn b) {  // pfns: a chunk of geo.chunk_pages at a time
    if (stop) return;
    st.cur = a;
    st.cur_end = b;
    st.item_pages = b - a;
    run_nodes(k, n.body, st);
    stop = st.stop;
  });
  return !stop;
}

bool run_nodes(Kernel& k, const std::vector<OpNode>& nodes, OpState& st) {
  for (const OpNode& n : nodes) {
    switch (n.kind) {
      case OpNode::Kind::Step: {
        bool ok;
        {
          Frame f(k.ex, n.fn);
          ok = n.prim(k, st);
          charge(k, n.fn, st);
        }
        if (!ok && !st.stop && !n.body.empty()) run_nodes(k, n.body, st);  // `otherwise:`, in the caller's frame
        if (!ok || st.stop) return false;
        break;
      }
      case OpNode::Kind::Call: {
        Frame f(k.ex, n.fn);
        bool ok = run_nodes(k, n.body, st);
        charge(k, n.fn, st);
        if (!ok) return false;
        break;
      }
      case OpNode::Kind::ForEach: {
        if (!run_loop(k, n, st)) return false;
        break;
      }
      case OpNode::Kind::Lock: {
        {
          Frame f(k.ex, n.via_fn);
          lock_op(k, n, st.args, true);
          charge(k, n.via_fn, st);
        }
        bool ok = run_nodes(k, n.body, st);
        {
          Frame f(k.ex, n.done_fn);
          lock_op(k, n, st.args, false);
          charge(k, n.done_fn, st);
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
        const PrimitiveInfo* pi = find_primitive(n.impl);
        out += ind + n.name + (n.impl != n.name ? " (as " + n.impl + ")" : "") + "    # " + (pi ? pi->kernel : "") + "\n";
        if (!n.body.empty()) {
          out += ind + "otherwise:\n";
          show_nodes(n.body, depth + 1, out);
        }
        break;
      }
      case OpNode::Kind::Call:
        out += ind + n.name + "():\n";
        show_nodes(n.body, depth + 1, out);
        break;
      case OpNode::Kind::ForEach:
        out += ind + "for each " + n.name + ":\n";
        show_nodes(n.body, depth + 1, out);
        break;
      case OpNode::Kind::Lock:
        out += ind + "[" + n.name + " " + n.mode + "] taken by " + n.via + (n.trylock ? " (trylock, retried)" : "") + "\n";
        show_nodes(n.body, depth + 1, out);
        out += ind + "[/" + n.name + " " + n.mode + "] dropped by " + n.done + "\n";
        break;
    }
  }
}

}  // namespace

const OpNode* find_node(const std::vector<OpNode>& nodes, const std::string& name) {
  for (const auto& n : nodes) {
    if ((n.kind == OpNode::Kind::Step || n.kind == OpNode::Kind::Call) && n.name == name) return &n;
    if (const OpNode* f = find_node(n.body, name)) return f;
  }
  return nullptr;
}

OpProgram OpCatalog::parse(const std::string& file, const std::string& text) {
  YamlReader r(file);
  YAML::Node doc = load_yaml(file, text);
  r.allow_keys(doc, "", {"op", "eras", "source", "params", "steps"});
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
  std::set<std::string> names;
  parse_nodes(r, r.need(doc, "", "steps"), "steps", p.steps, names);
  return p;
}

const OpCatalog& OpCatalog::get() {
  static const OpCatalog catalog = [] {
    OpCatalog c;
    for (const auto& f : embedded_op_files()) {
      OpProgram p = parse(f.path, f.text);
      for (const auto& era : p.eras) {
        auto key = std::make_pair(era, p.op);
        if (c.programs_.count(key))
          throw std::logic_error(std::string(f.path) + ": op " + p.op + " already defined for era " + era);
        OpProgram copy = p;
        copy.era = era;
        c.programs_.emplace(key, std::move(copy));
      }
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
  for (const auto& e : known_eras())
    for (auto& [k, p] : programs_)
      if (k.first == e) {
        v.push_back(e);
        break;
      }
  return v;
}

std::vector<std::string> OpCatalog::ops(const std::string& era) const {
  std::vector<std::string> v;
  for (auto& [k, p] : programs_)
    if (k.first == era) v.push_back(k.second);
  return v;
}

void bind(OpProgram& p, StackTable& stacks) {
  bind_nodes(p.steps, stacks);
  p.named = !p.steps.empty() && p.steps.front().kind == OpNode::Kind::Call && p.steps.front().name == p.op;
  p.op_fn = stacks.fn(p.op);
  p.devres = p.op == "memremap_pages"   ? OpProgram::Devres::Map
             : p.op == "memunmap_pages" ? OpProgram::Devres::Release
                                        : OpProgram::Devres::None;
}

void run_program(Kernel& k, const OpProgram& p, OpState& st) {
  // The op's own frame, unless its program starts with a call of that name.
  std::optional<Frame> f;
  if (!p.named) f.emplace(k.ex, p.op_fn);
  st.cur = st.args.start;  // one-pfn walkers check and read args.start
  st.cur_end = st.cur + 1;
  if (p.devres == OpProgram::Devres::Release) r13_release_start(k, st);
  const bool ok = run_nodes(k, p.steps, st);
  if (p.devres == OpProgram::Devres::Map) r13_map_done(k, st, ok);
}

std::string show_program(const OpProgram& p) {
  std::string out = p.op + "  (era " + p.era + "; " + p.source + "; " + p.file + ")\n";
  show_nodes(p.steps, 1, out);
  return out;
}

}  // namespace mhp
