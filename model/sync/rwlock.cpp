#include "model/sync/rwlock.hpp"

namespace mhp {

Rwlock::Rwlock(Execution& ex, const std::string& name, const std::string& cls)
    : ex_(ex), obj_(ex.objects().add(name, cls.empty() ? name : cls)) {
  ex.objects().mark_readers_commute(obj_);
}

void Rwlock::read_lock() {
  ex_.choice_point(obj_, false);
  while (writer_ != kNoThread || writers_waiting_ > 0) ex_.block_on(obj_, SyncSide::Shared);
  ++readers_;
  ex_.note_acquired(bit_, obj_, SyncSide::Shared);
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Shared), obj_, readers_);
}

void Rwlock::read_unlock() {
  ex_.choice_point(obj_, true);
  if (!ex_.holds(bit_, SyncSide::Shared))
    return ex_.emit(EvKind::LockMisuse, static_cast<std::uint8_t>(SyncSide::Shared), obj_, -1);
  --readers_;
  ex_.note_released(bit_);
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, readers_);
  if (readers_ == 0) ex_.wake(obj_);
}

void Rwlock::write_lock() {
  ex_.choice_point(obj_, true);
  ++writers_waiting_;
  while (writer_ != kNoThread || readers_ > 0) ex_.block_on(obj_, SyncSide::Exclusive);
  --writers_waiting_;
  writer_ = ex_.current();
  ex_.note_acquired(bit_, obj_, SyncSide::Exclusive);
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
}

void Rwlock::write_unlock() {
  ex_.choice_point(obj_, true);
  if (writer_ != ex_.current())
    return ex_.emit(EvKind::LockMisuse, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, -1);
  writer_ = kNoThread;
  ex_.note_released(bit_);
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
  ex_.wake(obj_);
}

}  // namespace mhp
