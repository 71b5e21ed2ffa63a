// percpu_rw_semaphore (kernel/locking/percpu-rwsem.c): mem_hotplug_lock and
// cpu_hotplug_lock. Writer-preferring: once a writer has set the block flag
// (percpu_down_write() before waiting for readers to drain), every new reader
// waits, even one that already holds the read side. Not writer-recursive.
// Both follow from the model below, which is why [duyck-defer-2018]'s "init as a read
// lock" proposal (S9) deadlocks here as it would in the kernel.
#pragma once
#include <string>

#include "model/engine/execution.hpp"

namespace mhp {

class PercpuRwsem {
 public:
  // `cls`: the lock class in finding keys and the lock-order graph (default: name)
  PercpuRwsem(Execution& ex, const std::string& name, const std::string& cls = "");
  void down_read();  // percpu_down_read(), e.g. get_online_mems()
  // An up_*() of a side the task does not hold is refused and reported
  // (EvKind::LockMisuse): the reader count never goes negative.
  void up_read();     // percpu_up_read(), e.g. put_online_mems()
  void down_write();  // percpu_down_write(), e.g. inside mem_hotplug_begin()
  void up_write();    // percpu_up_write()
  void reset() {
    readers_ = 0;
    block_ = false;
    writer_ = kNoThread;
  }
  int readers() const { return readers_; }
  bool blocked() const { return block_; }
  ThreadId writer() const { return writer_; }
  ObjId obj() const { return obj_; }

 private:
  Execution& ex_;
  ObjId obj_;
  std::uint8_t bit_ = kNoLockBit;  // given on first acquire (Execution::note_acquired)
  int readers_ = 0;
  bool block_ = false;  // sem->block: a writer holds or is draining readers
  ThreadId writer_ = kNoThread;
};

}  // namespace mhp
