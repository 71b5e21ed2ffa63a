#include "checkers/refcount.hpp"

#include "model/sync/percpu_ref.hpp"

namespace mhp {

void RefcountChecker::report(const Event& ev, const std::string& what, const std::string& title,
                             const std::string& summary) {
  const SimThread& t = ex_.threads()[ev.thread];
  std::string fn = ex_.stacks().top_name(ev.stack);
  Finding f;
  f.kind = FindingKind::Refcount;
  f.key = "refcount/" + what + "/" + ex_.objects().class_of(ev.obj) + "/" + fn;
  f.title = "WARNING: " + title + " in " + fn;
  f.summary = ex_.objects().describe(ev.obj) + ": " + summary;
  f.sides.push_back(side_at(ex_, ev, "task " + t.name + " (T" + std::to_string(t.id) + "):"));
  found_.push_back(std::move(f));
}

void RefcountChecker::on_event(const Event& ev) {
  if (ev.kind != EvKind::RefOp) return;
  Ref& r = refs_[ev.obj];
  const auto kind = static_cast<RefOpKind>(ev.mode);
  switch (kind) {
    case RefOpKind::Init: r = Ref{}; return;
    case RefOpKind::Get:
      if (r.exited)
        report(ev, "get-after-exit", "percpu_ref_get() after percpu_ref_exit()",
               "a reference taken on a ref whose per-CPU counters percpu_ref_exit() freed");
      else if (r.dead)
        report(ev, "get-after-kill", "percpu_ref_get() after percpu_ref_kill()",
               "a reference taken with percpu_ref_get() after the kill; only percpu_ref_tryget_live() may "
               "race with percpu_ref_kill()");
      return;
    case RefOpKind::TryGet:
    case RefOpKind::TryGetFail:
    case RefOpKind::TryGetLive:
    case RefOpKind::TryGetLiveFail:
      if (r.exited)
        report(ev, "tryget-after-exit", "percpu_ref_tryget() after percpu_ref_exit()",
               "a tryget on a ref whose per-CPU counters percpu_ref_exit() freed: whatever held the ref "
               "(the pgmap) was still reachable after its teardown");
      else if (kind == RefOpKind::TryGetLive && r.dead)
        report(ev, "tryget-live-dying", "percpu_ref_tryget_live() succeeded on a killed ref",
               "percpu_ref_tryget_live() took a reference after percpu_ref_kill() marked the ref dead (count now " +
                   std::to_string(ev.value) + ")");
      return;
    case RefOpKind::Put:
      if (r.releases > 0)
        report(ev, "put-after-release", "percpu_ref_put() after the release",
               "put after the count reached zero and the release callback ran (count now " + std::to_string(ev.value) +
                   ")");
      return;
    case RefOpKind::Kill:
      if (r.dead)
        report(ev, "kill-twice", "percpu_ref_kill() called more than once",
               "percpu_ref_kill_and_confirm() on a ref already dead (the kernel's WARN_ONCE)");
      r.dead = true;
      return;
    case RefOpKind::ReleaseCb:
      if (++r.releases == 2)
        report(ev, "release-twice", "percpu_ref release callback run twice",
               "the count rose again after the release and dropped to zero a second time");
      return;
    case RefOpKind::Exit:
      // A ref never killed may be exited holding only its initial reference
      // (an init undone on an error path); any other holder would touch
      // freed counters later.
      if (ev.value > (r.dead ? 0 : 1))
        report(ev, "exit-with-refs", "percpu_ref_exit() with references held",
               "percpu_ref_exit() freed the counters while " + std::to_string(r.dead ? ev.value : ev.value - 1) +
                   " reference(s) (or the switch to atomic's own) were still held");
      r.exited = true;
      return;
    case RefOpKind::Reinit:
      if (ev.value != 0)
        report(ev, "reinit-nonzero", "percpu_ref_reinit() on a ref not at zero",
               "percpu_ref_reinit() needs percpu_ref_is_zero() (the kernel's WARN_ON_ONCE); count " +
                   std::to_string(ev.value));
      r.dead = false;
      r.releases = 0;
      return;
    case RefOpKind::Resurrect:
      if (!r.dead)
        report(ev, "resurrect-live", "percpu_ref_resurrect() on a live ref",
               "percpu_ref_resurrect() of a ref that was not killed (the kernel's WARN_ON_ONCE)");
      r.dead = false;
      r.releases = 0;
      return;
    case RefOpKind::Switched: return;
  }
}

}  // namespace mhp
