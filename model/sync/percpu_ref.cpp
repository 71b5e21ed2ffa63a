#include "model/sync/percpu_ref.hpp"

namespace mhp {

PercpuRef::PercpuRef(Execution& ex, const std::string& name) : ex_(ex), obj_(ex.objects().add(name)) {}

void PercpuRef::init(Release release, void* arg) {
  ex_.choice_point();
  count_ = 1;
  live_ = true;
  dead_ = false;
  atomic_ = false;
  released_ = 0;
  underflow_ = false;
  release_ = release;
  arg_ = arg;
  ex_.emit(EvKind::RefOp, 0, obj_, count_);
}

void PercpuRef::get(long n) {
  ex_.choice_point();
  count_ += n;
  ex_.emit(EvKind::RefOp, 0, obj_, count_);
}

void PercpuRef::put(long n) {
  ex_.choice_point();
  count_ -= n;
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, count_);
  ex_.emit(EvKind::RefOp, 0, obj_, count_);
  if (atomic_) check_zero();
}

bool PercpuRef::tryget_live() {
  ex_.choice_point();
  if (!live_ || dead_ || (atomic_ && count_ <= 0)) return false;
  ++count_;
  ex_.emit(EvKind::RefOp, 0, obj_, count_);
  return true;
}

void PercpuRef::kill() {
  ex_.choice_point();
  dead_ = true;
  --count_;  // the initial reference
  atomic_ = true;
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, count_);
  ex_.emit(EvKind::RefOp, 0, obj_, count_);
  check_zero();
}

void PercpuRef::check_zero() {
  if (count_ < 0) underflow_ = true;
  if (count_ == 0 && released_ == 0) {
    ++released_;
    ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
    if (release_) release_(arg_);
  }
}

}  // namespace mhp
