// The lock dependency graph of a run, as a value: lockdep's graph of lock
// classes (kernel/locking/lockdep.c), one edge per (held class, taken class)
// with the first execution that recorded it as its witness. The checker
// (lock_order.hpp) grows one per worker; workers, parallel dfs helpers and
// `mhpsim merge` of shards join graphs with the one merge below, which is
// associative and commutative: per edge the smaller witness, gated only if
// gated in every graph.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checkers/finding.hpp"

namespace mhp {

// One dependency of the graph: `to` was taken while `from` was held.
struct LockEdge {
  std::string from, to;
  bool from_read = false, to_read = false;
  bool gated = false;  // every recording held the gate lock (device_hotplug_lock)
  std::uint64_t execution = 0;
  std::string schedule;       // of that first execution
  FindingSide holder, taker;  // the witness: who held `from`, where `to` was taken
};

// The kernel's configuration of the checker: rwlock readers that may recurse
// (resource_lock's), and the gate lock of §3.9.
inline const std::set<std::string>& lockdep_recursive_read() {
  static const std::set<std::string> s{"resource_lock"};
  return s;
}
inline const char* lockdep_gate() { return "device_hotplug_lock"; }

class LockGraph {
 public:
  // An edge the checker has met in the execution still running: stamped by
  // LockOrderChecker::end_execution().
  static constexpr std::uint64_t kUnstamped = UINT64_MAX;
  using Edges = std::map<std::pair<std::string, std::string>, LockEdge>;

  explicit LockGraph(std::set<std::string> recursive_read = lockdep_recursive_read())
      : recursive_read_(std::move(recursive_read)) {}
  // Adds one edge: a new one as given; a known one keeps the smaller witness
  // and stays gated only if `e` is.
  void add(const LockEdge& e);
  void merge(const LockGraph& other);
  // Cycles of the graph, one finding per elementary cycle (see lock_order.hpp
  // for the two that are not reported).
  std::vector<Finding> cycles() const;
  std::vector<LockEdge> edges() const;
  // Lock classes whose readers may recurse (lockdep's recursive-read locks).
  const std::set<std::string>& recursive_read() const { return recursive_read_; }
  // The checker's own access (map nodes do not move).
  Edges& map() { return edges_; }
  const Edges& map() const { return edges_; }
  void clear() { edges_.clear(); }

 private:
  std::set<std::string> recursive_read_;
  Edges edges_;
};

}  // namespace mhp
