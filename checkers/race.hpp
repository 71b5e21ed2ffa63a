// Data races with exact happens-before (vector clocks; every read kept per
// thread, so no access that could race is evicted). Edges come from the
// Acquire/Release events of every primitive and from release/acquire-marked
// accesses. A race needs two accesses from different threads to one field,
// at least one a write and at least one plain (KCSAN's rule: a pair of
// marked accesses is intended concurrency), with neither ordered before the other.
#pragma once
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "checkers/checker.hpp"
#include "model/engine/obj_table.hpp"
#include "checkers/vector_clock.hpp"

namespace mhp {

class RaceChecker final : public Checker {
 public:
  explicit RaceChecker(const Execution& ex) : Checker(ex) {
    shadow_.direct(ex.objects().size());
    sync_.direct(ex.objects().size());
  }
  void on_event(const Event& ev) override;
  std::uint32_t kinds() const override {
    return kind_bit(EvKind::Read) | kind_bit(EvKind::Write) | kind_bit(EvKind::Acquire) | kind_bit(EvKind::Release) |
           kind_bit(EvKind::SeqBegin) | kind_bit(EvKind::SeqRetry);
  }

 private:
  struct Shadow {
    bool has_write = false;
    ThreadId w_thread = 0;
    std::uint32_t w_epoch = 0, w_event = 0;
    Access w_access = Access::Plain;
    VectorClock released;  // clock published by a release-marked write
    std::array<std::uint32_t, kMaxThreads> r_epoch{};  // 0: no read since last write
    std::array<std::uint32_t, kMaxThreads> r_event{};
    std::array<Access, kMaxThreads> r_access{};
  };
  struct SyncClocks {
    VectorClock exclusive, shared;
  };
  void reset() override;
  // The shadow of obj; a new one has no write and no reads (its other
  // fields are read only behind those, so they need no zeroing). All 16
  // read epochs are zeroed: 64 bytes of inline stores cost less than a
  // memset call for the execution's few threads.
  Shadow& shadow(ObjId obj) {
    return shadow_.get(obj, [](Shadow& sh) {
      sh.has_write = false;
      sh.r_epoch = {};
    });
  }
  // Out of line and cold: the per-access path stays small.
  [[gnu::cold, gnu::noinline]] void report(const Event& earlier, const Event& later);
  [[gnu::cold, gnu::noinline]] void unvalidated(const Event& use, const Event& retry);
  void read(const Event& ev, bool commit_later);
  // Seqcount read sections (seqlock.h semantics): reads inside one are
  // speculative until read_seqretry() says the section stands; a retried
  // section's reads are discarded, a standing one's are checked then,
  // including against writes that slipped in without bumping the sequence.
  // A store made inside a section that then retries published a value the
  // retry had not validated yet: reported as its own kind, "seqcount".
  struct Speculative {
    bool active = false;
    std::vector<std::uint32_t> reads;  // event indices
    std::int64_t use = -1;             // first store inside the section
  };
  std::array<Speculative, kMaxThreads> spec_{};
  std::array<VectorClock, kMaxThreads> clock_{};
  unsigned n_ = kMaxThreads;  // threads of this execution: clocks and reads beyond are zero
  ObjTable<Shadow> shadow_;
  ObjTable<SyncClocks> sync_;
  // report()'s finding keys by (object, earlier top frame, later top frame), across executions
  std::map<std::tuple<ObjId, FnId, FnId>, std::string> keys_;
};

}  // namespace mhp
