#include <algorithm>

#include "model/ops/program.hpp"

namespace mhp {

namespace {

void bind_nodes(std::vector<OpNode>& nodes, StackTable& st) {
  for (auto& n : nodes) {
    n.fn = st.fn(n.kind == OpNode::Kind::ForEach ? "for_each_" + n.name : n.name);
    if (n.kind == OpNode::Kind::Lock || n.kind == OpNode::Kind::Acquire || n.kind == OpNode::Kind::Release) {
      if (n.kind != OpNode::Kind::Release) n.via_fn = st.fn(n.via);
      if (n.kind != OpNode::Kind::Acquire) n.done_fn = st.fn(n.done);
      n.write = n.mode == "write";
    }
    if (n.kind == OpNode::Kind::ForEach) {
      const auto& kinds = loop_kinds();
      n.loop = std::uint8_t(std::find(kinds.begin(), kinds.end(), n.name) - kinds.begin());
    }
    bind_nodes(n.body, st);
    bind_nodes(n.unwind, st);
  }
}

}  // namespace

void bind(OpProgram& p, StackTable& stacks) {
  bind_nodes(p.steps, stacks);
  p.named = !p.steps.empty() && p.steps.front().kind == OpNode::Kind::Call && p.steps.front().name == p.op;
  p.op_fn = stacks.fn(p.op);
}

}  // namespace mhp
