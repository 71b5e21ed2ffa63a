// Lock order in the manner of lockdep (kernel/locking/lockdep.c): every lock
// taken while others are held adds a dependency between their lock classes;
// a cycle in the graph is a possible deadlock even if no execution deadlocked.
// Unlike lockdep, device_lock() is validated (lockdep gives it the
// "novalidate" class, docs/KERNEL_REFERENCE.md §3.3).
//
// A cycle is not reported when
//  - a recursive-read lock (rwlock readers: resource_lock) is entered in read
//    mode and held in read mode across the cycle (lockdep's "-(xR)-> L -(Rx)->"),
//  - two or more of its dependencies were only ever recorded with
//    device_hotplug_lock held: the tasks closing those edges exclude each
//    other, so the cycle cannot be closed at once. DHP is the gate lock of
//    §3.9 that makes the DEV <-> MHP inversion of memory-block onlining safe.
// Trylocks add no dependency. A non-recursive lock taken again by the thread
// that holds it (a percpu_rwsem read inside its own read section) is reported
// as recursive locking: a writer arriving in between deadlocks it (§3.1).
// The graph lives across executions: findings() is called after the last one.
#pragma once
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "checkers/checker.hpp"
#include "checkers/lock_graph.hpp"

namespace mhp {

class LockOrderChecker final : public Checker {
 public:
  LockOrderChecker(const Execution& ex, std::set<std::string> recursive_read, std::string gate)
      : Checker(ex), gate_(std::move(gate)), graph_(std::move(recursive_read)), dep_by_class_(64 * 64) {}
  LockOrderChecker(const LockOrderChecker&) = delete;  // dep_by_class_ points into graph_
  void on_event(const Event& ev) override;
  std::uint32_t kinds() const override { return kind_bit(EvKind::Acquire); }
  // The runner stamps dependencies first seen in the execution that just ended.
  void end_execution(std::uint64_t execution, const std::string& schedule);
  // Whether the execution found a dependency end_execution() has to stamp
  // (the runner then encodes the schedule; after the first executions, rarely).
  bool has_unstamped() const { return unstamped_; }
  // The graph of every execution so far (stamped ones: after end_execution()).
  const LockGraph& graph() const { return graph_; }
  // Cycles of the whole run, one finding per cycle.
  std::vector<Finding> cycles() const { return graph_.cycles(); }
  std::vector<LockEdge> edges() const { return graph_.edges(); }

  // Parallel dfs: a helper's checker logs the dependencies each execution
  // records; the search that owns the order takes them as if it had run
  // the execution. `edge` comes with a dependency first met since forget().
  struct Recording {
    std::string from, to;
    bool gated = false;  // every recording in the execution held the gate
    bool has_edge = false;
    LockEdge edge;  // holder, taker and modes of the first recording
  };
  void set_logging(bool on) { logging_ = on; }
  // The recordings of the execution that just ended, one per dependency.
  std::vector<Recording> take_recordings();
  // A helper's graph between two subtrees: their recordings are taken apart.
  void forget();
  // schedule(): the execution's encoded schedule, asked only for a new dependency.
  void take(const std::vector<Recording>& recs, std::uint64_t execution, const std::function<std::string()>& schedule);

 private:
  void reset() override {}
  // Classes of the lock bits taken since the last call (Execution::lock_class()).
  void learn_bits();
  std::string gate_;
  LockGraph graph_;
  // Per lock bit: its class as an index into classes_, and whether it is the
  // gate; graph_ edges met by on_event(), by (from, to) class index. An
  // acquire then compares no class names and builds no (from, to) key.
  std::vector<std::string> classes_;  // at most 64: one per lock bit at most
  std::vector<std::uint8_t> class_of_bit_;
  std::vector<bool> gate_bit_;
  std::vector<LockEdge*> dep_by_class_;  // [from * 64 + to]; map nodes do not move
  bool unstamped_ = false;               // a dependency first seen since the last end_execution()
  bool logging_ = false;
  std::vector<std::pair<LockEdge*, bool>> log_;  // this execution's recordings: dependency, gated
};

}  // namespace mhp
