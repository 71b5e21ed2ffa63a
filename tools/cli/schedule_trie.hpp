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

  // Runs a memoryless strategy and notes what each choice was asked, for add().
  class Recorder final : public Strategy {
   public:
    explicit Recorder(Strategy& s) : s_(s) {}
    void begin_execution(std::uint64_t k) override {
      asked_.clear();
      s_.begin_execution(k);
    }
    ThreadId choose(ThreadMask enabled, ThreadId current) override {
      asked_.push_back(context(enabled, current));
      return s_.choose(enabled, current);
    }
    const std::string& error() const override { return s_.error(); }
    const std::vector<std::uint32_t>& asked() const { return asked_; }

   private:
    Strategy& s_;
    std::vector<std::uint32_t> asked_;  // context() per choice
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
      ThreadId t = s.choose(ThreadMask(nd.v & 0xffff), ThreadId(nd.v >> 16));
      if (t == kNoThread) return kNone;
      if (t == nd.kid_thread[0]) {
        n = nd.kid[0];
      } else if (t == nd.kid_thread[1]) {
        n = nd.kid[1];
      } else {
        const std::uint32_t* kid = nd.kid_thread[1] == kNoThread ? nullptr : more_.find(std::uint64_t(n) << 4 | t);
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
  bool add(const std::vector<ThreadId>& choices, const std::vector<std::uint32_t>& asked, std::uint32_t result) {
    if (nodes_.size() + choices.size() + 1 > kMaxNodes) return false;
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < choices.size(); ++i) {
      nodes_[n].v = asked[i];  // the same for every schedule through n
      n = kid(n, choices[i]);
    }
    nodes_[n].leaf = true;
    nodes_[n].v = result;
    return true;
  }

 private:
  static std::uint32_t context(ThreadMask enabled, ThreadId current) {
    return (enabled & 0xffff) | std::uint32_t(current) << 16;
  }
  // An inner node holds what its choice is asked (enabled | current << 16),
  // a leaf the result of the execution that ends there. The first two
  // children are inline (two threads: all of them), further ones in more_.
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
    std::uint32_t& k = more_.get(std::uint64_t(n) << 4 | t, [](std::uint32_t& v) { v = kNone; });
    if (k == kNone) {
      k = static_cast<std::uint32_t>(nodes_.size());
      nodes_.emplace_back();
    }
    return k;
  }
  static constexpr std::size_t kMaxNodes = 1u << 18;  // 4 MiB of nodes at most
  std::vector<Node> nodes_;
  ObjTable<std::uint32_t> more_;  // (node << 4 | chosen thread) -> node, third child on; never cleared
};

}  // namespace mhp
