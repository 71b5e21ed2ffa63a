// Which threads may touch which struct pages: each op file declares the
// pages its op may touch (`pages: pfn | range | device`, else any page), and
// a thread's declaration becomes a pfn range. An access to a page that no
// thread running beside it may touch commutes with everything the others
// do (a thread started `after:` it comes after all of it anyway), so it is
// no choice point (Execution::private_step()): a walker that reads one pfn
// leaves the rest of a device's memmap initialisation one transition
// (Godefroid's visible operations, here per page). Every page access is
// checked against the declaration whether or not the reduction is on, so a
// declaration that falls short is a model error, not a missed interleaving.
// A search split by observer pfn (Kernel::set_observer_focus()) narrows
// what an observer may touch *visibly* to the pfn in focus: a page that
// besides the running thread only hidden items may touch is Quiet, a choice
// point no strategy is asked at (Execution::quiet_point()), and an
// observer's own access to such a page is Unseen (only a hidden item may
// make it). Without a split nothing is Quiet or Unseen.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/engine/strategy.hpp"
#include "model/kernel/geometry.hpp"

namespace mhp {

class PageFootprint {
 public:
  struct Reach {
    bool any = true;  // the thread may touch every page
    Pfn lo = 0, hi = 0;
  };
  // One Reach per thread, by ThreadId, and the threads each may run beside
  // (a thread started `after:` another runs none of its steps beside it, so
  // their pages need not be told apart); reduce: whether private pages skip
  // their choice point (off: only the check).
  // visible: what each thread may touch at a choice point, if narrower than
  // threads (a split search's observers); null: the same.
  void build(const std::vector<Reach>& threads, const std::vector<ThreadMask>& beside, bool reduce,
             const std::vector<Reach>* visible = nullptr) {
    reach_ = threads;
    beside_ = beside;
    bounds_.clear();
    masks_.clear();
    visible_.clear();
    const std::vector<Reach>& vis = visible ? *visible : threads;
    std::vector<Pfn> cuts{0};
    for (const std::vector<Reach>* r : {&threads, &vis})
      for (const Reach& t : *r)
        if (!t.any) {
          cuts.push_back(t.lo);
          cuts.push_back(t.hi);
        }
    narrow_ = false;
    for (const Reach& t : threads) narrow_ |= !t.any;
    reduce_ = reduce && narrow_;
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    // segment i: [bounds_[i], bounds_[i + 1]), the last one to the end of memory
    auto mask_at = [](const std::vector<Reach>& r, Pfn c) {
      ThreadMask m = 0;
      for (std::size_t t = 0; t < r.size(); ++t)
        if (r[t].any || (r[t].lo <= c && c < r[t].hi)) m |= thread_bit(static_cast<ThreadId>(t));
      return m;
    };
    for (Pfn c : cuts) {
      bounds_.push_back(c);
      masks_.push_back(mask_at(threads, c));
      visible_.push_back(mask_at(vis, c));
    }
    last_.assign(threads.size(), Last{});
  }
  // Whether some thread's declaration is narrower than every page (else
  // nothing is private and nothing needs checking).
  bool narrow() const { return narrow_; }
  bool reduce() const { return reduce_; }
  const Reach& reach(ThreadId t) const { return reach_[t]; }

  // UnseenShared / UnseenPrivate: Unseen, and whether without the split it
  // would be Shared or Private.
  enum class Access : std::uint8_t { Shared, Private, Outside, Quiet, UnseenShared, UnseenPrivate };
  // Thread t touching [lo, hi): Outside if its declaration leaves out a page
  // of it, else Private if no other thread may touch any of them, Quiet if
  // only hidden steps may. Inline for the common case: within the segment of
  // the thread's last access.
  Access access(ThreadId t, Pfn lo, Pfn hi) {
    const Last& c = last_[t];
    if (lo >= c.lo && hi <= c.hi) return c.access;
    return access_slow(t, lo, hi);
  }

 private:
  Access classify(ThreadId t, std::size_t segment) const {
    const ThreadMask me = thread_bit(t);
    const bool shared = masks_[segment] & beside_[t];
    if (!(masks_[segment] & me)) return Access::Outside;
    if (!(visible_[segment] & me)) return shared ? Access::UnseenShared : Access::UnseenPrivate;
    return visible_[segment] & beside_[t] ? Access::Shared : shared ? Access::Quiet : Access::Private;
  }
  Access access_slow(ThreadId t, Pfn lo, Pfn hi) {
    std::size_t i = std::size_t(std::upper_bound(bounds_.begin(), bounds_.end(), lo) - bounds_.begin()) - 1;
    const Pfn end = i + 1 < bounds_.size() ? bounds_[i + 1] : ~Pfn(0);
    if (hi <= end) {  // within one segment: remembered for the next access
      last_[t] = {bounds_[i], end, classify(t, i)};
      return last_[t].access;
    }
    bool shared = false, quiet = false, unseen = false;
    for (; i < bounds_.size() && bounds_[i] < hi; ++i) {
      const Access a = classify(t, i);
      if (a == Access::Outside) return a;
      shared |= a == Access::Shared;
      quiet |= a == Access::Quiet || a == Access::UnseenShared;
      unseen |= a == Access::UnseenShared || a == Access::UnseenPrivate;
    }
    if (unseen) return shared || quiet ? Access::UnseenShared : Access::UnseenPrivate;
    return shared ? Access::Shared : quiet ? Access::Quiet : Access::Private;
  }
  std::vector<Reach> reach_;
  std::vector<ThreadMask> beside_;  // by thread: the others that may run while it runs
  std::vector<Pfn> bounds_;
  std::vector<ThreadMask> masks_;    // by segment: the threads that may touch it
  std::vector<ThreadMask> visible_;  // by segment: those that may touch it at a choice point
  struct Last {  // by thread: the segment of its last access, [lo, hi), and what it is to the thread
    Pfn lo = 1, hi = 0;
    Access access = Access::Shared;
  };
  std::vector<Last> last_;
  bool narrow_ = false, reduce_ = false;
};

}  // namespace mhp
