// The active reference of a kernfs node (fs/kernfs/dir.c): every sysfs show
// and store runs between kernfs_get_active() and kernfs_put_active() of its
// attribute, and kernfs_remove() -> kernfs_drain() deactivates the node and
// waits until those references are gone. Lockdep sees it as a rwsem
// (kn->dep_map, "kn->active#N"): a get is a read trylock, a drain a write
// acquire released as soon as the count has drained; so does the lock-order
// checker here. Get, put and the deactivation are single atomic operations
// on the count: they have no choice point of their own and run in the
// transition of the task's previous visible action (at the start of a
// syscall, or right after its last lock release); the drain's wait is where
// other tasks run. So adding them moves no existing schedule.
#pragma once
#include <string>

#include "model/engine/execution.hpp"

namespace mhp {

class KernfsActive {
 public:
  // `cls`: the lock class in finding keys and the lock-order graph (default: name)
  KernfsActive(Execution& ex, const std::string& name, const std::string& cls = "");
  // kernfs_get_active(): false (no reference) when the node is deactivated
  // or the object has no node (`exists` false: a sysfs open of a removed
  // device fails); never waits.
  bool get(bool exists);
  void put();  // kernfs_put_active(): the last one wakes a drain
  // kernfs_drain(): deactivate, wait for the count, acquire-and-release the
  // write side. The node stays deactivated until removed().
  void drain();
  // The node is gone (kernfs_put() frees it); the next device_register()
  // of the object makes a new one, active from the start.
  void removed() { deactivated_ = false; }
  void reset() {
    active_ = 0;
    deactivated_ = false;
  }
  ObjId obj() const { return obj_; }

 private:
  Execution& ex_;
  ObjId obj_;
  std::uint8_t bit_ = kNoLockBit;  // given on first acquire (Execution::note_acquired)
  int active_ = 0;
  bool deactivated_ = false;
};

}  // namespace mhp
