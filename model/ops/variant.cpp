#include "model/ops/variant.hpp"

#include "model/scenario/input_error.hpp"

namespace mhp {

namespace {

struct Place {
  std::vector<OpNode>* list = nullptr;
  std::size_t index = 0;
};

bool find(std::vector<OpNode>& nodes, const std::string& name, Place& out) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].kind != OpNode::Kind::Lock && nodes[i].name == name) {
      out = {&nodes, i};
      return true;
    }
    if (find(nodes[i].body, name, out)) return true;
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

}  // namespace

void apply_edit(OpProgram& p, const VariantEdit& e) {
  if (e.kind == VariantEdit::Kind::Move) {
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
    return;
  }
  Place a = need(p, e, "wrap.from", e.from);
  Place b = need(p, e, "wrap.to", e.to);
  if (a.list != b.list) fail(e, "wrap.to", "'" + e.from + "' and '" + e.to + "' are not in the same block");
  if (b.index < a.index) fail(e, "wrap.to", "'" + e.to + "' comes before '" + e.from + "'");
  if (!lock_mode_valid(e.lock, e.mode)) fail(e, "mode", e.lock + " cannot be taken in " + e.mode + " mode");
  OpNode region;
  region.kind = OpNode::Kind::Lock;
  region.name = e.lock;
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

}  // namespace mhp
