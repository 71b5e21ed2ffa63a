// A static key's enable count (include/linux/jump_label.h, kernel/jump_label.c):
// static_branch_inc()/static_branch_dec() count the users that want the branch
// on; before v5.4's static_branch_inc() users, mm/memremap.c kept that count
// in an atomic_t of its own beside the key (static_branch_enable() at 1,
// static_branch_disable() at 0). Either way the key is a counter of enablers.
// The model keeps the count as plain state without events: the updates are
// serialised by jump_label_mutex (or atomic) and only their balance matters,
// which does not depend on the order of the users.
#pragma once

namespace mhp {

class StaticKey {
 public:
  void inc() { ++count_; }
  // static_branch_dec(): "jump label: negative count!" if it was not above zero.
  // Returns false then; the count is kept as the kernel leaves it (below zero
  // for the atomic_t of v4.19..v5.4).
  bool dec() { return --count_ >= 0; }
  long count() const { return count_; }
  bool enabled() const { return count_ > 0; }
  void reset() { count_ = 0; }

 private:
  long count_ = 0;
};

}  // namespace mhp
