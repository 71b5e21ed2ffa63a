#include "model/sync/kernfs_active.hpp"

namespace mhp {

KernfsActive::KernfsActive(Execution& ex, const std::string& name, const std::string& cls)
    : ex_(ex), obj_(ex.objects().add(name, cls.empty() ? name : cls)) {
  ex.objects().mark_readers_commute(obj_);
}

bool KernfsActive::get(bool exists) {
  if (!exists) return false;
  if (deactivated_) {  // atomic_inc_unless_negative() fails: it saw the deactivation bias
    ex_.emit(EvKind::Check, 0, obj_, active_);
    return false;
  }
  ++active_;
  ex_.note_acquired(bit_, obj_, SyncSide::Shared);
  // rwsem_acquire_read(..., trylock=1): no dependency on the locks held
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Shared), obj_, active_, kEvTrylock);
  return true;
}

void KernfsActive::put() {
  --active_;
  ex_.note_released(bit_);
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, active_);
  if (active_ == 0 && deactivated_) ex_.wake(obj_);
}

void KernfsActive::drain() {
  deactivated_ = true;  // atomic_add(KN_DEACTIVATED_BIAS) in __kernfs_remove()
  while (active_ > 0) ex_.block_on(obj_, SyncSide::Exclusive);
  ex_.note_acquired(bit_, obj_, SyncSide::Exclusive);
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
  ex_.note_released(bit_);
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
}

}  // namespace mhp
