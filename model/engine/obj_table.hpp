// A map from a 64-bit id (ObjId, or any key) looked up on every event or
// frame: open addressing with Fibonacci hashing instead of unordered_map's
// modulo and node chase, and a generation per slot so that forgetting every
// entry between executions costs nothing (a slot of an older generation is free).
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "model/engine/event.hpp"
#include "model/support/spare_storage.hpp"

namespace mhp {

template <class T>
class ObjTable {
 public:
  // The entries' storage comes from and goes back to the thread's spares:
  // a real geometry's race shadows are hundreds of MiB.
  ObjTable() : vals_(spare::take<T>()) {}
  ~ObjTable() { spare::give(vals_); }
  ObjTable(ObjTable&&) = default;
  ObjTable& operator=(ObjTable&&) = default;
  // The entry of obj, a fresh T{} if it has none in this generation.
  // References stay valid until the next insertion.
  T& operator[](ObjId obj) {
    return get(obj, [](T& v) { v = T{}; });
  }
  // The same, with fresh(T&) making a new entry's value (the storage may hold
  // an entry of an older generation): for a T that is costly to zero whole.
  // The direct part inline (a call's register saves cost as much as the
  // lookup), the hashed part out of line.
  template <class Fresh>
  [[gnu::always_inline]] T& get(ObjId obj, Fresh fresh) {
    if (obj < direct_n_) {
      Direct& d = direct_[obj];
      if (d.gen != gen_) {
        d.gen = gen_;
        fresh(d.val);
      }
      return d.val;
    }
    return get_hashed(obj, fresh);
  }
  template <class Fresh>
  [[gnu::noinline]] T& get_hashed(ObjId obj, Fresh fresh) {
    Slot* s = probe(obj);
    if (s->gen == gen_) return vals_[s->idx];
    if ((used_ + 1) * 2 > slots_.size()) {
      grow();
      s = probe(obj);
    }
    s->obj = obj;
    s->gen = gen_;
    s->idx = used_++;
    if (s->idx == vals_.size()) vals_.emplace_back();
    fresh(vals_[s->idx]);
    return vals_[s->idx];
  }
  T* find(ObjId obj) {
    if (obj < direct_n_) return direct_[obj].gen == gen_ ? &direct_[obj].val : nullptr;
    Slot* s = probe(obj);
    return s->gen == gen_ ? &vals_[s->idx] : nullptr;
  }
  // Keys below n get an entry of their own, value inline, reached without
  // hashing, probing or an index: the small machines have a few hundred
  // objects (ObjectRegistry::size()), looked up on every event. Only while
  // that costs at most 1 MiB (the real geometry has billions of objects);
  // larger keys stay in the hashed part. Only on an empty table.
  void direct(ObjId n) {
    if (n * sizeof(Direct) <= (1u << 20)) {
      direct_ = std::vector<Direct>(n);
      direct_n_.n = n;
    }
  }
  // Forgets every entry; their storage stays for the next generation.
  void clear() {
    used_ = 0;
    if (++gen_ == 0) {  // generations wrapped: free every slot by hand
      for (Slot& s : slots_) s.gen = 0;
      for (Direct& d : direct_) d.gen = 0;
      gen_ = 1;
    }
  }

 private:
  // 16 bytes a slot, the values packed apart: at half load a large T (a
  // race shadow) would otherwise cost its size twice or more per entry.
  struct Slot {
    ObjId obj = 0;
    std::uint32_t gen = 0;
    std::uint32_t idx = 0;  // into vals_
  };
  struct Direct {
    std::uint32_t gen = 0;
    T val{};
  };
  // The slot holding obj, or the free slot where it would go.
  Slot* probe(ObjId obj) {
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = (obj * 0x9e3779b97f4a7c15ULL) >> shift_;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.gen != gen_ || s.obj == obj) return &s;
    }
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_ = std::vector<Slot>(old.size() * 2);
    --shift_;
    for (const Slot& o : old)
      if (o.gen == gen_) *probe(o.obj) = o;
  }
  std::vector<Slot> slots_ = std::vector<Slot>(64);
  std::vector<Direct> direct_;  // keys below its size, by key
  // direct_.size(), kept: no division by sizeof(Direct) per lookup; zero
  // in a table moved from, as its direct_ is
  struct Size {
    ObjId n = 0;
    Size() = default;
    Size(Size&& o) noexcept : n(std::exchange(o.n, 0)) {}
    Size& operator=(Size&& o) noexcept {
      n = std::exchange(o.n, 0);
      return *this;
    }
    operator ObjId() const { return n; }
  } direct_n_;
  std::vector<T> vals_;      // [0, used_) are this generation's entries
  unsigned shift_ = 64 - 6;  // log2(slots_.size()) high bits of the product
  std::uint32_t gen_ = 1;
  std::uint32_t used_ = 0;
};

}  // namespace mhp
