#include "model/sync/mutex.hpp"

namespace mhp {

Mutex::Mutex(Execution& ex, const std::string& name, const std::string& cls)
    : ex_(ex), obj_(ex.objects().add(name, cls.empty() ? name : cls)) {
  ex.objects().mark_wait(obj_, ObjectRegistry::Wait::Mutex);
}

void Mutex::lock() {
  // a search that asks (dfs) does not run a waiter that would only block
  ex_.choice_point(
      obj_, true, [](const void* m) { return static_cast<const Mutex*>(m)->owner_ == kNoThread; }, this);
  while (owner_ != kNoThread) ex_.block_on(obj_, SyncSide::Exclusive);
  owner_ = ex_.current();
  ex_.note_acquired(bit_, obj_, SyncSide::Exclusive);
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
}

bool Mutex::trylock() {
  ex_.choice_point(obj_, true);
  if (owner_ != kNoThread) return false;
  owner_ = ex_.current();
  ex_.note_acquired(bit_, obj_, SyncSide::Exclusive);
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0, kEvTrylock);
  return true;
}

void Mutex::unlock() {
  ex_.choice_point(obj_, true);
  if (owner_ != ex_.current()) {  // not held, or held by another task
    ex_.emit(EvKind::LockMisuse, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_,
             owner_ == kNoThread ? -1 : owner_, spin_ ? kEvSpinlock : 0);
    return;
  }
  owner_ = kNoThread;
  ex_.note_released(bit_);
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
  ex_.wake(obj_);
}

}  // namespace mhp
