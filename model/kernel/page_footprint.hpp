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
  void build(const std::vector<Reach>& threads, const std::vector<ThreadMask>& beside, bool reduce) {
    reach_ = threads;
    beside_ = beside;
    bounds_.clear();
    masks_.clear();
    ThreadMask any = 0;
    std::vector<Pfn> cuts{0};
    for (std::size_t t = 0; t < threads.size(); ++t) {
      if (threads[t].any) {
        any |= thread_bit(static_cast<ThreadId>(t));
        continue;
      }
      cuts.push_back(threads[t].lo);
      cuts.push_back(threads[t].hi);
    }
    narrow_ = any != all_threads(threads.size());
    reduce_ = reduce && narrow_;
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    // segment i: [bounds_[i], bounds_[i + 1]), the last one to the end of memory
    for (Pfn c : cuts) {
      ThreadMask m = any;
      for (std::size_t t = 0; t < threads.size(); ++t)
        if (!threads[t].any && threads[t].lo <= c && c < threads[t].hi) m |= thread_bit(static_cast<ThreadId>(t));
      bounds_.push_back(c);
      masks_.push_back(m);
    }
    last_.assign(threads.size(), Last{});
  }
  // Whether some thread's declaration is narrower than every page (else
  // nothing is private and nothing needs checking).
  bool narrow() const { return narrow_; }
  bool reduce() const { return reduce_; }
  const Reach& reach(ThreadId t) const { return reach_[t]; }

  enum class Access : std::uint8_t { Shared, Private, Outside };
  // Thread t touching [lo, hi): Outside if its declaration leaves out a page
  // of it, else Private if no other thread may touch any of them. Inline for
  // the common case: within the segment of the thread's last access.
  Access access(ThreadId t, Pfn lo, Pfn hi) {
    const Last& c = last_[t];
    if (lo >= c.lo && hi <= c.hi) return c.access;
    return access_slow(t, lo, hi);
  }

 private:
  Access classify(ThreadId t, std::size_t segment) const {
    const ThreadMask me = thread_bit(t);
    return !(masks_[segment] & me) ? Access::Outside : masks_[segment] & beside_[t] ? Access::Shared : Access::Private;
  }
  Access access_slow(ThreadId t, Pfn lo, Pfn hi) {
    std::size_t i = std::size_t(std::upper_bound(bounds_.begin(), bounds_.end(), lo) - bounds_.begin()) - 1;
    const Pfn end = i + 1 < bounds_.size() ? bounds_[i + 1] : ~Pfn(0);
    if (hi <= end) {  // within one segment: remembered for the next access
      last_[t] = {bounds_[i], end, classify(t, i)};
      return last_[t].access;
    }
    bool shared = false;
    for (; i < bounds_.size() && bounds_[i] < hi; ++i) {
      const Access a = classify(t, i);
      if (a == Access::Outside) return a;
      shared |= a == Access::Shared;
    }
    return shared ? Access::Shared : Access::Private;
  }
  static ThreadMask all_threads(std::size_t n) { return n >= 64 ? ~ThreadMask(0) : (ThreadMask(1) << n) - 1; }
  std::vector<Reach> reach_;
  std::vector<ThreadMask> beside_;  // by thread: the others that may run while it runs
  std::vector<Pfn> bounds_;
  std::vector<ThreadMask> masks_;  // by segment: the threads that may touch it
  struct Last {                    // by thread: the segment of its last access, [lo, hi), and what it is to the thread
    Pfn lo = 1, hi = 0;
    Access access = Access::Shared;
  };
  std::vector<Last> last_;
  bool narrow_ = false, reduce_ = false;
};

}  // namespace mhp
