#include "model/kernel/page_store.hpp"

namespace mhp {

std::size_t PageStore::Hash::operator()(const PageRecord& r) const {
  std::uint64_t h = 1469598103934665603ull ^ (std::uint64_t(r.state) << 8 | r.init);
  for (auto x : r.v) h = (h ^ std::uint64_t(x)) * 1099511628211ull;
  return std::size_t(h);
}

PageStore::PageStore(Pfn nr, std::uint32_t cp) : nr_(nr), cp_(cp), chunks_((nr + cp - 1) / cp) {
  intern(PageRecord{});  // record 0: ABSENT, all zero
}

std::uint32_t PageStore::intern(const PageRecord& r) {
  auto it = index_.find(r);
  if (it != index_.end()) return it->second;
  table_.push_back(r);
  auto id = std::uint32_t(table_.size() - 1);
  index_.emplace(r, id);
  return id;
}

void PageStore::clear() {
  for (auto& c : chunks_) c = Chunk{};
  runs_.clear();
  free_runs_.clear();
}

void PageStore::fill(Pfn lo, Pfn hi, const PageRecord& r, std::int64_t alloc_ev) {
  update(lo, hi, [&](PageRecord& x) { x = r; }, alloc_ev);
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
  Run old = rs[i];
  std::vector<Run> repl;
  if (old.start < off) repl.push_back({old.start, old.rec, old.alloc});
  repl.push_back({off, rec, alloc});
  if (off + 1 < end) repl.push_back({off + 1, old.rec, old.alloc});
  rs.erase(rs.begin() + long(i));
  rs.insert(rs.begin() + long(i), repl.begin(), repl.end());
}

void PageStore::compact(Chunk& c) {
  if (!c.runs) return;
  auto& rs = runs_[c.runs - 1];
  std::vector<Run> out;
  for (const Run& r : rs)
    if (out.empty() || out.back().rec != r.rec || out.back().alloc != r.alloc) out.push_back(r);
  if (out.size() == 1) {  // uniform again
    c.rec = out[0].rec;
    c.alloc = out[0].alloc;
    free_runs_.push_back(c.runs - 1);
    rs.clear();
    c.runs = 0;
    return;
  }
  rs = std::move(out);
}

PageRecord PageStore::get(Pfn pfn) const {
  const Chunk& c = chunks_[pfn / cp_];
  PageRecord r = table_[at(c, std::uint32_t(pfn % cp_)).first];
  r.v[unsigned(PageField::CompoundHead)] = loaded(pfn, PageField::CompoundHead, r.v[unsigned(PageField::CompoundHead)]);
  return r;
}

std::int64_t PageStore::alloc_event(Pfn pfn) const { return at(chunks_[pfn / cp_], std::uint32_t(pfn % cp_)).second; }

std::int64_t PageStore::value(Pfn pfn, PageField f) const {
  const Chunk& c = chunks_[pfn / cp_];
  return loaded(pfn, f, table_[at(c, std::uint32_t(pfn % cp_)).first].v[unsigned(f)]);
}

// A tail's compound_head is stored as its distance to the head (+1), so all
// tails of aligned compound pages share a record; poison (-1) is kept as is.
std::int64_t PageStore::stored(Pfn pfn, PageField f, std::int64_t v) {
  if (f != PageField::CompoundHead || v <= 0) return v;
  return std::int64_t(pfn) - (v - 1) + 1;
}
std::int64_t PageStore::loaded(Pfn pfn, PageField f, std::int64_t v) {
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

void PageStore::set_value(Pfn lo, Pfn hi, PageField f, std::int64_t v, bool init) {
  if (f == PageField::CompoundHead && v > 0) {  // per pfn: the stored distance differs
    for (Pfn p = lo; p < hi; ++p) {
      std::int64_t s = stored(p, f, v);
      update(p, p + 1, [&](PageRecord& r) {
        r.v[unsigned(f)] = s;
        if (init) r.init |= std::uint8_t(1u << unsigned(f));
      });
    }
    return;
  }
  update(lo, hi, [&](PageRecord& r) {
    r.v[unsigned(f)] = v;
    if (init) r.init |= std::uint8_t(1u << unsigned(f));
  });
}

}  // namespace mhp
