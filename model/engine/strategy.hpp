// Who runs next. The engine asks a Strategy at every choice point where more
// than one thread is enabled; PCT, POS and DFS plug in here (the exploration work) without
// touching the engine.
#pragma once
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "model/engine/event.hpp"
#include "model/engine/rng.hpp"
#include "model/engine/schedule.hpp"

namespace mhp {

using ThreadMask = std::uint64_t;
static_assert(kMaxThreads <= 64, "a ThreadMask has a bit per thread");
constexpr ThreadMask thread_bit(unsigned t) { return ThreadMask(1) << t; }
// The lowest thread of a non-empty mask.
constexpr ThreadId lowest_thread(ThreadMask m) { return static_cast<ThreadId>(std::countr_zero(m)); }

// PCT and POS draw a priority for at least this many threads, whatever the
// scenario has: 16 was the thread limit when their schedules were first
// recorded, and drawing fewer would move every later draw, so every seed of
// a scenario of at most 16 threads would give other schedules (reports and
// witnesses of existing scenarios stay what they were).
constexpr unsigned kPriorityDraws = 16;
constexpr unsigned priority_draws(unsigned threads) { return threads < kPriorityDraws ? kPriorityDraws : threads; }

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual void begin_execution(std::uint64_t execution_index) = 0;
  // enabled has at least two bits set. Returns a thread in enabled, or
  // kNoThread to abandon the execution (replay divergence; see error()).
  virtual ThreadId choose(ThreadMask enabled, ThreadId current) = 0;
  virtual const std::string& error() const {
    static const std::string none;
    return none;
  }
  // Strategies that steer by what threads touch (POS) see every event.
  virtual bool wants_events() const { return false; }
  virtual void observe(const Event&) {}
  // (wants_events) thread t's next event will touch obj (exclusively or not).
  virtual void pending(ThreadId, ObjId, bool) {}
  // Strategies that skip waiters (dfs): before each choose(), the enabled
  // threads that could go on if chosen (a thread parked at a wait whose
  // object is taken could only block; Execution::choice_point()).
  virtual bool wants_ready() const { return false; }
  virtual void set_ready(ThreadMask) {}
  // Whether choose() answers depend only on begin_execution()'s index and
  // the (enabled, current) pairs asked since: then the schedule of an
  // execution can be found without running it (tools/cli/schedule_trie.hpp).
  virtual bool memoryless() const { return false; }
};

// PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): every
// thread gets a distinct random priority above `depth`; the highest-priority
// enabled thread runs; at depth-1 change points drawn uniformly among the
// execution's k scheduling steps, the running thread drops to priority i (the
// i-th change point). A bug of depth d is found with probability at least
// 1/(n k^(d-1)) per execution. k is measured once per run by a calibration
// execution, so every execution's schedule depends only on (seed, index).
class PctStrategy final : public Strategy {
 public:
  // threads: the scenario's (priorities are drawn for priority_draws() of them)
  PctStrategy(std::uint64_t seed, unsigned depth, std::uint64_t steps, unsigned threads)
      : seed_(seed),
        depth_(depth < 1 ? 1 : depth),
        steps_(steps < 1 ? 1 : steps),
        rng_(seed),
        draws_(priority_draws(threads)) {}
  void begin_execution(std::uint64_t k) override;
  ThreadId choose(ThreadMask enabled, ThreadId current) override;
  bool memoryless() const override { return true; }

 private:
  std::uint64_t seed_;
  unsigned depth_;
  std::uint64_t steps_;
  SplitMix64 rng_;
  std::uint64_t step_ = 0;
  unsigned draws_;
  std::uint64_t change_[8] = {};  // change points, step numbers
  std::uint32_t prio_[kMaxThreads] = {};
};

// POS (Yuan, Yang, Gu, CAV 2018), at the engine's granularity: each thread's
// next event carries a random priority and the highest enabled one runs; after
// an event runs, its thread's next event gets a fresh priority, and so does
// every thread whose pending event races with it (same object, one of them
// exclusive). Primitives name the object of their next event at the choice
// point before it (Execution::choice_point(obj, excl)); where one does not, the
// thread's last event stands in for its next one.
class PosStrategy final : public Strategy {
 public:
  // threads: the scenario's (priorities are drawn for priority_draws() of them)
  PosStrategy(std::uint64_t seed, unsigned threads) : seed_(seed), rng_(seed), draws_(priority_draws(threads)) {}
  void begin_execution(std::uint64_t k) override;
  ThreadId choose(ThreadMask enabled, ThreadId current) override;
  bool wants_events() const override { return true; }
  void observe(const Event& ev) override;
  void pending(ThreadId t, ObjId obj, bool excl) override {
    next_obj_[t] = obj;
    next_excl_[t] = excl;
    if (obj) announced_ |= thread_bit(t);
  }

 private:
  std::uint64_t seed_;
  SplitMix64 rng_;
  unsigned draws_;
  std::uint64_t prio_[kMaxThreads] = {};
  ObjId next_obj_[kMaxThreads] = {};  // the pending event's object (or the last event's)
  bool next_excl_[kMaxThreads] = {};
  ThreadMask announced_ = 0;  // threads whose next_obj_ is set: the only ones observe() can match
};

// Seeded random scheduling. A uniform choice at every point would almost
// never let one thread run far ahead of another (a walker of 8 steps is done
// before a mapper of 80 is a quarter through), so each execution draws a
// switch probability q, log-uniform in [1/256, 1]: at each choice point the
// running thread keeps the CPU with probability 1-q, otherwise a uniformly
// chosen enabled thread runs. Small q gives long runs, q near 1 fine-grained
// interleaving; the schedule is a pure function of (seed, execution index).
class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(std::uint64_t seed) : seed_(seed), rng_(seed) {}
  void begin_execution(std::uint64_t k) override {
    rng_ = SplitMix64(execution_seed(seed_, k));
    // q = 2^-x with x uniform in [0, 8], in 1/2^32 fixed point
    double x = 8.0 * static_cast<double>(rng_.next() >> 11) / 9007199254740992.0;
    switch_threshold_ = static_cast<std::uint32_t>(4294967295.0 * std::exp2(-x));
  }
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    if (current != kNoThread && (enabled & thread_bit(current)) &&
        static_cast<std::uint32_t>(rng_.next() >> 32) >= switch_threshold_)
      return current;
    unsigned n = static_cast<unsigned>(std::popcount(enabled));
    unsigned pick = rng_.below(n);
    for (;;) {
      ThreadId t = lowest_thread(enabled);
      if (pick-- == 0) return t;
      enabled &= enabled - 1;
    }
  }
  bool memoryless() const override { return true; }

 private:
  std::uint64_t seed_;
  SplitMix64 rng_;
  std::uint32_t switch_threshold_ = 0xffffffffu;
};

// Knuth's estimator of a search tree's size (Math. Comp. 1975): walk one
// uniformly random path and multiply the branching factors met on it; the
// mean over many paths is an unbiased estimate of the number of leaves, here
// the executions an unbounded search without reduction would run.
// Knuth's estimate of the number of schedules (leaves of the schedule tree):
// along a random path, the product of 1/p over its choices, p the chance the
// path took each one, is an unbiased estimate; the mean over paths is the
// estimate. Uniform choices make it useless here: almost every path lets the
// short thread finish early, and the rare paths that hold it back carry
// almost all the leaves (S1: about 6,000 against more than 10^12). So each
// choice goes by a guess of the child's subtree, from `steps`, each thread's
// steps in a run without preemption: unbounded, thread t in proportion to its
// steps left (exact when the threads never block: the multinomial of their
// steps); under a preemption bound (the tree a bounded search without
// reduction runs), in proportion to sum_{j<=r} C(m, j), r the preemptions
// left after the choice and m the steps left. A wrong guess only costs
// variance, never bias.
class KnuthEstimate final : public Strategy {
 public:
  using Steps = std::array<std::uint64_t, kMaxThreads>;
  KnuthEstimate(std::uint64_t seed, unsigned bound, const Steps& steps)
      : seed_(seed), rng_(seed), bound_(bound), steps_(steps) {}
  void begin_execution(std::uint64_t k) override {
    rng_ = SplitMix64(execution_seed(seed_, k));
    product_ = 1.0;
    used_ = 0;
    left_ = steps_;
  }
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    const bool can_stay = current != kNoThread && (enabled >> current & 1);
    double m = 0;
    for (std::uint64_t l : left_) m += double(l);
    const unsigned r = bound_ - used_;
    double w[kMaxThreads] = {}, total = 0;
    for (ThreadMask e = enabled; e; e &= e - 1) {
      unsigned t = lowest_thread(e);
      const bool preempts = can_stay && t != current;
      if (bound_ == ~0u)
        w[t] = double(std::max<std::uint64_t>(left_[t], 1));
      else if (!preempts || r > 0)
        w[t] = within(m, preempts ? r - 1 : r);
      total += w[t];
    }
    double pick = double(rng_.next() >> 11) * 0x1.0p-53 * total;
    ThreadId t = kNoThread;  // the child pick falls in (the last one with a weight, if rounding overshoots)
    for (ThreadMask e = enabled; e; e &= e - 1) {
      ThreadId c = lowest_thread(e);
      if (w[c] == 0) continue;
      t = c;
      if ((pick -= w[c]) < 0) break;
    }
    product_ *= total / w[t];
    used_ += can_stay && t != current;
    if (left_[t]) --left_[t];
    return t;
  }
  double product() const { return product_; }  // of the last execution

 private:
  // sum over j <= r of C(m, j): the ways to place at most r preemptions
  // among m steps
  static double within(double m, unsigned r) {
    double c = 1, sum = 1;
    for (unsigned j = 1; j <= r && double(j) <= m; ++j) sum += c *= (m - j + 1) / j;
    return sum;
  }
  std::uint64_t seed_;
  SplitMix64 rng_;
  unsigned bound_;
  Steps steps_, left_{};
  unsigned used_ = 0;  // preemptions so far
  double product_ = 1.0;
};

// Follows a recorded schedule exactly; any mismatch is a divergence.
class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(Schedule s) : sched_(std::move(s)) {}
  void begin_execution(std::uint64_t) override {
    pos_ = 0;
    err_.clear();
  }
  ThreadId choose(ThreadMask enabled, ThreadId) override;
  bool consumed() const { return pos_ == sched_.choices.size(); }
  std::size_t position() const { return pos_; }
  const std::string& error() const override { return err_; }

 private:
  Schedule sched_;
  std::size_t pos_ = 0;
  std::string err_;
};

}  // namespace mhp
