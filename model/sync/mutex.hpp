// Sleeping mutex (include/linux/mutex.h): device_hotplug_lock, device_lock(),
// pgmap_lock. Not recursive: a second lock() by the owner deadlocks, as in the
// kernel. The engine owns waiting: a waiter is simply not enabled. An unlock
// by a task that does not hold it is refused and reported (EvKind::LockMisuse):
// the owner keeps the mutex, so the misuse is one finding, not a cascade.
#pragma once
#include <string>

#include "model/engine/execution.hpp"

namespace mhp {

class Mutex {
 public:
  // `cls`: the lock class in finding keys and the lock-order graph (default: name)
  Mutex(Execution& ex, const std::string& name, const std::string& cls = "");
  void lock();
  bool trylock();  // mutex_trylock(): never waits
  void unlock();   // by a non-holder: a LockMisuse event, nothing changes
  void reset() { owner_ = kNoThread; }
  ThreadId owner() const { return owner_; }
  ObjId obj() const { return obj_; }

 protected:
  Execution& ex_;
  ObjId obj_;
  std::uint8_t bit_ = kNoLockBit;  // given on first acquire (Execution::note_acquired)
  ThreadId owner_ = kNoThread;
  bool spin_ = false;  // a Spinlock: its misuse is spin_bug()'s, not the mutex debug check's
};

}  // namespace mhp
