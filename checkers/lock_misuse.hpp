// Lock misuse, reported as the kernel's lock debugging reports it:
//  - "bad unlock balance detected!" (lockdep, print_unlock_imbalance_bug()):
//    a task releases a lock it does not hold;
//  - a mutex unlocked by a task that does not own it (DEBUG_MUTEXES'
//    DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current) in
//    __mutex_unlock_slowpath()), or a spinlock (DEBUG_SPINLOCK's "wrong owner");
//  - "lock held when returning to user space!" (lockdep_sys_exit()): a
//    thread's program ends with a lock still held;
//  - the first and third where the kernel function is mem_hotplug_begin() /
//    mem_hotplug_done() or get_online_mems() / put_online_mems(): an
//    unbalanced pair, named by the function.
// The lock primitives refuse a bad release and emit EvKind::LockMisuse
// (model/sync); a thread's end is its ThreadEnd, with its held list intact.
#pragma once

#include "checkers/checker.hpp"

namespace mhp {

class LockMisuseChecker final : public Checker {
 public:
  explicit LockMisuseChecker(const Execution& ex) : Checker(ex) {}
  void on_event(const Event& ev) override;
  std::uint32_t kinds() const override { return kind_bit(EvKind::LockMisuse) | kind_bit(EvKind::ThreadEnd); }

 private:
  void reset() override {}
  void bad_release(const Event& ev);
  void held_at_exit(const Event& ev);
  // A key this execution reported already (one lock call may touch two
  // locks: mem_hotplug_begin() takes cpu_hotplug_lock and mem_hotplug_lock).
  bool seen(const std::string& key) const;
};

}  // namespace mhp
