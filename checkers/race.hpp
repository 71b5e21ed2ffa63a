// Data races with exact happens-before (vector clocks; every read kept per
// thread, so no access that could race is evicted). Edges come from the
// Acquire/Release events of every primitive and from release/acquire-marked
// accesses. A race needs two accesses from different threads to one field,
// at least one a write and at least one plain (KCSAN's rule: a pair of
// marked accesses is intended concurrency), with neither ordered before the other.
#pragma once
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "checkers/checker.hpp"
#include "checkers/vector_clock.hpp"
#include "model/engine/obj_table.hpp"

namespace mhp {

class RaceChecker final : public Checker {
 public:
  explicit RaceChecker(const Execution& ex) : Checker(ex) {}
  void on_event(const Event& ev) override;
  std::uint32_t kinds() const override {
    return kind_bit(EvKind::Read) | kind_bit(EvKind::Write) | kind_bit(EvKind::Acquire) | kind_bit(EvKind::Release) |
           kind_bit(EvKind::SeqBegin) | kind_bit(EvKind::SeqRetry);
  }
  std::uint32_t private_kinds() const override { return 0; }  // no other thread touches that page

 private:
  // Clocks and read sets are W threads wide: 8 for an execution of at most
  // 8 threads, 16 for at most 16, kMaxThreads for more. A 64-wide shadow
  // would be four times the 16-wide one (about 850 bytes against 224), so a
  // small scenario's shadows would take four times the cache and fewer
  // objects would fit the direct table; the 8-wide one (120 bytes) halves a
  // real geometry's shadows (hundreds of MiB: one per chunk and field).
  static constexpr unsigned kSmall = 8, kNarrow = 16;
  template <unsigned W>
  struct Shadow {
    bool has_write = false;
    ThreadId w_thread = 0;
    std::uint32_t w_epoch = 0, w_event = 0;
    Access w_access = Access::Plain;
    ThreadMask readers = 0;                  // the threads with a read since the last write
    VectorClock<W> released;                 // clock published by a release-marked write
    std::array<std::uint32_t, W> r_epoch{};  // of a thread in readers
    std::array<std::uint32_t, W> r_event{};
    std::array<Access, W> r_access{};
  };
  template <unsigned W>
  struct SyncClocks {
    VectorClock<W> exclusive, shared;
  };
  template <unsigned W>
  struct Clocks {
    explicit Clocks(ObjId objects) {
      shadow.direct(objects);
      sync.direct(objects);
    }
    ObjTable<Shadow<W>> shadow;
    ObjTable<SyncClocks<W>> sync;
    std::array<VectorClock<W>, W> clock{};
  };
  void reset() override;
  // The shadow of obj; a new one has no write and no reads (its other
  // fields are read only behind those, so they need no zeroing).
  template <unsigned W>
  Shadow<W>& shadow(Clocks<W>& k, ObjId obj) {
    return k.shadow.get(obj, [](Shadow<W>& sh) {
      sh.has_write = false;
      sh.readers = 0;
    });
  }
  template <unsigned W>
  SyncClocks<W>& sync(Clocks<W>& k, ObjId obj) {
    if constexpr (W <= kNarrow) return k.sync[obj];
    return k.sync.get(obj, [n = n_](SyncClocks<W>& s) {
      std::fill_n(s.exclusive.c.begin(), n, 0);
      std::fill_n(s.shared.c.begin(), n, 0);
    });
  }
  // Inlined into on_event(): a call per event was 1% of S1's instructions.
  template <unsigned W>
  [[gnu::always_inline]] void on(Clocks<W>& k, const Event& ev);
  // Out of line and cold: the per-access path stays small.
  [[gnu::cold, gnu::noinline]] void report(const Event& earlier, const Event& later);
  [[gnu::cold, gnu::noinline]] void unvalidated(const Event& use, const Event& retry);
  template <unsigned W>
  [[gnu::always_inline]] void read(Clocks<W>& k, const Event& ev, bool commit_later);
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
  template <unsigned W>
  void reset(std::unique_ptr<Clocks<W>>& k);
  unsigned n_ = kNarrow;  // threads of this execution: clocks and reads beyond are zero
  // Each made by the first execution of its width.
  std::unique_ptr<Clocks<kSmall>> small_;
  std::unique_ptr<Clocks<kNarrow>> narrow_;
  std::unique_ptr<Clocks<kMaxThreads>> wide_;
  unsigned width_ = kSmall;  // of this execution
  // report()'s finding keys by (object, earlier top frame, later top frame), across executions
  std::map<std::tuple<ObjId, FnId, FnId>, std::string> keys_;
};

}  // namespace mhp
