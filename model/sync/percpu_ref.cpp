#include "model/sync/percpu_ref.hpp"

namespace mhp {

PercpuRef::PercpuRef(Execution& ex, const std::string& name, const std::string& cls)
    : ex_(ex), obj_(ex.objects().add(name, cls.empty() ? name : cls)) {}

void PercpuRef::init(Release release, void* arg) {
  ex_.choice_point(obj_, true);
  count_ = 1;
  live_ = true;
  dead_ = false;
  atomic_ = false;
  released_ = 0;
  underflow_ = false;
  release_ = release;
  arg_ = arg;
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Init), obj_, count_);
}

void PercpuRef::get(long n) {
  ex_.choice_point(obj_, true);
  count_ += n;
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Get), obj_, count_);
}

void PercpuRef::put(long n) {
  ex_.choice_point(obj_, true);
  count_ -= n;
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, count_);
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Put), obj_, count_);
  if (atomic_) check_zero();
}

bool PercpuRef::tryget_live() {
  ex_.choice_point(obj_, true);
  if (!live_ || dead_ || (atomic_ && count_ <= 0)) {
    ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::TryGetFail), obj_, count_);
    return false;
  }
  ++count_;
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::TryGet), obj_, count_);
  return true;
}

void PercpuRef::kill() {
  ex_.choice_point(obj_, true);
  dead_ = true;
  --count_;  // the initial reference
  atomic_ = true;
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, count_);
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Kill), obj_, count_);
  check_zero();
}

void PercpuRef::check_zero() {
  if (count_ < 0) underflow_ = true;
  // Every drop to zero in atomic mode runs the release callback, as the
  // kernel's does: a count that went up again after a release (a get after
  // the kill) releases twice -- the refcount checker reports it.
  if (count_ == 0) {
    ++released_;
    ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
    ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::ReleaseCb), obj_, released_);
    if (release_) release_(arg_);
  }
}

}  // namespace mhp
