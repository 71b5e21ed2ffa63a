#include "model/kernel/page_store.hpp"

#include "model/support/spare_storage.hpp"

namespace mhp {

std::uint64_t PageStore::hash(const PageRecord& r) {
  std::uint64_t h = std::uint64_t(r.state) << 8 | r.init;
  for (auto x : r.v) h = (h ^ std::uint64_t(x)) * 0x9e3779b97f4a7c15ull;
  return h ^ (h >> 29);
}

PageStore::PageStore(Pfn nr, std::uint32_t cp) : nr_(nr), cp_(cp), chunks_(spare::take<Chunk>()), index_(64, 0) {
  chunks_.resize((nr + cp - 1) / cp);
  intern(PageRecord{});  // record 0: ABSENT, all zero
}

PageStore::~PageStore() { spare::give(chunks_); }

std::uint32_t PageStore::intern(const PageRecord& r) {
  std::size_t mask = index_.size() - 1;
  for (std::size_t i = hash(r) & mask;; i = (i + 1) & mask) {
    std::uint32_t s = index_[i];
    if (!s) break;
    if (table_[s - 1] == r) return s - 1;
  }
  table_.push_back(r);
  auto id = std::uint32_t(table_.size() - 1);
  if (table_.size() * 2 > index_.size())
    rehash(index_.size() * 2);
  else {
    std::size_t i = hash(r) & mask;
    while (index_[i]) i = (i + 1) & mask;
    index_[i] = id + 1;
  }
  return id;
}

void PageStore::rehash(std::size_t n) {
  index_.assign(n, 0);
  for (std::uint32_t id = 0; id < table_.size(); ++id) {
    std::size_t i = hash(table_[id]) & (n - 1);
    while (index_[i]) i = (i + 1) & (n - 1);
    index_[i] = id + 1;
  }
}

void PageStore::clear() {
  for (auto& c : chunks_) c = Chunk{};
  // Every run list is free again; keep their storage for the next execution.
  free_runs_.clear();
  for (std::uint32_t i = 0; i < runs_.size(); ++i) {
    runs_[i].clear();
    free_runs_.push_back(i);
  }
}

void PageStore::fill(Pfn lo, Pfn hi, const PageRecord& r, std::int64_t alloc_ev) {
  fill_id(lo, hi, intern(r), alloc_ev);
}

std::pair<std::uint32_t, std::int64_t> PageStore::at(const Chunk& c, std::uint32_t off) const {
  if (!c.runs) return {c.rec, c.alloc};
  const auto& rs = runs_[c.runs - 1];
  std::size_t i = rs.size();
  while (i > 1 && rs[i - 1].start > off) --i;  // runs are few; scan from the end
  return {rs[i - 1].rec, rs[i - 1].alloc};
}

void PageStore::expand(Chunk& c) {
  if (c.runs) return;
  std::uint32_t slot;
  if (!free_runs_.empty()) {
    slot = free_runs_.back();
    free_runs_.pop_back();
  } else {
    runs_.emplace_back();
    slot = std::uint32_t(runs_.size() - 1);
  }
  runs_[slot] = {Run{0, c.rec, c.alloc}};
  c.runs = slot + 1;
}

void PageStore::set_pfn(Chunk& c, std::uint32_t off, std::uint32_t rec, std::int64_t alloc) {
  auto cur = at(c, off);
  if (cur.first == rec && cur.second == alloc) return;
  expand(c);
  auto& rs = runs_[c.runs - 1];
  std::size_t i = 0;
  while (i + 1 < rs.size() && rs[i + 1].start <= off) ++i;
  std::uint32_t end = i + 1 < rs.size() ? rs[i + 1].start : cp_;
  // Split run i in place into [start, off) [off] [off + 1, end), dropping empty parts.
  Run old = rs[i];
  bool before = old.start < off, after = off + 1 < end;
  if (!before)
    rs[i] = {off, rec, alloc};
  else
    rs.insert(rs.begin() + long(++i), Run{off, rec, alloc});
  if (after) rs.insert(rs.begin() + long(i + 1), Run{off + 1, old.rec, old.alloc});
}

void PageStore::compact(Chunk& c) {
  if (!c.runs) return;
  auto& rs = runs_[c.runs - 1];
  // merge neighbours with the same record in place (keeps the vector's storage)
  std::size_t n = 0;
  for (const Run& r : rs)
    if (n == 0 || rs[n - 1].rec != r.rec || rs[n - 1].alloc != r.alloc) rs[n++] = r;
  rs.resize(n);
  if (n == 1) {  // uniform again
    c.rec = rs[0].rec;
    c.alloc = rs[0].alloc;
    free_runs_.push_back(c.runs - 1);
    rs.clear();
    c.runs = 0;
  }
}

PageRecord PageStore::get(Pfn pfn) const {
  PageRecord r = rec(pfn);
  r.v[unsigned(PageField::CompoundHead)] = loaded(pfn, PageField::CompoundHead, r.v[unsigned(PageField::CompoundHead)]);
  return r;
}

std::int64_t PageStore::alloc_event(Pfn pfn) const { return at(pfn).second; }

std::int64_t PageStore::value(Pfn pfn, PageField f) const { return loaded(pfn, f, rec(pfn).v[unsigned(f)]); }

// A tail's compound_head is stored as its distance to the head (+1), so all
// tails of aligned compound pages share a record; poison (-1) is kept as is.
std::int64_t PageStore::stored(Pfn pfn, PageField f, std::int64_t v) {
  if (f != PageField::CompoundHead || v <= 0) return v;
  return std::int64_t(pfn) - (v - 1) + 1;
}

Pfn PageStore::add_refcount(Pfn lo, Pfn hi, std::int64_t delta) {
  Pfn zeros = 0;
  Pfn p = lo;
  while (p < hi) {  // per chunk: a uniform chunk is one record, a mixed one per pfn
    Pfn ci = p / cp_, cs = ci * cp_, e = std::min<Pfn>(hi, std::min<Pfn>(cs + cp_, nr_));
    Chunk& c = chunks_[ci];
    if (!c.runs && p == cs && e == std::min<Pfn>(cs + cp_, nr_)) {
      PageRecord r = table_[c.rec];
      r.v[unsigned(PageField::Refcount)] += delta;
      if (r.v[unsigned(PageField::Refcount)] == 0) zeros += e - p;
      c.rec = intern(r);
    } else {
      for (Pfn q = p; q < e; ++q) {
        auto [rec, alloc] = at(c, std::uint32_t(q - cs));
        PageRecord r = table_[rec];
        r.v[unsigned(PageField::Refcount)] += delta;
        if (r.v[unsigned(PageField::Refcount)] == 0) ++zeros;
        set_pfn(c, std::uint32_t(q - cs), intern(r), alloc);
      }
      compact(c);
    }
    p = e;
  }
  return zeros;
}

std::uint32_t PageStore::with_field_miss(std::uint32_t id, PageField f, std::int64_t v, bool init) {
  Transition& t = memo_[memo_slot(id, unsigned(f), v, init)];
  PageRecord r = table_[id];
  r.v[unsigned(f)] = v;
  if (init) r.init |= std::uint8_t(1u << unsigned(f));
  std::uint32_t to = intern(r);
  t = Transition{id, to, v, std::uint8_t(f), init};
  return to;
}

std::uint32_t PageStore::with_state(std::uint32_t id, PageState s) {
  Transition& t = memo_[memo_slot(id, kPageFields, std::int64_t(s), false)];
  if (t.from == id && t.v == std::int64_t(s) && t.field == kPageFields && !t.init) return t.to;
  PageRecord r = table_[id];
  r.state = s;
  std::uint32_t to = intern(r);
  t = Transition{id, to, std::int64_t(s), std::uint8_t(kPageFields), false};
  return to;
}

void PageStore::set_values(Pfn lo, Pfn hi, PageField f, std::int64_t v, bool init) {
  if (f == PageField::CompoundHead && v > 0) {  // per pfn: the stored distance differs
    for (Pfn p = lo; p < hi; ++p) {
      std::int64_t s = stored(p, f, v);
      update_ids(
          p, p + 1, [&](std::uint32_t id) { return with_field(id, f, s, init); }, kKeep);
    }
    return;
  }
  update_ids(
      lo, hi, [&](std::uint32_t id) { return with_field(id, f, v, init); }, kKeep);
}

}  // namespace mhp
