#include "model/ops/variant.hpp"

#include "model/kernel/primitives.hpp"
#include "model/support/input_error.hpp"

namespace mhp {

namespace {

struct Place {
  std::vector<OpNode>* list = nullptr;
  std::size_t index = 0;
};

bool find(std::vector<OpNode>& nodes, const std::string& name, Place& out);

// "LABEL/STEP": a step of an error label (its own names: the success path
// may run the same function). The label's body, or nullptr.
std::vector<OpNode>* label_body(std::vector<OpNode>& nodes, const std::string& label) {
  for (auto& n : nodes) {
    for (auto& l : n.unwind)
      if (l.name == label) return &l.body;
    if (auto* b = label_body(n.body, label)) return b;
  }
  return nullptr;
}

bool find(std::vector<OpNode>& nodes, const std::string& name, Place& out) {
  if (auto slash = name.find('/'); slash != std::string::npos) {
    auto* body = label_body(nodes, name.substr(0, slash));
    return body && find(*body, name.substr(slash + 1), out);
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    bool named = nodes[i].kind == OpNode::Kind::Step || nodes[i].kind == OpNode::Kind::Call;
    if (named && nodes[i].name == name) {
      out = {&nodes, i};
      return true;
    }
    if (find(nodes[i].body, name, out)) return true;
  }
  return false;
}

// The lock regions on the path to step `name`, outermost first; false if
// there is no such step.
bool path_to(std::vector<OpNode>& nodes, const std::string& name, std::vector<Place>& path) {
  if (auto slash = name.find('/'); slash != std::string::npos) {
    auto* body = label_body(nodes, name.substr(0, slash));
    return body && path_to(*body, name.substr(slash + 1), path);
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    OpNode& n = nodes[i];
    bool named = n.kind == OpNode::Kind::Step || n.kind == OpNode::Kind::Call;
    if (named && n.name == name) return true;
    if (n.kind == OpNode::Kind::Lock) path.push_back({&nodes, i});
    if (path_to(n.body, name, path)) return true;
    if (n.kind == OpNode::Kind::Lock) path.pop_back();
  }
  return false;
}

bool region_matches(const OpNode& n, const VariantEdit& e) {
  return n.kind == OpNode::Kind::Lock && (e.lock.empty() || n.name == e.lock) &&
         (e.region_via.empty() || n.via == e.region_via);
}

// Every region of the program (error labels included) the edit's REGION matches.
void all_regions(std::vector<OpNode>& nodes, const VariantEdit& e, std::vector<Place>& out) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (region_matches(nodes[i], e)) out.push_back({&nodes, i});
    all_regions(nodes[i].body, e, out);
    all_regions(nodes[i].unwind, e, out);
  }
}

const OpNode* first_named(const std::vector<OpNode>& nodes) {
  for (const auto& n : nodes) {
    if (n.kind == OpNode::Kind::Step || n.kind == OpNode::Kind::Call) return &n;
    if (const OpNode* f = first_named(n.body)) return f;
  }
  return nullptr;
}

// "mem_hotplug_lock write via mem_hotplug_begin (around arch_add_memory, line 32)"
std::string describe_region(const OpNode& n) {
  const OpNode* f = first_named(n.body);
  return n.name + " " + n.mode + " via " + n.via + " (around " + (f ? f->name : std::string("no step")) +
         ", op file line " + std::to_string(n.line) + ")";
}

std::string describe_target(const VariantEdit& e) {
  std::string t = e.lock.empty() ? std::string("lock") : e.lock;
  if (!e.region_via.empty())
    t += " region taken via " + e.region_via;
  else
    t += " region";
  return t;
}

[[noreturn]] void fail(const VariantEdit& e, const std::string& field, const std::string& msg) {
  throw InputError(e.file, e.line, e.col, field, msg);
}

Place need(OpProgram& p, const VariantEdit& e, const std::string& field, const std::string& name) {
  Place pl;
  if (!find(p.steps, name, pl))
    fail(e, field, "operation '" + p.op + "' (era " + p.era + ") has no step '" + name + "'");
  return pl;
}

// The edit's own key, the field a REGION is written in.
const char* region_key(const VariantEdit& e) {
  switch (e.kind) {
    case VariantEdit::Kind::Unwrap: return "unwrap";
    case VariantEdit::Kind::SetMode: return "set_mode";
    case VariantEdit::Kind::SetTrylock: return "set_trylock";
    default: return "drop";
  }
}

// The region an edit names: the innermost match around `around` (`field`),
// or the only match in the program.
Place need_region(OpProgram& p, const VariantEdit& e, const std::string& field, const std::string& around) {
  if (!around.empty()) {
    need(p, e, field, around);
    std::vector<Place> path;
    path_to(p.steps, around, path);
    for (auto it = path.rbegin(); it != path.rend(); ++it)
      if (region_matches((*it->list)[it->index], e)) return *it;
    fail(e, field, "step '" + around + "' of '" + p.op + "' is not inside a " + describe_target(e));
  }
  std::vector<Place> found;
  all_regions(p.steps, e, found);
  if (found.empty())
    fail(e, region_key(e), "operation '" + p.op + "' (era " + p.era + ") has no " + describe_target(e));
  if (found.size() > 1) {
    std::string list;
    for (const Place& r : found) list += "\n  " + describe_region((*r.list)[r.index]);
    fail(e, region_key(e),
         std::to_string(found.size()) + " regions of '" + p.op + "' (era " + p.era + ") match the " +
             describe_target(e) + "; name one by `lock:`, `via:` or `around: STEP`:" + list);
  }
  return found.front();
}

const PrimitiveInfo& need_primitive(const VariantEdit& e, const std::string& field, const std::string& name) {
  const PrimitiveInfo* pi = find_primitive(name);
  if (!pi) fail(e, field, "no step primitive named '" + name + "' (see `mhpsim ops primitives`)");
  return *pi;
}

int replace_lock(std::vector<OpNode>& nodes, const VariantEdit& e) {
  int n = 0;
  for (auto& node : nodes) {
    if (node.kind == OpNode::Kind::Lock && node.name == e.lock) {
      std::string mode = e.mode.empty() ? node.mode : e.mode;
      if (!lock_mode_valid(e.with, mode)) fail(e, "with", e.with + " cannot be taken in " + mode + " mode");
      node.name = e.with;
      node.lock = find_lock(e.with)->id;
      node.mode = mode;
      if (!e.via.empty()) node.via = e.via;
      if (!e.done.empty()) node.done = e.done;
      ++n;
    }
    n += replace_lock(node.body, e);
  }
  return n;
}

void move(OpProgram& p, const VariantEdit& e) {
  Place src = need(p, e, "move", e.step);
  need(p, e, e.after ? "after" : "before", e.anchor);
  if (e.step == e.anchor) fail(e, "move", "a step cannot move next to itself");
  Place inner;
  if (find((*src.list)[src.index].body, e.anchor, inner))
    fail(e, e.after ? "after" : "before", "'" + e.anchor + "' is inside '" + e.step + "'");
  OpNode moved = std::move((*src.list)[src.index]);
  src.list->erase(src.list->begin() + static_cast<long>(src.index));
  Place dst = need(p, e, e.after ? "after" : "before", e.anchor);  // positions shifted
  dst.list->insert(dst.list->begin() + static_cast<long>(dst.index + (e.after ? 1 : 0)), std::move(moved));
}

void wrap(OpProgram& p, const VariantEdit& e) {
  Place a = need(p, e, "wrap.from", e.from);
  Place b = need(p, e, "wrap.to", e.to);
  if (a.list != b.list) fail(e, "wrap.to", "'" + e.from + "' and '" + e.to + "' are not in the same block");
  if (b.index < a.index) fail(e, "wrap.to", "'" + e.to + "' comes before '" + e.from + "'");
  if (!lock_mode_valid(e.lock, e.mode)) fail(e, "mode", e.lock + " cannot be taken in " + e.mode + " mode");
  OpNode region;
  region.kind = OpNode::Kind::Lock;
  region.name = e.lock;
  region.lock = find_lock(e.lock)->id;
  region.mode = e.mode;
  region.via = e.via.empty() ? e.lock + "_" + e.mode + "_lock" : e.via;
  region.done = e.done.empty() ? e.lock + "_" + e.mode + "_unlock" : e.done;
  region.file = e.file;
  region.line = e.line;
  auto first = a.list->begin() + static_cast<long>(a.index);
  auto last = a.list->begin() + static_cast<long>(b.index) + 1;
  region.body.assign(std::make_move_iterator(first), std::make_move_iterator(last));
  a.list->erase(first, last);
  a.list->insert(a.list->begin() + static_cast<long>(a.index), std::move(region));
}

// insert_acquire / insert_release: one `acquire:` or `release:` node next to
// a step, as an op file would write it.
void insert_lock_call(OpProgram& p, const VariantEdit& e) {
  const bool take = e.kind == VariantEdit::Kind::InsertAcquire;
  const char* field = take ? "insert_acquire" : "insert_release";
  if (!lock_single_call_valid(e.lock)) fail(e, field, e.lock + " is taken in lock regions only (use wrap)");
  if (!lock_mode_valid(e.lock, e.mode)) fail(e, "mode", e.lock + " cannot be taken in " + e.mode + " mode");
  Place dst = need(p, e, e.after ? "after" : "before", e.anchor);
  OpNode n;
  n.kind = take ? OpNode::Kind::Acquire : OpNode::Kind::Release;
  n.name = e.lock;
  n.lock = find_lock(e.lock)->id;
  n.mode = e.mode;
  if (take) {
    n.via = e.via.empty() ? e.lock + "_" + e.mode + "_lock" : e.via;
    n.trylock = e.trylock;
  } else {
    n.done = e.done.empty() ? e.lock + "_" + e.mode + "_unlock" : e.done;
  }
  n.file = e.file;
  n.line = e.line;
  dst.list->insert(dst.list->begin() + static_cast<long>(dst.index + (e.after ? 1 : 0)), std::move(n));
}

// drop: the region's body from..to runs with the lock released. The region
// splits: the steps before keep the region (dropped by `done`, default the
// region's own), the steps after get a copy of it (re-taken by `via`, default
// the region's own); an empty part disappears. Error labels go with both parts.
void drop(OpProgram& p, const VariantEdit& e) {
  Place r = need_region(p, e, "around", e.from);
  need(p, e, "around", e.to);
  OpNode& region = (*r.list)[r.index];
  auto child_of = [&](const std::string& name, const char* field) {
    for (std::size_t i = 0; i < region.body.size(); ++i) {
      const OpNode& c = region.body[i];
      if ((c.kind == OpNode::Kind::Step || c.kind == OpNode::Kind::Call) && c.name == name) return i;
      Place inner;
      if (find(region.body[i].body, name, inner)) {
        std::string what = c.kind == OpNode::Kind::Lock ? "the " + c.name + " region" : "'" + c.name + "'";
        fail(e, field,
             "'" + name + "' is inside " + what + " within the " + region.name +
                 " region; drop the lock around that, or drop " +
                 (c.kind == OpNode::Kind::Lock ? c.name + " first" : std::string("insert_release/insert_acquire")));
      }
    }
    fail(e, field, "'" + name + "' is not in the " + describe_region(region) + " region");
  };
  const std::size_t a = child_of(e.from, "around.from"), b = child_of(e.to, "around.to");
  if (b < a) fail(e, "around.to", "'" + e.to + "' comes before '" + e.from + "'");
  // each part is the region with some of its steps (every other field kept)
  std::vector<OpNode> body = std::move(region.body);
  region.body.clear();
  auto part = [&](std::size_t lo, std::size_t hi) {
    OpNode n = region;
    for (std::size_t i = lo; i < hi; ++i) n.body.push_back(std::move(body[i]));
    return n;
  };
  std::vector<OpNode> out;
  if (a > 0) {
    out.push_back(part(0, a));
    if (!e.done.empty()) out.back().done = e.done;
  }
  for (std::size_t i = a; i <= b; ++i) out.push_back(std::move(body[i]));
  if (b + 1 < body.size()) {
    out.push_back(part(b + 1, body.size()));
    if (!e.via.empty()) out.back().via = e.via;
  }
  std::vector<OpNode>& list = *r.list;
  const auto at = static_cast<long>(r.index);
  list.erase(list.begin() + at);
  list.insert(list.begin() + at, std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()));
}

}  // namespace

void apply_edit(OpProgram& p, const VariantEdit& e) {
  switch (e.kind) {
    case VariantEdit::Kind::Move: return move(p, e);
    case VariantEdit::Kind::Wrap: return wrap(p, e);
    case VariantEdit::Kind::Unwrap: {
      Place r = need_region(p, e, "around", e.step);
      std::vector<OpNode> body = std::move((*r.list)[r.index].body);
      r.list->erase(r.list->begin() + static_cast<long>(r.index));
      r.list->insert(r.list->begin() + static_cast<long>(r.index), std::make_move_iterator(body.begin()),
                     std::make_move_iterator(body.end()));
      return;
    }
    case VariantEdit::Kind::SetMode: {
      Place r = need_region(p, e, "around", e.step);
      OpNode& n = (*r.list)[r.index];
      if (!lock_mode_valid(n.name, e.mode)) fail(e, "mode", n.name + " cannot be taken in " + e.mode + " mode");
      n.mode = e.mode;
      return;
    }
    case VariantEdit::Kind::SetTrylock: {
      Place r = need_region(p, e, "around", e.step);
      OpNode& n = (*r.list)[r.index];
      if (e.trylock && !lock_trylock_valid(n.lock))
        fail(e, "trylock", n.name + " has no trylock in the model (only the mutexes do)");
      n.trylock = e.trylock;
      return;
    }
    case VariantEdit::Kind::Drop: return drop(p, e);
    case VariantEdit::Kind::ReplaceLock:
      if (replace_lock(p.steps, e) == 0)
        fail(e, "replace_lock", "operation '" + p.op + "' (era " + p.era + ") takes no " + e.lock);
      return;
    case VariantEdit::Kind::Replace: {
      Place s = need(p, e, "replace", e.step);
      OpNode& n = (*s.list)[s.index];
      if (n.kind != OpNode::Kind::Step) fail(e, "replace", "'" + e.step + "' is a call, not a step");
      n.prim = need_primitive(e, "impl", e.impl).fn;
      n.impl = e.impl;
      if (!e.as.empty() && e.as != e.step) {
        Place other;
        if (find(p.steps, e.as, other)) fail(e, "as", "operation '" + p.op + "' already has a step '" + e.as + "'");
        n.name = e.as;
      }
      return;
    }
    case VariantEdit::Kind::Insert: {
      const std::string impl = e.impl.empty() ? e.step : e.impl;
      const PrimitiveInfo& pi = need_primitive(e, e.impl.empty() ? "insert" : "insert.impl", impl);
      Place ignore;
      if (find(p.steps, e.step, ignore))
        fail(e, e.impl.empty() ? "insert" : "insert.step",
             "operation '" + p.op + "' already has a step '" + e.step + "'");
      Place dst = need(p, e, e.after ? "after" : "before", e.anchor);
      OpNode n;
      n.kind = OpNode::Kind::Step;
      n.name = e.step;
      n.impl = impl;
      n.prim = pi.fn;
      n.file = e.file;
      n.line = e.line;
      dst.list->insert(dst.list->begin() + static_cast<long>(dst.index + (e.after ? 1 : 0)), std::move(n));
      return;
    }
    case VariantEdit::Kind::InsertAcquire:
    case VariantEdit::Kind::InsertRelease: return insert_lock_call(p, e);
    case VariantEdit::Kind::Remove: {
      Place s = need(p, e, "remove", e.step);
      s.list->erase(s.list->begin() + static_cast<long>(s.index));
      return;
    }
  }
}

}  // namespace mhp
