// A word of kernel state per subsection (the iomem resource owner, the
// pgmap_array XArray entry): the objects of one ObjectRegistry range, their
// values now and at boot. A Cell per subsection (id, value, boot value: 24
// bytes) made the real geometry's two tables 300 MiB to zero-fill and fault
// in per machine; the ids are the range's, so only the values are stored,
// as 32-bit integers (owners and pgmap indices are small).
#pragma once
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "model/engine/event.hpp"
#include "model/support/spare_storage.hpp"

namespace mhp {

class SubsectionCells {
 public:
  using Value = std::int32_t;
  SubsectionCells() : v_(spare::take<Value>()) {}
  ~SubsectionCells() { spare::give(v_); }
  SubsectionCells(const SubsectionCells&) = delete;
  SubsectionCells& operator=(const SubsectionCells&) = delete;
  // n cells, objects [first, first + n), every value 0 now and at boot.
  void init(ObjId first, std::uint64_t n) {
    first_ = first;
    v_.assign(n, 0);
    initial_.clear();
  }
  std::uint64_t size() const { return v_.size(); }
  ObjId id(std::uint64_t i) const { return first_ + i; }
  std::int64_t v(std::uint64_t i) const { return v_[i]; }
  void set(std::uint64_t i, std::int64_t v) { v_[i] = narrow(v); }
  // The boot value: stored up to the last cell whose boot value is not 0
  // (boot RAM starts at pfn 0), the rest of the table boots as 0.
  void set_initial(std::uint64_t i, std::int64_t v) {
    if (i >= initial_.size()) {
      if (v == 0) return;
      initial_.resize(i + 1, 0);
    }
    initial_[i] = narrow(v);
  }
  // Every value back to its boot value.
  void reset() {
    std::copy(initial_.begin(), initial_.end(), v_.begin());
    std::fill(v_.begin() + std::ptrdiff_t(initial_.size()), v_.end(), 0);
  }

 private:
  static Value narrow(std::int64_t v) {
    if (v != Value(v)) throw std::out_of_range("subsection cell value out of range");
    return Value(v);
  }
  ObjId first_ = 0;
  std::vector<Value> v_;
  std::vector<Value> initial_;  // [0, size): boot values; beyond: 0
};

}  // namespace mhp
