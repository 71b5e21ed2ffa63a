// percpu_ref misuse (lib/percpu-refcount.c semantics, docs/KERNEL_REFERENCE.md §3.7),
// beyond the underflow the kernel itself WARNs about at the atomic switch:
//  - get after kill: percpu_ref_get() on a killed ref, where only
//    percpu_ref_tryget_live() is allowed (it fails once the kill is seen);
//  - put after release: a put once the count reached zero and the release
//    callback ran (the object may be gone);
//  - release run twice: the count rose again after a release and fell back;
//  - get or tryget after exit: the ref's counters are freed;
//  - exit with references held (or with the switch to atomic pending);
//  - tryget_live succeeding on a killed ref (the primitive must refuse it);
//  - kill twice, reinit of a ref not at zero, resurrect of a live ref: the
//    kernel's WARN_ONCEs.
#pragma once

#include "checkers/checker.hpp"
#include "model/engine/obj_table.hpp"

namespace mhp {

class RefcountChecker final : public Checker {
 public:
  explicit RefcountChecker(const Execution& ex) : Checker(ex) { refs_.direct(ex.objects().size()); }
  void on_event(const Event& ev) override;
  std::uint32_t kinds() const override { return kind_bit(EvKind::RefOp); }

 private:
  struct Ref {
    bool dead = false;
    bool exited = false;
    int releases = 0;
  };
  void reset() override { refs_.clear(); }
  void report(const Event& ev, const std::string& what, const std::string& title, const std::string& summary);
  ObjTable<Ref> refs_;  // cleared by generation: no node freed and allocated again per execution
};

}  // namespace mhp
