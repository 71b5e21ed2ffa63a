// rwlock_t (queued rwlock, kernel/locking/qrwlock.c): resource_lock. In
// process context a waiting writer makes new readers queue behind it. An
// unlock of a side the task does not hold is refused and reported
// (EvKind::LockMisuse); the counts stay as they were.
#pragma once
#include <string>

#include "model/engine/execution.hpp"

namespace mhp {

class Rwlock {
 public:
  // `cls`: the lock class in finding keys and the lock-order graph (default: name)
  Rwlock(Execution& ex, const std::string& name, const std::string& cls = "");
  void read_lock();
  void read_unlock();
  void write_lock();
  void write_unlock();
  void reset() {
    readers_ = 0;
    writer_ = kNoThread;
    writers_waiting_ = 0;
  }
  ObjId obj() const { return obj_; }

 private:
  Execution& ex_;
  ObjId obj_;
  std::uint8_t bit_ = kNoLockBit;  // given on first acquire (Execution::note_acquired)
  int readers_ = 0;
  int writers_waiting_ = 0;
  ThreadId writer_ = kNoThread;
};

}  // namespace mhp
