// Names of the things events refer to. Objects are allocated in ranges (all
// struct page fields of a memmap form one range) so that a machine with many
// pages costs one entry, and a report can still say "page->flags of pfn 0x12".
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/engine/event.hpp"

namespace mhp {

class ObjectRegistry {
 public:
  using Describe = std::function<std::string(std::uint64_t offset)>;
  // Stable "class" name used in finding keys (no pfns, no counters): e.g.
  // "page->flags" for every page's flags field.
  using ClassOf = std::function<std::string(std::uint64_t offset)>;

  ObjId add(std::string name) { return add(name, name); }
  // One object with a report name and a class name (the key name, no indices).
  ObjId add(const std::string& name, const std::string& cls) {
    return add_range(
        1, [name](std::uint64_t) { return name; }, [cls](std::uint64_t) { return cls; });
  }
  // granule > 1: the range is made of records of `granule` objects that one
  // store may change together (a poisoned or freed struct page changes every
  // field though the event names one), so schedulers that reason about
  // commuting steps must treat a record as one object: see conflict_key().
  ObjId add_range(std::uint64_t count, Describe describe, ClassOf cls, std::uint64_t granule = 1) {
    ObjId first = next_;
    ranges_.push_back({first, count, std::move(describe), std::move(cls)});
    if (granule > 1) grouped_.push_back({first, count, granule, (granule & (granule - 1)) == 0 ? granule - 1 : 0});
    next_ += count;
    return first;
  }
  // The object that stands for id when deciding whether two steps commute:
  // the first field of its record, or id itself.
  ObjId conflict_key(ObjId id) const {
    for (const Grouped& g : grouped_)
      if (id - g.first < g.count) return id - (g.mask ? (id - g.first) & g.mask : (id - g.first) % g.granule);
    return id;
  }
  // A reader-writer lock whose read-side releases commute with each other
  // and with read-side acquires (percpu_rwsem, rwlock, kernfs active
  // references): the race checker orders a shared release only before an
  // exclusive acquire, and no reader's progress depends on another reader's
  // unlock, so dpor may take two readers' sections in either order.
  void mark_readers_commute(ObjId id) {
    readers_commute_.insert(std::upper_bound(readers_commute_.begin(), readers_commute_.end(), id), id);
  }
  bool readers_commute(ObjId id) const {
    return std::binary_search(readers_commute_.begin(), readers_commute_.end(), id);
  }
  // What a wait for the object is, for dfs (dfs.hpp, "Waits"): a mutex,
  // whose waiter can go first only by taking it before the holder did, or a
  // completion that only complete_all() completes, whose waiter can never go
  // before it. Other objects' waits are ordinary transitions.
  enum class Wait : std::uint8_t { None, Mutex, CompletionAll };
  void mark_wait(ObjId id, Wait w) {
    auto it = std::lower_bound(waits_.begin(), waits_.end(), std::pair<ObjId, Wait>{id, Wait::None});
    waits_.insert(it, {id, w});
  }
  Wait wait_of(ObjId id) const {
    auto it = std::lower_bound(waits_.begin(), waits_.end(), std::pair<ObjId, Wait>{id, Wait::None});
    return it != waits_.end() && it->first == id ? it->second : Wait::None;
  }
  // How an event touches its object for dpor and the coverage hash:
  // touch_of(), with the read-side release of such a lock a read, and so
  // the wait for a completion only complete_all() completes.
  Touch touch(const Event& ev) const {
    return touch_marked(ev, ev.kind == EvKind::Release && readers_commute(ev.obj),
                        ev.kind == EvKind::Acquire && wait_of(ev.obj) == Wait::CompletionAll);
  }
  // The same with the object's two marks given, for a caller that keeps
  // them in a table of its own (the coverage hash).
  static Touch touch_marked(const Event& ev, bool readers_commute, bool task_exit) {
    if (ev.kind == EvKind::Release && ev.mode == std::uint8_t(SyncSide::Shared) && readers_commute) return Touch::Read;
    // waits for a task's exit take nothing: its waiters commute
    if (ev.kind == EvKind::Acquire && task_exit) return Touch::Read;
    return touch_of(ev.kind, ev.mode);
  }
  std::string describe(ObjId id) const {
    const Range* r = find(id);
    return r ? r->describe(id - r->first) : "obj#" + std::to_string(id);
  }
  std::string class_of(ObjId id) const {
    const Range* r = find(id);
    return r ? r->cls(id - r->first) : "obj";
  }
  ObjId size() const { return next_; }

 private:
  struct Range {
    ObjId first;
    std::uint64_t count;
    Describe describe;
    ClassOf cls;
  };
  const Range* find(ObjId id) const {
    std::size_t lo = 0, hi = ranges_.size();
    while (lo < hi) {
      std::size_t mid = (lo + hi) / 2;
      if (ranges_[mid].first + ranges_[mid].count <= id)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo < ranges_.size() && ranges_[lo].first <= id) return &ranges_[lo];
    return nullptr;
  }
  struct Grouped {
    ObjId first;
    std::uint64_t count, granule;
    std::uint64_t mask;  // granule - 1 for a power of two (struct page: 4 fields), else 0: no division per event
  };
  std::vector<Range> ranges_;
  std::vector<Grouped> grouped_;               // few: the memmap
  std::vector<ObjId> readers_commute_;         // sorted; few: the reader-writer locks
  std::vector<std::pair<ObjId, Wait>> waits_;  // sorted; the mutexes and task completions
  ObjId next_ = 1;                             // 0 is "no object"
};

}  // namespace mhp
