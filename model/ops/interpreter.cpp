#include <algorithm>
#include <optional>

#include "model/engine/execution.hpp"
#include "model/kernel/memremap.hpp"
#include "model/ops/lock_dispatch.hpp"
#include "model/ops/program.hpp"
#include "model/support/errno.hpp"

namespace mhp {

namespace {

bool run_nodes(Kernel& k, const std::vector<OpNode>& nodes, OpState& st, const OpNode* container = nullptr);

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
      if (!run_nodes(k, n.body, st) && st.err) return false;  // an error ends the loop, a check skips the item
      if (st.stop) return false;
    }
    return true;
  }
  if (step > 1) {  // pageblocks and compound pages: one item each
    for (Pfn pfn = lo; pfn < hi; pfn += step) {
      st.cur = pfn;
      st.cur_end = std::min(hi, pfn + step);
      st.item_pages = st.cur_end - st.cur;
      if (!run_nodes(k, n.body, st) && st.err) return false;
      if (st.stop) return false;
    }
    return true;
  }
  bool stop = false;
  // an observer's pfn loop in a search split by pfn: only the item in focus explored
  const bool observer = n.loop == kLoopPfn && k.observer(k.ex.current());
  k.for_chunks(lo, hi, [&](Pfn a, Pfn b) {  // pfns: a chunk of geo.chunk_pages at a time
    if (stop) return;
    if (observer) k.ex.hide(!k.in_focus(a, b));
    st.cur = a;
    st.cur_end = b;
    st.item_pages = b - a;
    stop = (!run_nodes(k, n.body, st) && st.err) || st.stop;
  });
  if (observer) k.ex.hide(false);
  return !stop;
}

// `acquire:` / `release:`: one lock call in the frame of its kernel
// function; whether the two balance is left to the program (and checked by
// checkers/lock_misuse.cpp), as it is to kernel code.
void lock_call(Kernel& k, const OpNode& n, OpState& st) {
  const bool take = n.kind == OpNode::Kind::Acquire;
  const FnId fn = take ? n.via_fn : n.done_fn;
  Frame f(k.ex, fn);
  // a lone `trylock: true` acquire has no region to unwind: it waits for
  // the unlock and tries again
  while (!lock_op(k, n, st, take)) {
    Mutex& m = *st.restart_on;
    st.restart_on = nullptr;
    while (m.owner() != kNoThread) k.ex.block_on(m.obj(), SyncSide::Exclusive);
  }
  charge(k, fn, st);
}

// A scenario's `fail:` for this kernel function, counted each time it runs:
// the errno to return instead of running it, or 0.
int injected(const OpNode& n, OpState& st) {
  for (unsigned i = 0; i < st.n_inject; ++i)
    if (st.inject[i].fn == n.fn && ++st.inject_seen[i] == st.inject[i].nth) return st.inject[i].err;
  return 0;
}

// The kernel function n failed (its frame is still on the stack): the errno
// it returns and where the op stops.
void failed(Kernel& k, const OpNode& n, OpState& st, int err) {
  if (!st.err) st.err = err ? err : n.fails.empty() ? 0 : n.fails.front();
  st.ended_early = true;
  st.ended_at = k.ex.self().stack;
}

// The failed child's `goto:` lands in container's `unwind:`: run the labels
// from there to the end, as the kernel falls through its error labels.
void unwind(Kernel& k, const OpNode& container, OpState& st) {
  bool from = false;
  for (const OpNode& l : container.unwind) {
    from = from || l.name == *st.pending_label;
    if (!from) continue;
    const std::string* pending = st.pending_label;
    st.pending_label = nullptr;
    run_nodes(k, l.body, st);  // clean-up does not fail; a label is no frame of its own
    st.pending_label = pending;
  }
  if (from) st.pending_label = nullptr;
}

bool run_nodes(Kernel& k, const std::vector<OpNode>& nodes, OpState& st, const OpNode* container) {
  for (const OpNode& n : nodes) {
    if (n.notifier != MemoryNotifier::None && !k.memory_chain->registered(n.notifier)) continue;  // not on the chain
    bool ok = true;
    switch (n.kind) {
      case OpNode::Kind::Step: {
        {
          Frame f(k.ex, n.fn);
          const int err = st.n_inject ? injected(n, st) : 0;
          if (err) {
            st.injected = true;
            ok = false;
          } else {
            ok = n.prim(k, st);
            charge(k, n.fn, st);
          }
          if (!ok || st.stop) failed(k, n, st, err);
        }
        if (!ok && !st.stop && !n.body.empty()) run_nodes(k, n.body, st);  // `otherwise:`, in the caller's frame
        if (st.stop) ok = false;
        break;
      }
      case OpNode::Kind::Call: {
        Frame f(k.ex, n.fn);
        const int err = st.n_inject ? injected(n, st) : 0;
        if (err) {
          st.injected = true;
          failed(k, n, st, err);
          ok = false;
        } else {
          // a scenario without initial.notifiers: memory_notify() as a bare
          // veto point, no callbacks and no rwsem (MemoryChain::modelled())
          if (!n.memory_chain || k.memory_chain->modelled()) ok = run_nodes(k, n.body, st, &n);
          charge(k, n.fn, st);
        }
        break;
      }
      case OpNode::Kind::ForEach: {
        ok = run_loop(k, n, st);
        break;
      }
      case OpNode::Kind::Lock: {
        {
          Frame f(k.ex, n.via_fn);
          const bool got = lock_op(k, n, st, true);
          charge(k, n.via_fn, st);
          // kernfs_get_active() failed (the syscall returns -ENODEV), or
          // lock_device_hotplug_sysfs() restarts the syscall: the region's
          // body does not run
          if (!got) {
            failed(k, n, st, *errno_value(st.restart_on ? "ERESTARTNOINTR" : "ENODEV"));
            ok = false;
            break;
          }
        }
        ok = run_nodes(k, n.body, st, &n);
        {
          Frame f(k.ex, n.done_fn);
          lock_op(k, n, st, false);
          charge(k, n.done_fn, st);
        }
        break;
      }
      case OpNode::Kind::Label: break;  // run only by unwind()
      case OpNode::Kind::Acquire:
      case OpNode::Kind::Release: lock_call(k, n, st); break;
    }
    if (!ok) {
      // a goto still on its way out (to a label beyond this node) keeps going
      if (!n.goto_label.empty() && st.err && !st.pending_label) st.pending_label = &n.goto_label;
      if (container && st.pending_label && !container->unwind.empty()) unwind(k, *container, st);
      return false;
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
  bool ok = run_nodes(k, p.steps, st);
  // restart_syscall(): the op has dropped everything; lock_device_hotplug_sysfs()
  // slept before returning, and a retry before the holder unlocks fails
  // again, so it runs again once the mutex is free.
  while (st.restart_on) {
    Mutex& m = *st.restart_on;
    st.restart_on = nullptr;
    st.err = 0;
    st.ended_early = false;
    st.ended_at = 0;
    while (m.owner() != kNoThread) k.ex.block_on(m.obj(), SyncSide::Exclusive);
    ok = run_nodes(k, p.steps, st);
  }
  if (ok) st.ended_early = false;  // a check inside a loop may have skipped an item
  if (p.devres == OpProgram::Devres::Map) r13_map_done(k, st, ok);
  if (p.devres == OpProgram::Devres::Release || (p.devres == OpProgram::Devres::Map && !ok))
    devmap_managed_teardown_done(k, st, p.op_fn);
}

}  // namespace mhp
