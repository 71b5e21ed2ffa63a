// The schedules a worker has run, as a trie, for a memoryless strategy
// (random, PCT: its choices depend only on the execution index and on the
// enabled threads and the running one at each choice point). An execution
// is a function of its schedule (what `mhpsim replay` relies on), so asking
// the strategy for its choices along the trie, without running anything,
// either ends at an execution run before, which then gives the same
// findings, or leaves the trie, and the execution runs. Random runs of a
// small scenario repeat schedules often (S1: 664 distinct in 5,000).
#pragma once
#include <cstdint>
#include <vector>

#include "model/engine/obj_table.hpp"
#include "model/engine/strategy.hpp"

namespace mhp {

class ScheduleTrie {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  // What a choice was asked.
  struct Asked {
    ThreadMask enabled;
    ThreadId current;
  };

  // Runs a memoryless strategy and notes what each choice was asked, for add().
  class Recorder final : public Strategy {
   public:
    explicit Recorder(Strategy& s) : s_(s) {}
    void begin_execution(std::uint64_t k) override {
      asked_.clear();
      s_.begin_execution(k);
    }
    ThreadId choose(ThreadMask enabled, ThreadId current) override {
      asked_.push_back({enabled, current});
      return s_.choose(enabled, current);
    }
    const std::string& error() const override { return s_.error(); }
    const std::vector<Asked>& asked() const { return asked_; }

   private:
    Strategy& s_;
    std::vector<Asked> asked_;  // per choice
  };

  ScheduleTrie() : nodes_(1) {}
  // The result add() stored for the schedule s takes in its execution k (s
  // is memoryless), or kNone if that schedule has not run.
  // S: the strategy's final class where known, so that choose() inlines.
  template <class S>
  std::uint32_t find(S& s, std::uint64_t k) {
    s.begin_execution(k);
    std::uint32_t n = 0;
    for (;;) {
      const Node& nd = nodes_[n];
      if (nd.leaf) return nd.v;
      if (nd.v == kNone) return kNone;
      ThreadId t = nd.v & kWide ? s.choose(wide_[nd.v & ~kWide].enabled, wide_[nd.v & ~kWide].current)
                                : s.choose(ThreadMask(nd.v & 0xffff), ThreadId(nd.v >> 16));
      if (t == kNoThread) return kNone;
      if (t == nd.kid_thread[0]) {
        n = nd.kid[0];
      } else if (t == nd.kid_thread[1]) {
        n = nd.kid[1];
      } else {
        const std::uint32_t* kid = nd.kid_thread[1] == kNoThread ? nullptr : more_.find(more_key(n, t));
        if (!kid) return kNone;
        n = *kid;
      }
    }
  }
  // find() for s's class (random, PCT or any), picked once per worker.
  using Finder = std::uint32_t (*)(ScheduleTrie&, Strategy&, std::uint64_t);
  static Finder finder(const Strategy& s) {
    if (dynamic_cast<const RandomStrategy*>(&s))
      return [](ScheduleTrie& t, Strategy& s, std::uint64_t k) { return t.find(static_cast<RandomStrategy&>(s), k); };
    if (dynamic_cast<const PctStrategy*>(&s))
      return [](ScheduleTrie& t, Strategy& s, std::uint64_t k) { return t.find(static_cast<PctStrategy&>(s), k); };
    return [](ScheduleTrie& t, Strategy& s, std::uint64_t k) { return t.find(s, k); };
  }
  // Adds a schedule that ran, with what its choices were asked (Recorder)
  // and its result; false when the trie is full (then nothing is added).
  bool add(const std::vector<ThreadId>& choices, const std::vector<Asked>& asked, std::uint32_t result) {
    if (nodes_.size() + choices.size() + 1 > kMaxNodes) return false;
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < choices.size(); ++i) {
      // the same for every schedule through n
      if (asked[i].enabled >> 16 == 0) {
        nodes_[n].v = std::uint32_t(asked[i].enabled) | std::uint32_t(asked[i].current) << 16;
      } else if (nodes_[n].v == kNone) {
        nodes_[n].v = kWide | static_cast<std::uint32_t>(wide_.size());
        wide_.push_back(asked[i]);
      }
      n = kid(n, choices[i]);
    }
    nodes_[n].leaf = true;
    nodes_[n].v = result;
    return true;
  }

 private:
  // An inner node holds what its choice is asked: enabled | current << 16
  // while only threads 0..15 are enabled, else kWide | its index in wide_.
  // A leaf holds the result of the execution that ends there. The first two
  // children are inline (two threads: all of them), further ones in more_.
  static constexpr std::uint32_t kWide = 1u << 31;
  static std::uint64_t more_key(std::uint32_t n, ThreadId t) { return std::uint64_t(n) << 8 | t; }
  struct Node {
    std::uint32_t v = kNone;
    std::uint32_t kid[2] = {kNone, kNone};
    ThreadId kid_thread[2] = {kNoThread, kNoThread};
    bool leaf = false;
  };
  // The child of n for choice t, made if new.
  std::uint32_t kid(std::uint32_t n, ThreadId t) {
    for (int j = 0; j < 2; ++j) {
      if (nodes_[n].kid_thread[j] == t) return nodes_[n].kid[j];
      if (nodes_[n].kid_thread[j] == kNoThread) {
        nodes_[n].kid_thread[j] = t;
        nodes_[n].kid[j] = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back();
        return nodes_[n].kid[j];
      }
    }
    std::uint32_t& k = more_.get(more_key(n, t), [](std::uint32_t& v) { v = kNone; });
    if (k == kNone) {
      k = static_cast<std::uint32_t>(nodes_.size());
      nodes_.emplace_back();
    }
    return k;
  }
  static constexpr std::size_t kMaxNodes = 1u << 18;  // 4 MiB of nodes at most
  std::vector<Node> nodes_;
  std::vector<Asked> wide_;       // what the choices of wide nodes are asked
  ObjTable<std::uint32_t> more_;  // more_key(node, chosen thread) -> node, third child on; never cleared
};

}  // namespace mhp
