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
  std::uint32_t find(Strategy& s, std::uint64_t k) {
    s.begin_execution(k);
    std::uint32_t n = 0;
    for (;;) {
      const Node& nd = nodes_[n];
      if (nd.leaf) return nd.v;
      if (nd.v == kNone) return kNone;
      ThreadId t = s.choose(ThreadMask(nd.v & 0xffff), ThreadId(nd.v >> 16));
      if (t == kNoThread) return kNone;
      const std::uint32_t* kid = kids_.find(std::uint64_t(n) << 4 | t);
      if (!kid) return kNone;
      n = *kid;
    }
  }
  // Adds a schedule that ran, with what its choices were asked (Recorder)
  // and its result; false when the trie is full (then nothing is added).
  bool add(const std::vector<ThreadId>& choices, const std::vector<std::uint32_t>& asked, std::uint32_t result) {
    if (nodes_.size() + choices.size() + 1 > kMaxNodes) return false;
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < choices.size(); ++i) {
      nodes_[n].v = asked[i];  // the same for every schedule through n
      std::uint32_t& kid = kids_.get(std::uint64_t(n) << 4 | choices[i], [](std::uint32_t& v) { v = kNone; });
      if (kid == kNone) {
        kid = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back();
      }
      n = kid;
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
  // a leaf the result of the execution that ends there.
  struct Node {
    std::uint32_t v = kNone;
    bool leaf = false;
  };
  static constexpr std::size_t kMaxNodes = 1u << 18;  // a few MiB
  std::vector<Node> nodes_;
  ObjTable<std::uint32_t> kids_;  // (node << 4 | chosen thread) -> node; never cleared
};

}  // namespace mhp
