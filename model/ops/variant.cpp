#include "model/ops/variant.hpp"

#include "model/ops/primitives.hpp"
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

// The innermost region of `lock` on the path to step `name`.
bool find_region(std::vector<OpNode>& nodes, const std::string& lock, const std::string& name, Place& region) {
  if (auto slash = name.find('/'); slash != std::string::npos) {
    auto* body = label_body(nodes, name.substr(0, slash));
    return body && find_region(*body, lock, name.substr(slash + 1), region);
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    OpNode& n = nodes[i];
    bool named = n.kind == OpNode::Kind::Step || n.kind == OpNode::Kind::Call;
    if (named && n.name == name) return true;
    Place inner;
    if (find_region(n.body, lock, name, inner)) {
      if (inner.list) region = inner;
      else if (n.kind == OpNode::Kind::Lock && n.name == lock) region = {&nodes, i};
      return true;
    }
  }
  return false;
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

Place need_region(OpProgram& p, const VariantEdit& e) {
  need(p, e, "around", e.step);
  Place r;
  find_region(p.steps, e.lock, e.step, r);
  if (!r.list) fail(e, "around", "step '" + e.step + "' of '" + p.op + "' is not inside a " + e.lock + " region");
  return r;
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

}  // namespace

void apply_edit(OpProgram& p, const VariantEdit& e) {
  switch (e.kind) {
    case VariantEdit::Kind::Move: return move(p, e);
    case VariantEdit::Kind::Wrap: return wrap(p, e);
    case VariantEdit::Kind::Unwrap: {
      Place r = need_region(p, e);
      std::vector<OpNode> body = std::move((*r.list)[r.index].body);
      r.list->erase(r.list->begin() + static_cast<long>(r.index));
      r.list->insert(r.list->begin() + static_cast<long>(r.index), std::make_move_iterator(body.begin()),
                     std::make_move_iterator(body.end()));
      return;
    }
    case VariantEdit::Kind::SetMode: {
      Place r = need_region(p, e);
      if (!lock_mode_valid(e.lock, e.mode)) fail(e, "mode", e.lock + " cannot be taken in " + e.mode + " mode");
      (*r.list)[r.index].mode = e.mode;
      return;
    }
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
      return;
    }
    case VariantEdit::Kind::Insert: {
      const PrimitiveInfo& pi = need_primitive(e, "insert", e.step);
      Place ignore;
      if (find(p.steps, e.step, ignore)) fail(e, "insert", "operation '" + p.op + "' already has a step '" + e.step + "'");
      Place dst = need(p, e, e.after ? "after" : "before", e.anchor);
      OpNode n;
      n.kind = OpNode::Kind::Step;
      n.name = n.impl = e.step;
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
