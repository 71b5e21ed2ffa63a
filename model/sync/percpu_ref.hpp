// percpu_ref (lib/percpu-refcount.c): pgmap->ref. In percpu mode gets and puts
// only move per-CPU counters and nothing detects zero. percpu_ref_kill() (=
// percpu_ref_kill_and_confirm(ref, NULL)) marks the ref dead, so
// percpu_ref_tryget_live() fails from then on, routes later gets and puts to
// the atomic counter -- still biased, so it cannot reach zero -- takes one
// reference for the switch, drops the initial one and leaves the rest to an
// RCU callback (percpu_ref_switch_to_atomic_rcu()): after a grace period it
// folds the per-CPU counts in and drops the bias (WARN "percpu ref <= 0 after
// switching to atomic", [duyck-defer-2018]'s -1530626), runs the confirm
// callback, and puts the switch's reference. From then on a put reaching zero
// runs the release callback. percpu_ref_exit() frees the per-CPU counters;
// percpu_ref_reinit()/percpu_ref_resurrect() make a killed ref live again.
//
// count() is the sum the kernel would fold: the references held, the
// switch's own one while its grace period is pending included.
#pragma once
#include <string>

#include "model/engine/execution.hpp"
#include "model/sync/rcu.hpp"

namespace mhp {

// Event::mode of a RefOp event: which operation; the value is the count after
// it. TryGetLive* are percpu_ref_tryget_live(), TryGet* percpu_ref_tryget().
enum class RefOpKind : std::uint8_t {
  Init,
  Get,
  Put,
  TryGetLive,
  TryGetLiveFail,
  Kill,
  ReleaseCb,
  TryGet,
  TryGetFail,
  Exit,
  Reinit,
  Resurrect,
  Switched,
};

class PercpuRef {
 public:
  using Release = void (*)(void* arg);
  using Confirm = void (*)(PercpuRef& ref, void* arg);
  PercpuRef(Execution& ex, const std::string& name, const std::string& cls = "");
  void init(Release release, void* arg);  // percpu_ref_init(): live, percpu, count 1
  void get(long n = 1);                   // percpu_ref_get_many()
  void put(long n = 1);                   // percpu_ref_put_many()
  bool tryget(long n = 1);                // percpu_ref_tryget_many(): fails only on zero
  bool tryget_live();                     // percpu_ref_tryget_live(): fails once killed
  // The RCU whose grace period the switch to atomic waits for; without one
  // (a bare ref in a unit test) the grace period counts as already over.
  void bind_rcu(Rcu& rcu) { rcu_ = &rcu; }
  void kill() { kill_and_confirm(nullptr, nullptr); }  // percpu_ref_kill()
  // percpu_ref_kill_and_confirm(): `confirm` runs after the grace period, once
  // the ref is atomic (the caller may then rely on tryget_live() failing everywhere).
  void kill_and_confirm(Confirm confirm, void* arg);
  void reinit();     // percpu_ref_reinit(): only on a ref at zero
  void resurrect();  // percpu_ref_resurrect(): back to percpu mode, not dead
  void exit();       // percpu_ref_exit(): the per-CPU counters are freed
  void reset();      // uninitialised; the release and fold-warn hooks stay
  // The model's hook for the fold's WARN (the caller reports it).
  void set_fold_warn(Release fn, void* arg) {
    fold_warn_ = fn;
    fold_warn_arg_ = arg;
  }
  long count() const { return count_; }
  bool dead() const { return dead_; }
  bool atomic() const { return atomic_; }
  bool switching() const { return switching_; }
  bool exited() const { return exited_; }
  bool underflowed() const { return underflow_; }
  // What the fold summed, the switch's reference included; the references
  // held then are one fewer.
  long folded() const { return folded_; }
  int releases() const { return released_; }
  ObjId obj() const { return obj_; }

 private:
  static void switch_to_atomic_rcu(void* self);
  void switched(long sum);
  void revive();
  void check_zero();
  Execution& ex_;
  ObjId obj_;
  Rcu* rcu_ = nullptr;
  long count_ = 0;
  long folded_ = 0;
  bool live_ = false;  // initialised
  bool dead_ = false;
  bool atomic_ = false;     // the switch is done: a put to zero releases
  bool switching_ = false;  // killed, the grace period of the switch pending
  bool exited_ = false;
  bool underflow_ = false;
  int released_ = 0;
  Release release_ = nullptr;
  void* arg_ = nullptr;
  Release fold_warn_ = nullptr;
  void* fold_warn_arg_ = nullptr;
  Confirm confirm_ = nullptr;
  void* confirm_arg_ = nullptr;
};

}  // namespace mhp
