// Parallel dfs (--jobs N with --strategy dfs). One search keeps the order on
// the caller's thread, as without --jobs; N-1 helper threads search ahead,
// each in a subtree the search has still to reach (a branch pending at a node
// of its path, shallowest first: the largest, and the last reached). A helper
// searches its subtree as the search itself will (DfsStrategy::subtree: the
// tree below a node depends only on the path to it, and with sleep sets on
// what the node tried before, which the search checks when it gets there) and
// hands over each execution as a record: what its races ask of the nodes
// above the subtree, its findings, trace signature and lock dependencies.
// When the search's path reaches the subtree's root, it takes the records in
// order as if it had run them; if it catches up with the helper, it stops it
// and takes the rest of the subtree over from the helper's path. So the
// report is the one sequential search's, for any N.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "checkers/finding.hpp"
#include "checkers/lock_order.hpp"
#include "model/engine/dfs.hpp"
#include "model/scenario/scenario.hpp"

namespace mhp {

struct DfsRecord {
  std::string error;  // the model error the run threw (the search throws it too)
  Outcome::Status status = Outcome::Status::Completed;
  std::string detail;
  bool repeat = false, redundant = false;
  bool last = false;  // the subtree has no execution after this one
  std::vector<DfsStrategy::Addition> adds;
  std::vector<Finding> fresh;       // findings of keys the subtree meets here first, position set
  std::vector<std::uint32_t> held;  // the other keys found here, by their order of first meeting
  std::uint64_t signature = 0;
  std::string schedule;  // encoded when a fresh finding or a new lock dependency needs a witness
  std::vector<LockOrderChecker::Recording> deps;  // new in the subtree, or first not gated in it
};

class DfsHelpers {
 public:
  DfsHelpers(const Scenario& sc, unsigned helpers, bool memo);
  ~DfsHelpers();  // stops the helpers and joins them
  DfsHelpers(const DfsHelpers&) = delete;
  DfsHelpers& operator=(const DfsHelpers&) = delete;

  struct Task;
  // The lent subtree whose root dfs's path has reached, if its helper's
  // search is the one dfs would make there; null otherwise (a subtree that
  // does not match is dropped, and dfs searches it itself).
  std::shared_ptr<Task> arrive(const DfsStrategy& dfs);
  // The subtree's next record, in the search's order. When the helper has
  // none ready, it is stopped (the search waits for its current execution
  // only). Null when every record it made has been taken.
  std::unique_ptr<DfsRecord> next(Task& t);
  // The set indices of a record's keys: its fresh findings have just been
  // merged at `fresh_index`; held keys are named by their order in the task.
  void note_fresh(Task& t, const std::vector<std::size_t>& fresh_index);
  std::vector<std::size_t> held_index(const Task& t, const DfsRecord& r) const;
  // After the last record: dfs goes on after the subtree (its last record
  // was the subtree's last) or takes the helper's path over. Returns what
  // DfsStrategy::next() would: whether there is an execution to run.
  bool leave(const std::shared_ptr<Task>& t, DfsStrategy& dfs, bool subtree_done);
  // Lends the shallowest pending branches of dfs's path to idle helpers.
  void lend(const DfsStrategy& dfs);

 private:
  struct Slot {
    std::shared_ptr<Task> task;  // null: idle
    std::thread thread;
  };
  void helper_main(Slot& slot);
  void drop(const std::shared_ptr<Task>& t);  // under mu_

  const Scenario& sc_;
  bool memo_;
  std::mutex mu_;
  std::condition_variable cv_;  // a task lent, a record queued, a helper stopped
  bool shutdown_ = false;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::shared_ptr<Task>> active_;  // lent subtrees the search has not reached or finished
  unsigned idle_ = 0;                          // helpers waiting for a subtree
  std::vector<ThreadId> key_;
  std::vector<std::pair<std::size_t, ThreadId>> branches_;
};

struct DfsHelpers::Task {
  Task(std::vector<ThreadId> p, DfsStrategy s) : prefix(std::move(p)), search(std::move(s)) {}
  std::vector<ThreadId> prefix;                   // the path's choices down to the subtree's root
  DfsStrategy search;                             // the helper's; the owner's again once running is false
  std::vector<std::unique_ptr<DfsRecord>> queue;  // in the search's order
  std::size_t head = 0;                           // queue[head] is the next to take
  bool running = true;                            // the helper is still on it
  bool stop = false;                              // asked to stop after its current execution
  std::vector<std::size_t> index;                 // the owner's set index of the task's keys, by first meeting
  DfsStrategy::RootState root_state;              // of the root when lent
};

}  // namespace mhp
