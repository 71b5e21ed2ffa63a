// Trace signatures by schedule. An execution is a function of its schedule
// (the threads chosen where more than one could run; what `mhpsim replay`
// relies on), so an execution whose schedule ran before has that run's
// Foata signature, and the walk over its events can be skipped. Random, PCT
// and POS runs of a small scenario repeat schedules often (S1: 664 distinct
// schedules in 5,000 executions); a dfs run never does, so the memo stops
// looking once it has missed far more often than it hit.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "model/engine/event.hpp"
#include "model/engine/obj_table.hpp"

namespace mhp {

class ScheduleMemo {
 public:
  // The signature of the execution that ran `choices`: compute() once per
  // distinct schedule (or on every call, once the memo gave up or is full).
  template <class Compute>
  std::uint64_t get(const std::vector<ThreadId>& choices, Compute compute) {
    if (off_) return compute();
    std::uint64_t h = hash(choices);
    if (Entry* e = by_hash_.find(h)) {
      if (same(*e, choices)) {
        ++hits_;
        return e->sig;
      }
      return compute();  // another schedule with this hash: not remembered
    }
    std::uint64_t sig = compute();
    if (++misses_ > kTrial && misses_ > 4 * hits_) off_ = true;  // (dfs: every schedule is new)
    if (bytes_.size() + choices.size() <= kMaxBytes) {
      by_hash_[h] = {static_cast<std::uint32_t>(bytes_.size()), static_cast<std::uint32_t>(choices.size()), sig};
      bytes_.insert(bytes_.end(), choices.begin(), choices.end());
    }
    return sig;
  }

 private:
  struct Entry {
    std::uint32_t off = 0, len = 0;  // the schedule, in bytes_
    std::uint64_t sig = 0;
  };
  static constexpr std::uint64_t kTrial = 1024;       // misses before the memo may give up
  static constexpr std::size_t kMaxBytes = 4u << 20;  // schedules kept, per Machine
  bool same(const Entry& e, const std::vector<ThreadId>& c) const {
    return e.len == c.size() && (c.empty() || std::memcmp(bytes_.data() + e.off, c.data(), c.size()) == 0);
  }
  // Eight choices per multiply: a schedule is tens to hundreds of choices.
  static std::uint64_t hash(const std::vector<ThreadId>& c) {
    std::uint64_t h = c.size() * 0x9e3779b97f4a7c15ULL;
    std::size_t i = 0;
    for (; i + 8 <= c.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, c.data() + i, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdULL;
      h ^= h >> 29;
    }
    std::uint64_t w = 0;
    for (; i < c.size(); ++i) w = w << 8 | c[i];
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 32);
  }
  ObjTable<Entry> by_hash_;  // never cleared: the memo lives as long as its Machine
  std::vector<ThreadId> bytes_;
  std::uint64_t hits_ = 0, misses_ = 0;
  bool off_ = false;
};

}  // namespace mhp
