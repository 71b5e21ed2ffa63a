// Storage of large vectors that a finished machine leaves to the next one
// built on the same thread. A command runs machines one after another (the
// checked run, the timing run, the speedup_over run, each side of a diff);
// at the real geometry each one's event list, memmap chunk table,
// per-subsection tables and race shadows are tens to hundreds of MiB, and
// fresh memory costs a page fault for every 4 KiB the kernel zeroes and maps.
// Taken back, it is already mapped. Only the storage is passed on: a taken
// vector is empty.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

namespace mhp::spare {

// Smaller vectors are left to malloc, which reuses their memory anyway.
inline constexpr std::size_t kMinBytes = std::size_t(1) << 20;
// Spares kept per element type and thread (a machine has two per-subsection tables).
inline constexpr std::size_t kKeep = 2;

template <class T>
std::vector<std::vector<T>>& shelf() {
  thread_local std::vector<std::vector<T>> s;
  return s;
}

// An empty vector: the largest spare of T's storage, if any.
template <class T>
std::vector<T> take() {
  auto& s = shelf<T>();
  std::vector<T> v;
  if (s.empty()) return v;
  auto best = std::max_element(
      s.begin(), s.end(), [](const std::vector<T>& a, const std::vector<T>& b) { return a.capacity() < b.capacity(); });
  v.swap(*best);
  s.erase(best);
  v.clear();
  return v;
}

// Keeps v's storage (v is left empty) if it is large, in place of the
// smallest spare when the shelf is full.
template <class T>
void give(std::vector<T>& v) {
  if (v.capacity() * sizeof(T) < kMinBytes) return;
  auto& s = shelf<T>();
  v.clear();
  if (s.size() < kKeep) {
    s.push_back(std::move(v));
    v = std::vector<T>();
    return;
  }
  auto worst = std::min_element(
      s.begin(), s.end(), [](const std::vector<T>& a, const std::vector<T>& b) { return a.capacity() < b.capacity(); });
  if (worst->capacity() < v.capacity()) worst->swap(v);
}

}  // namespace mhp::spare
