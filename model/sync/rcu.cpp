#include "model/sync/rcu.hpp"

namespace mhp {

// Read-side sections commute with each other as an rwlock's do: entering is
// a read, leaving is a read unless it ends a grace period, whose callbacks
// run as an exclusive event in the leaving thread (run_expired()), as
// synchronize() and quiescent() are exclusive too.
Rcu::Rcu(Execution& ex, const std::string& name) : ex_(ex), obj_(ex.objects().add(name)) {
  ex.objects().mark_readers_commute(obj_);
}

void Rcu::read_lock() {
  ex_.choice_point(obj_, false);
  // Entering the outermost section is visible: a synchronize_rcu() that
  // starts later must wait for it, so the two do not commute (dpor).
  if (depth_[ex_.current()]++ == 0) ex_.emit(EvKind::Read, static_cast<std::uint8_t>(Access::Once), obj_, 0);
}

void Rcu::read_unlock() {
  ex_.choice_point(obj_, true);
  const ThreadId self = ex_.current();
  if (--depth_[self] == 0) {
    ++exits_[self];
    ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, 0);
    ex_.wake(obj_);
    if (!pending_.empty()) run_expired();
  }
}

void Rcu::synchronize() {
  ex_.choice_point(obj_, true);
  // Snapshot the readers now inside a section; wait until each has left it.
  std::array<std::uint32_t, kMaxThreads> exits{};
  std::array<bool, kMaxThreads> waiting{};
  for (const auto& t : ex_.threads())
    if (t.id != ex_.current() && depth_[t.id] > 0) {
      waiting[t.id] = true;
      exits[t.id] = exits_[t.id];
    }
  for (;;) {
    bool any = false;
    for (const auto& t : ex_.threads()) any |= waiting[t.id] && exits_[t.id] == exits[t.id];
    if (!any) break;
    ex_.block_on(obj_, SyncSide::Exclusive);
  }
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
}

bool Rcu::quiescent() {
  ex_.emit(EvKind::Write, static_cast<std::uint8_t>(Access::Once), obj_, 0);
  if (!pending_.empty()) return false;
  for (const auto& t : ex_.threads())
    if (t.id != ex_.current() && depth_[t.id] > 0) return false;
  return true;
}

bool Rcu::call(Callback cb, void* arg) {
  Pending p{cb, arg, {}, {}};
  bool any = false;
  for (const auto& t : ex_.threads())
    if (t.id != ex_.current() && depth_[t.id] > 0) {
      p.waiting[t.id] = any = true;
      p.exits[t.id] = exits_[t.id];
    }
  if (!any && pending_.empty()) {
    cb(arg);
    return true;
  }
  pending_.push_back(p);
  return false;
}

// The callbacks whose grace period has ended, in call order: one still
// waiting holds the later ones back, as a CPU's callback list does.
void Rcu::run_expired() {
  while (!pending_.empty()) {
    bool waiting = false;
    for (const auto& t : ex_.threads())
      waiting |= pending_.front().waiting[t.id] && exits_[t.id] == pending_.front().exits[t.id];
    if (waiting) return;
    Pending p = pending_.front();
    pending_.erase(pending_.begin());
    // The grace period's edge: the callback runs after every reader it waited for.
    ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
    p.cb(p.arg);
  }
}

}  // namespace mhp
