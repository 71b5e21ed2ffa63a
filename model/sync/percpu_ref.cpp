#include "model/sync/percpu_ref.hpp"

namespace mhp {

PercpuRef::PercpuRef(Execution& ex, const std::string& name, const std::string& cls)
    : ex_(ex), obj_(ex.objects().add(name, cls.empty() ? name : cls)) {}

void PercpuRef::reset() {
  count_ = 0;
  live_ = dead_ = atomic_ = switching_ = exited_ = underflow_ = false;
  released_ = 0;
  confirm_ = nullptr;
  confirm_arg_ = nullptr;
}

void PercpuRef::init(Release release, void* arg) {
  ex_.choice_point(obj_, true);
  reset();
  live_ = true;
  count_ = 1;
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

// Percpu mode adds to a per-CPU counter; atomic mode adds unless the count is
// zero (while the switch is pending the bias keeps it above zero). An exited
// ref has no counter to add to.
bool PercpuRef::tryget(long n) {
  ex_.choice_point(obj_, true);
  if (!live_ || exited_ || (atomic_ && count_ <= 0)) {
    ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::TryGetFail), obj_, count_);
    return false;
  }
  count_ += n;
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::TryGet), obj_, count_);
  return true;
}

bool PercpuRef::tryget_live() {
  ex_.choice_point(obj_, true);
  if (!live_ || exited_ || dead_ || (atomic_ && count_ <= 0)) {
    ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::TryGetLiveFail), obj_, count_);
    return false;
  }
  ++count_;
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::TryGetLive), obj_, count_);
  return true;
}

void PercpuRef::kill_and_confirm(Confirm confirm, void* arg) {
  ex_.choice_point(obj_, true);
  // __PERCPU_REF_DEAD, then __percpu_ref_switch_to_atomic() takes a reference
  // for the switch and queues its RCU callback; then the initial reference is
  // put. With no reader to wait for the callback runs here, and the switch's
  // reference goes with the initial one.
  dead_ = true;
  confirm_ = confirm;
  confirm_arg_ = arg;
  if (!rcu_ || rcu_->quiescent()) {
    --count_;
    ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, count_);
    ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Kill), obj_, count_);
    switched(count_ + 1);  // the sum the fold saw, the switch's reference in it
    check_zero();
    return;
  }
  switching_ = true;  // count_ keeps the switch's reference in place of the initial one
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, count_);
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Kill), obj_, count_);
  rcu_->call(switch_to_atomic_rcu, this);
}

// percpu_ref_switch_to_atomic_rcu(), after the grace period: fold, confirm,
// and put the switch's reference (the release may run here).
void PercpuRef::switch_to_atomic_rcu(void* self) {
  PercpuRef& r = *static_cast<PercpuRef*>(self);
  Frame f(r.ex_, r.ex_.stacks().fn("percpu_ref_switch_to_atomic_rcu"));
  r.ex_.choice_point(r.obj_, true);
  if (!r.switching_) return;  // percpu_ref_init() again meanwhile: a new life
  r.switching_ = false;
  r.ex_.wake(r.obj_);  // a percpu_ref_resurrect() waiting for the switch
  r.switched(r.count_);
  // The switch's reference is put: one Switched event (not a Put, which the
  // stale-page checker would charge to the thread the callback runs in).
  --r.count_;
  r.ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), r.obj_, r.count_);
  r.ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Switched), r.obj_, r.count_);
  r.check_zero();
}

// The ref is atomic now: the fold's WARN if the sum (the switch's reference
// still in it) is not above zero, then the confirm callback.
void PercpuRef::switched(long sum) {
  atomic_ = true;
  folded_ = sum;
  if (sum <= 0 && !underflow_) {
    underflow_ = true;
    if (fold_warn_) fold_warn_(fold_warn_arg_);
  }
  if (confirm_) confirm_(*this, confirm_arg_);
}

void PercpuRef::reinit() {
  ex_.choice_point(obj_, true);
  // percpu_ref_reinit(): WARN_ON_ONCE(!percpu_ref_is_zero()), then resurrect.
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Reinit), obj_, count_);
  revive();
}

void PercpuRef::resurrect() {
  ex_.choice_point(obj_, true);
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Resurrect), obj_, count_);
  revive();
}

// percpu_ref_resurrect(): clear DEAD, take a reference (so a pending switch
// cannot release), wait for that switch to confirm, then back to percpu mode.
void PercpuRef::revive() {
  dead_ = false;
  released_ = 0;
  ++count_;
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Get), obj_, count_);
  while (switching_) ex_.block_on(obj_, SyncSide::Exclusive);
  atomic_ = false;
}

void PercpuRef::exit() {
  ex_.choice_point(obj_, true);
  exited_ = true;
  ex_.emit(EvKind::RefOp, std::uint8_t(RefOpKind::Exit), obj_, count_);
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
