#include "model/sync/percpu_rwsem.hpp"

namespace mhp {

PercpuRwsem::PercpuRwsem(Execution& ex, const std::string& name, const std::string& cls)
    : ex_(ex), obj_(ex.objects().add(name, cls.empty() ? name : cls)) {
  ex.objects().mark_readers_commute(obj_);
}

void PercpuRwsem::down_read() {
  ex_.choice_point(obj_, false);
  // __percpu_down_read(): with the block flag set the reader backs out and
  // sleeps until the writer releases.
  while (block_) ex_.block_on(obj_, SyncSide::Shared);
  ++readers_;
  ex_.note_acquired(bit_, obj_, SyncSide::Shared);
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Shared), obj_, readers_);
}

void PercpuRwsem::up_read() {
  ex_.choice_point(obj_, true);
  // A put without a get: refused and reported. The kernel would decrement
  // this CPU's count, leaving the sum at -1 for the next writer to wait on.
  if (!ex_.holds(bit_, SyncSide::Shared))
    return ex_.emit(EvKind::LockMisuse, static_cast<std::uint8_t>(SyncSide::Shared), obj_, -1);
  --readers_;
  ex_.note_released(bit_);
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, readers_);
  if (readers_ == 0) ex_.wake(obj_);  // rcuwait_wake_up() of a draining writer
}

void PercpuRwsem::down_write() {
  ex_.choice_point(obj_, true);
  // Writer/writer exclusion: wait until no other writer owns the block flag.
  while (block_) ex_.block_on(obj_, SyncSide::Exclusive);
  block_ = true;
  writer_ = ex_.current();
  // readers_active_check(): wait for the readers to drain; new readers block.
  while (readers_ > 0) ex_.block_on(obj_, SyncSide::Exclusive);
  ex_.note_acquired(bit_, obj_, SyncSide::Exclusive);
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
}

void PercpuRwsem::up_write() {
  ex_.choice_point(obj_, true);
  if (writer_ != ex_.current())
    return ex_.emit(EvKind::LockMisuse, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, -1);
  block_ = false;
  writer_ = kNoThread;
  ex_.note_released(bit_);
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
  ex_.wake(obj_);
}

}  // namespace mhp
