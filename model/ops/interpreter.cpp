#include <algorithm>
#include <optional>

#include "model/engine/execution.hpp"
#include "model/kernel/memremap.hpp"
#include "model/ops/lock_dispatch.hpp"
#include "model/ops/program.hpp"

namespace mhp {

namespace {

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

// `acquire:` / `release:`: one lock call in the frame of its kernel
// function; whether the two balance is left to the program (and checked by
// checkers/lock_misuse.cpp), as it is to kernel code.
void lock_call(Kernel& k, const OpNode& n, OpState& st) {
  const bool take = n.kind == OpNode::Kind::Acquire;
  const FnId fn = take ? n.via_fn : n.done_fn;
  Frame f(k.ex, fn);
  lock_op(k, n, st.args, take);
  charge(k, fn, st);
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
      case OpNode::Kind::Acquire:
      case OpNode::Kind::Release:
        lock_call(k, n, st);
        break;
    }
  }
  return true;
}

}  // namespace

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

}  // namespace mhp
