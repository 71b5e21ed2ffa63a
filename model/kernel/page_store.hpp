// The memmap's contents, range-compressed: struct page fields and per-pfn
// model metadata (init state, initialised-field mask, the event that last
// allocated, poisoned or freed the memmap) for every pfn of the machine.
//
// Pfns are grouped in chunks of one subsection (a pageblock in the real
// geometry). A chunk whose pfns all hold the same record stores it once;
// a mixed chunk keeps a short list of runs. Records are interned, and a
// compound page's head is stored as a distance, so the long uniform ranges
// hotplug creates cost a few bytes per 2 MiB: a machine with 4 nodes x 3 TiB
// of device memory fits in well under 1 GiB (docs/PERFORMANCE.md).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "model/kernel/geometry.hpp"
#include "model/kernel/page.hpp"

namespace mhp {

struct PageRecord {
  std::array<std::int64_t, kPageFields> v{};  // CompoundHead as stored: distance to the head + 1, 0 if none
  PageState state = PageState::Absent;
  std::uint8_t init = 0;
  bool operator==(const PageRecord& o) const { return v == o.v && state == o.state && init == o.init; }
};

class PageStore {
 public:
  PageStore(Pfn nr_pfns, std::uint32_t chunk_pages);
  ~PageStore();
  PageStore(const PageStore&) = delete;
  PageStore& operator=(const PageStore&) = delete;
  void fill(Pfn lo, Pfn hi, const PageRecord& r, std::int64_t alloc_ev);  // every pfn gets r
  // The same with r's id: a caller that fills the same few records every
  // execution (boot memmap, poisoning) interns them once. Ids are never reused.
  std::uint32_t id_of(const PageRecord& r) { return intern(r); }
  void fill_id(Pfn lo, Pfn hi, std::uint32_t id, std::int64_t alloc_ev) {
    update_ids(
        lo, hi, [id](std::uint32_t) { return id; }, alloc_ev);
  }
  void clear();  // all ABSENT

  PageRecord get(Pfn pfn) const;
  PageState state(Pfn pfn) const { return rec(pfn).state; }
  std::uint8_t init_mask(Pfn pfn) const { return rec(pfn).init; }
  std::int64_t alloc_event(Pfn pfn) const;
  std::int64_t value(Pfn pfn, PageField f) const;
  // The shadow's verdict on an access, which the stale-page checker would
  // otherwise work out again per event (kEvPageSuspect when false): a load
  // of f is clean if f was initialised, the page is no device page at
  // refcount 0 (which may be an idle one) and f is not page->pgmap still
  // holding a list pointer (v4.19's page->lru alias); a store is clean if
  // pfn's memmap exists or was never allocated. A load gives the value and
  // the verdict from one record lookup.
  std::int64_t load(Pfn pfn, PageField f, bool& clean_out) const {
    const PageRecord& r = rec(pfn);
    clean_out = clean(r, f);
    return loaded(pfn, f, r.v[unsigned(f)]);
  }
  bool clean_store(Pfn pfn) const {
    auto [id, alloc] = at(pfn);
    return table_[id].state != PageState::Absent || alloc < 0;
  }

  // Range updates: fn(PageRecord&) applied to every pfn of [lo, hi).
  template <class Fn>
  void update(Pfn lo, Pfn hi, Fn fn, std::int64_t alloc_ev = kKeep);
  // Inline for the memmap init loop's store of one field of one pfn of a
  // small machine (one-pfn chunks): the record's transition is memoised.
  void set_value(Pfn lo, Pfn hi, PageField f, std::int64_t v, bool init) {
    if (cp_ == 1 && hi == lo + 1 && f != PageField::CompoundHead) {
      std::uint32_t& rec = chunks_[lo].rec;
      rec = with_field(rec, f, v, init);
      return;
    }
    set_values(lo, hi, f, v, init);
  }
  // Adds delta to every pfn's own refcount; returns how many reached zero.
  Pfn add_refcount(Pfn lo, Pfn hi, std::int64_t delta);
  void set_state(Pfn lo, Pfn hi, PageState s) {
    update_ids(
        lo, hi, [&](std::uint32_t id) { return with_state(id, s); }, kKeep);
  }

  std::size_t records() const { return table_.size(); }
  std::size_t mixed_chunks() const { return runs_.size() - free_runs_.size(); }
  static constexpr std::int64_t kKeep = INT64_MIN;

 private:
  struct Run {
    std::uint32_t start;  // offset in the chunk
    std::uint32_t rec;
    std::int64_t alloc;
  };
  struct Chunk {
    std::int64_t alloc = -1;
    std::uint32_t rec = 0;
    std::uint32_t runs = 0;  // 1 + index into runs_ when mixed
  };
  static std::uint64_t hash(const PageRecord& r);
  std::uint32_t intern(const PageRecord& r);
  // update() on record ids: xform(id) gives the id every pfn holding id gets.
  template <class Xform>
  void update_ids(Pfn lo, Pfn hi, Xform xform, std::int64_t alloc_ev);
  void set_values(Pfn lo, Pfn hi, PageField f, std::int64_t v, bool init);
  // The record id + field store -> record id, memoised (ids are never reused):
  // the memo's hit inline, a miss out of line.
  static std::size_t memo_slot(std::uint32_t id, unsigned what, std::int64_t v, bool init) {
    std::uint64_t h = (std::uint64_t(id) * 0x9e3779b97f4a7c15ULL) ^ (std::uint64_t(v) * 0xff51afd7ed558ccdULL) ^
                      (what << 1 | unsigned(init));
    return (h ^ (h >> 32)) % kMemo;
  }
  std::uint32_t with_field(std::uint32_t id, PageField f, std::int64_t v, bool init) {
    const Transition& t = memo_[memo_slot(id, unsigned(f), v, init)];
    if (t.from == id && t.v == v && t.field == std::uint8_t(f) && t.init == init) return t.to;
    return with_field_miss(id, f, v, init);
  }
  [[gnu::noinline]] std::uint32_t with_field_miss(std::uint32_t id, PageField f, std::int64_t v, bool init);
  std::uint32_t with_state(std::uint32_t id, PageState s);  // the same for the init state
  void rehash(std::size_t n);
  void expand(Chunk& c);
  void compact(Chunk& c);
  void set_pfn(Chunk& c, std::uint32_t off, std::uint32_t rec, std::int64_t alloc);
  std::pair<std::uint32_t, std::int64_t> at(const Chunk& c, std::uint32_t off) const;
  // The (record, alloc event) of pfn: one-pfn chunks need no division.
  std::pair<std::uint32_t, std::int64_t> at(Pfn pfn) const {
    if (cp_ == 1) return {chunks_[pfn].rec, chunks_[pfn].alloc};
    return at(chunks_[pfn / cp_], std::uint32_t(pfn % cp_));
  }
  const PageRecord& rec(Pfn pfn) const { return table_[at(pfn).first]; }
  static bool clean(const PageRecord& r, PageField f) {
    const std::int64_t v = r.v[unsigned(f)];
    return (r.init >> unsigned(f) & 1) &&
           !(r.state == PageState::DevReady && r.v[unsigned(PageField::Refcount)] == 0) &&
           !(f == PageField::Pgmap && (v == kLruSelf || v == kListPoison));
  }
  static std::int64_t stored(Pfn pfn, PageField f, std::int64_t v);
  static std::int64_t loaded(Pfn pfn, PageField f, std::int64_t v) {
    if (f != PageField::CompoundHead || v <= 0) return v;
    return std::int64_t(pfn) - (v - 1) + 1;
  }

  Pfn nr_;
  std::uint32_t cp_;
  std::vector<Chunk> chunks_;
  std::vector<std::vector<Run>> runs_;
  std::vector<std::uint32_t> free_runs_;
  std::vector<PageRecord> table_;
  // table_ index + 1 per slot (0: empty), open addressing: every store interns
  // a record, and after the first executions every intern is a hit.
  std::vector<std::uint32_t> index_;
  // with_field()'s memo, direct-mapped: the memmap init loop stores the same
  // few values into the same few records every execution.
  struct Transition {
    std::uint32_t from = UINT32_MAX, to = 0;
    std::int64_t v = 0;
    std::uint8_t field = 0;  // kPageFields: a state change, v the new PageState
    bool init = false;
  };
  static constexpr std::size_t kMemo = 256;
  std::array<Transition, kMemo> memo_{};
};

template <class Fn>
void PageStore::update(Pfn lo, Pfn hi, Fn fn, std::int64_t alloc_ev) {
  update_ids(
      lo, hi,
      [&](std::uint32_t id) {
        PageRecord r = table_[id];
        fn(r);
        return intern(r);
      },
      alloc_ev);
}

template <class Xform>
void PageStore::update_ids(Pfn lo, Pfn hi, Xform xform, std::int64_t alloc_ev) {
  if (cp_ == 1) {  // one-pfn chunks (small memmaps): always uniform, a flat array
    for (Pfn p = lo; p < hi; ++p) {
      Chunk& c = chunks_[p];
      c.rec = xform(c.rec);
      if (alloc_ev != kKeep) c.alloc = alloc_ev;
    }
    return;
  }
  Pfn p = lo;
  while (p < hi) {
    Pfn ci = p / cp_;
    Chunk& c = chunks_[ci];
    Pfn cs = ci * cp_, ce = std::min<Pfn>(cs + cp_, nr_);
    Pfn e = std::min(hi, ce);
    if (p == cs && e == ce && !c.runs) {  // whole uniform chunk: one record change
      c.rec = xform(c.rec);
      if (alloc_ev != kKeep) c.alloc = alloc_ev;
    } else {
      for (Pfn q = p; q < e; ++q) {
        auto [rec, alloc] = at(c, std::uint32_t(q - cs));
        set_pfn(c, std::uint32_t(q - cs), xform(rec), alloc_ev == kKeep ? alloc : alloc_ev);
      }
      compact(c);
    }
    p = e;
  }
}

}  // namespace mhp
