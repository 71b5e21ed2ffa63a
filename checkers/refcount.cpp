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
  switch (static_cast<RefOpKind>(ev.mode)) {
    case RefOpKind::Init:
      r = Ref{};
      return;
    case RefOpKind::Get:
      if (r.dead)
        report(ev, "get-after-kill", "percpu_ref_get() after percpu_ref_kill()",
               "a reference taken with percpu_ref_get() after the kill; only percpu_ref_tryget_live() may "
               "race with percpu_ref_kill()");
      return;
    case RefOpKind::Put:
      if (r.releases > 0)
        report(ev, "put-after-release", "percpu_ref_put() after the release",
               "put after the count reached zero and the release callback ran (count now " +
                   std::to_string(ev.value) + ")");
      return;
    case RefOpKind::Kill:
      r.dead = true;
      return;
    case RefOpKind::ReleaseCb:
      if (++r.releases == 2)
        report(ev, "release-twice", "percpu_ref release callback run twice",
               "the count rose again after the release and dropped to zero a second time");
      return;
    case RefOpKind::TryGet:
    case RefOpKind::TryGetFail:
      return;
  }
}

}  // namespace mhp
