// What the executions of one scenario found, as one value: per finding key
// the first witness (the smallest execution index, then the finding's
// position in it) and the executions that found it, the distinct traces, the
// lock graph and the counts. Each worker of a search fills one; merge()
// joins them, whatever the split (workers of a sampled search, the timing
// run), in any order: the merged value, and so the report, is the same.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "checkers/checker.hpp"
#include "checkers/finding.hpp"
#include "checkers/lock_graph.hpp"

namespace mhp {

class RunResult final : public KnownKeys {
 public:
  struct Entry {
    Finding f;               // with its witness (execution, schedule, position) and count
    std::uint64_t last = 0;  // the last execution that counted it
  };
  // One execution's findings, positions set (a key counts once per
  // execution). schedule() gives the execution's encoded schedule, asked
  // only for a key this value does not hold yet. Each finding's Entry goes to
  // `entries` and its order of first meeting to `index`, if given.
  template <class ScheduleFn>
  void add_execution(std::vector<Finding>&& found, std::uint64_t exec, ScheduleFn&& schedule,
                     std::vector<Entry*>* entries = nullptr, std::vector<std::size_t>* index = nullptr) {
    for (Finding& f : found) {
      Node* e = find(f.key);
      if (!e) {
        f.execution = exec;
        f.schedule = schedule();
        e = insert(std::move(f), exec);
      } else {
        count(*e, exec);
        // (within one worker executions ascend: an earlier witness cannot come later)
        if (exec < e->f.execution) {
          f.execution = exec;
          f.schedule = schedule();
          f.count = e->f.count;
          e->f = std::move(f);
        }
      }
      if (entries) entries->push_back(e);
      if (index) index->push_back(e->index);
    }
  }
  // An execution that met these known keys again: a repeat of a schedule
  // run before (the schedule trie) or a dfs helper's execution.
  void count_again(const std::vector<Entry*>& entries, std::uint64_t exec) {
    for (Entry* e : entries) count(*e, exec);
  }
  void count_again(const std::vector<std::size_t>& index, std::uint64_t exec) {
    for (std::size_t i : index) count(*by_first_[i], exec);
  }
  // A finding with its witness and count from another run (a shard's
  // report): joined as merge() joins one. Whole-run findings (position 0)
  // count once.
  void add_witnessed(Finding&& f);
  // Joins another worker's result: per key the smaller witness, counts
  // summed; traces, lock graphs and counts joined.
  void merge(RunResult&& other);
  // The findings in report order: by witness (whole-run findings of an
  // input last), then the lock graph's cycles, which replace any copy of
  // theirs an input carried.
  std::vector<Finding> findings();
  bool has(const std::string& key) const override { return by_key_.count(key) != 0; }

  std::uint64_t executions = 0;              // run (or answered from the schedule trie)
  std::uint64_t simulated = 0;               // of those, simulated
  std::unordered_set<std::uint64_t> traces;  // their Mazurkiewicz traces (Machine::trace_signature)
  LockGraph graph;
  bool stopped = false;                 // a stop request ended the search early
  std::string event_log;                // of the one execution a replay asked for, with --events
  std::vector<std::string> op_results;  // how its threads' ops returned

 private:
  struct Node : Entry {
    std::size_t index = 0;  // order of first meeting
  };
  Node* find(const std::string& key) {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : &it->second;
  }
  Node* insert(Finding&& f, std::uint64_t exec);
  static void count(Entry& e, std::uint64_t exec) {
    if (e.last == exec) return;
    ++e.f.count;
    e.last = exec;
  }
  std::map<std::string, Node> by_key_;
  std::vector<Node*> by_first_;  // map nodes do not move
};

}  // namespace mhp
