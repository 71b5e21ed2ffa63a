// A lower bound for benchmark (b): what checking one S1 execution costs with
// nothing but the work every exact happens-before checker must do. The two
// threads' events, recorded once from a real execution, are replayed as fixed
// programs (no model, no fibers, no data dependence) under the same random
// scheduler, and each execution runs a vector-clock race detector over them
// (last write and per-thread reads per object, clocks per lock). A checker of
// this model cannot do less per execution, so the ratio of mhpsim's rate to
// this one's is the engine's and model's overhead over the minimum.
#pragma once
#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "model/engine/event.hpp"
#include "model/engine/strategy.hpp"

namespace mhp::bench {

class ReferenceChecker {
 public:
  struct Step {
    std::uint32_t obj;  // dense index
    EvKind kind;
    bool shared;  // Acquire/Release of the read side
  };
  // events: one recorded execution (any interleaving) of two threads.
  explicit ReferenceChecker(const std::vector<Event>& events) {
    std::unordered_map<ObjId, std::uint32_t> dense;
    for (const Event& e : events) {
      if (e.thread > 1) continue;
      auto it = dense.emplace(e.obj, std::uint32_t(dense.size())).first;
      prog_[e.thread].push_back({it->second, e.kind, e.mode == std::uint8_t(SyncSide::Shared)});
    }
    objs_.resize(dense.size());
  }
  std::size_t events() const { return prog_[0].size() + prog_[1].size(); }

  // One execution under `s`; returns the number of racy accesses seen.
  unsigned run(Strategy& s, std::uint64_t index) {
    s.begin_execution(index);
    for (auto& o : objs_) o = Obj{};
    Clock c[2] = {{1, 0}, {0, 1}};
    std::size_t pc[2] = {0, 0};
    unsigned races = 0;
    ThreadId cur = kNoThread;
    for (;;) {
      ThreadMask en = (pc[0] < prog_[0].size() ? 1u : 0u) | (pc[1] < prog_[1].size() ? 2u : 0u);
      if (!en) return races;
      cur = (en & (en - 1)) ? s.choose(en, cur) : lowest_thread(en);
      const Step& st = prog_[cur][pc[cur]++];
      Obj& o = objs_[st.obj];
      Clock& me = c[cur];
      const unsigned other = cur ^ 1u;
      switch (st.kind) {
        case EvKind::Acquire:
        case EvKind::SeqBegin:
          join(me, o.sync_excl);
          if (!st.shared) join(me, o.sync_shared);
          break;
        case EvKind::Release:
        case EvKind::RefOp:
          join(st.shared ? o.sync_shared : o.sync_excl, me);
          ++me[cur];
          break;
        case EvKind::Read:
          if (o.has_write && o.w_thread != cur && o.w_epoch > me[o.w_thread]) ++races;
          o.r_epoch[cur] = me[cur];
          break;
        case EvKind::Write:
          if (o.has_write && o.w_thread != cur && o.w_epoch > me[o.w_thread]) ++races;
          if (o.r_epoch[other] && o.r_epoch[other] > me[other]) ++races;
          o.r_epoch = {0, 0};
          o.has_write = true;
          o.w_thread = cur;
          o.w_epoch = me[cur];
          break;
        default: break;
      }
    }
  }

 private:
  using Clock = std::array<std::uint32_t, 2>;
  static void join(Clock& a, const Clock& b) {
    a[0] = a[0] > b[0] ? a[0] : b[0];
    a[1] = a[1] > b[1] ? a[1] : b[1];
  }
  struct Obj {
    bool has_write = false;
    ThreadId w_thread = 0;
    std::uint32_t w_epoch = 0;
    Clock r_epoch{0, 0};
    Clock sync_excl{0, 0}, sync_shared{0, 0};
  };
  std::vector<Step> prog_[2];
  std::vector<Obj> objs_;
};

}  // namespace mhp::bench
