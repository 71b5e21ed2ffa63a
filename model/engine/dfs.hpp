// Exhaustive, stateless depth-first search over schedules, with three
// reductions:
//
//  none   every schedule with at most `bound` preemptions -- switches away
//         from a thread that could have gone on -- runs (CHESS, Musuvathi
//         and Qadeer, PLDI 2007); other switches are free. Fewest
//         preemptions first (iterative context bounding, Musuvathi and
//         Qadeer, PLDI 2007): round r searches bound r, so a bug that needs
//         p preemptions is met right after the complete rounds 0..p-1,
//         whatever the bound. Stateless search runs a round's schedules with
//         fewer than r preemptions again to reach the others (a queue of the
//         next round's branches instead reached 24 GB on S10); repeat() flags
//         those re-runs, a few percent of the runs since each round is
//         several times larger than the one before.
//  sleep  Godefroid's sleep sets, unbounded: a thread whose transition was
//         already explored at a node, and is independent of the transition
//         taken instead, sleeps in that child and is not tried there again.
//  dpor   source-DPOR (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014): sleep
//         sets plus source sets. A node explores only the threads that some
//         race in an execution below it asks for: after each execution every
//         race e < e' (dependent, different threads, no third transition
//         ordered between them) adds, at the node before e, one thread from
//         the initials of notdep(e).e' unless one is already there.
//         With a preemption bound it is bounded partial-order reduction
//         (BPOR, Coons, Musuvathi and McKinley, OOPSLA 2013): pruning DPOR's
//         tree by the bound alone misses schedules within the bound, because
//         the bound makes independent transitions matter to each other (who
//         runs before a choice decides whether the next switch is a
//         preemption). Two changes restore coverage: each race also asks for
//         its thread at the last context switch before e (a conservative
//         branch, where running it costs no more preemptions than the
//         schedule already has), and there are no sleep sets (a sleeping
//         thread's other order may have been cut by the bound). Rounds of
//         0, 1, ... preemptions as for none: each round is a whole BPOR
//         search at its bound, and a round's executions with fewer
//         preemptions are flagged by repeat() (their traces were reached
//         by the round before).
//
// A transition is the events from one choice point to the next, attributed to
// the chosen thread; when that thread blocks or ends and one other thread is
// left, the engine runs it without asking, and its events form a forced
// transition (no alternative exists there). Two transitions are dependent
// when they touch one object and one of them stores, takes it exclusively,
// releases, blocks on or counts it; readers of a reader-writer lock commute,
// their releases too (ObjectRegistry::readers_commute). Executions in which every enabled thread
// sleeps only repeat a trace; they are counted as redundant.
//
// Waits (unbounded searches: sleep sets and source-DPOR). A thread parked at
// a wait for a mutex or a task's exit that could only block is not a choice
// (Execution::choice_point()'s ready): dfs does not run it to watch it
// block, so an execution has no such block events and no two executions
// differ only in where a waiter blocked (a chain of tasks started `after:`
// one another was 2^n traces for nothing). Without the
// block, dpor reverses a wait as Nidhugg reverses a mutex race: a mutex
// taken after another thread's unlock races with that thread's lock of it
// (the taker goes first by taking it before the holder did; the unlock and
// the lock themselves cannot be reversed), and a task's exit with a waiter
// is no race (the waiter can never go first). Replays and the sampled
// strategies run the same schedules: the engine's enabled set is unchanged,
// dfs only never picks a waiter that would block while another thread could
// go on.
//
// Split (--shard I/N of a dfs search). The tree is cut into pieces without
// the shards talking to each other. Above the cut is the spine: the path of
// the search's first execution (of each round, when bounded). A spine node
// tries every thread that is awake there (sleep sets still apply), and each
// of those branches off the spine roots a piece; the first execution is a
// piece of its own. Every shard meets the pieces in the same order and
// numbers them; shard I searches piece k iff k % N == I, with the scenario's
// reduction below the piece's root, and meets each other piece by one run
// through it that does not count. A race inside a piece with a transition
// on the spine asks nothing there: spine nodes try every awake thread anyway
// (for source-DPOR a node that tries more than its races ask is still a
// source set). So the shards together are as complete as the unsplit
// search: for none and sleep sets they run exactly its executions, for
// source-DPOR and BPOR also the branches off the spine it would not have
// taken. Why the spine: a reduced search's branching lies deep (where the
// threads first meet), and cutting the tree at a depth near the root left
// one piece with nearly all of it, while making every node above a deep cut
// try every thread turned the top into a sleep-set search that exploded;
// the spine reaches every depth at the cost of one path
// (docs/PERFORMANCE.md, "dfs split over shards").
//
// Each execution replays the prefix of the schedule it extends; next() moves
// to the next schedule and returns false when none is left.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/engine/obj_table.hpp"
#include "model/engine/objects.hpp"
#include "model/engine/strategy.hpp"

namespace mhp {

enum class Reduction : std::uint8_t { None, Sleep, Dpor };
// "none", "sleep", "dpor"; throws std::invalid_argument otherwise.
Reduction parse_reduction(const std::string& s);
const char* reduction_name(Reduction r);

class DfsStrategy final : public Strategy {
 public:
  static constexpr unsigned kUnbounded = ~0u;
  // objects: where a store may change a whole record (ObjectRegistry::conflict_key)
  // bound: preemptions for none and dpor (kUnbounded: dpor searches unbounded);
  // sleep sets search unbounded.
  DfsStrategy(unsigned bound, Reduction r = Reduction::None, const ObjectRegistry* objects = nullptr)
      : red_(r),
        bound_(r == Reduction::Sleep ? kUnbounded : bound),
        sleep_sets_(r == Reduction::Sleep || (r == Reduction::Dpor && bound_ == kUnbounded)),
        objects_(objects),
        skip_waiters_(objects && bound_ == kUnbounded) {}
  void begin_execution(std::uint64_t) override {
    pos_ = 0;
    seg_.clear();
    redundant_ = false;
    // split: a path replayed past the cut stays in its piece; another meets one
    piece_known_ = !split_ || (!stack_.empty() && !stack_[stack_.size() - 1].spine);
  }
  ThreadId choose(ThreadMask enabled, ThreadId current) override;
  bool next();
  const std::string& error() const override { return err_; }
  bool wants_events() const override { return red_ != Reduction::None; }
  bool wants_ready() const override { return skip_waiters_; }
  void set_ready(ThreadMask ready) override { ready_ = ready; }
  void observe(const Event& ev) override;
  bool redundant() const { return redundant_; }  // the last execution ended sleep-blocked
  // none and bounded dpor search in rounds of 0, 1, ... preemptions
  bool bounded() const { return bound_ != kUnbounded; }
  // bounded: the largest bound whose round is complete (-1: not even round 0)
  int complete_bound() const { return int(round_) - 1; }
  // bounded: the last execution has fewer preemptions than this round
  // allows, so an earlier round ran it (none) or a schedule of its trace
  // (dpor) already
  bool repeat() const;
  // the last execution's preemptions: switches away from a thread that
  // could have gone on
  unsigned preemptions() const;

  // --- split search (--shard I/N; see the top of the file) ---
  // Cut the tree into pieces, this search taking every `shards`-th from
  // `shard` (one shard: the whole tree is one piece). Before the first
  // execution.
  void split(std::uint64_t shard, std::uint64_t shards);
  // Whether the last execution is in one of this search's pieces (always,
  // unsplit). Its findings count only if so.
  bool owned();
  // Pieces met so far in this round (all of them when the search ends), and
  // those of them this search took.
  std::uint64_t pieces() const { return pieces_; }
  std::uint64_t pieces_owned() const { return pieces_owned_; }

  // --- parallel search (tools/cli/dfs_helpers.hpp) ---
  // What a subtree search's races ask of the nodes above its root, in the
  // order the search that owns those nodes would ask it: a race's initials
  // at its node (source sets), or BPOR's branch for a thread at a node.
  struct Addition {
    std::uint32_t node;
    bool race;
    ThreadId thread;      // BPOR: the thread asked for
    ThreadMask initials;  // race: its initials
  };
  // The additions of the last next() (subtree searches only).
  std::vector<Addition>& additions() { return adds_; }
  // The owner applies a subtree execution's additions to its own nodes.
  void apply(const std::vector<Addition>& adds);
  // The threads the path chooses: the prefix the next execution replays.
  void prefix(std::vector<ThreadId>& out) const;
  std::size_t depth() const { return stack_.size(); }
  // The branches this search has still to take at the nodes of its path, as
  // (node, thread), shallowest first: each is the root of a subtree a helper
  // may search ahead (this search reaches it later, in its own order). With
  // sleep sets only a node's next thread, and only once the transitions of
  // the threads it tried are known (the last node's new branch has not run).
  void pending_branches(std::vector<std::pair<std::size_t, ThreadId>>& out) const;
  // A search of the subtree below node d taking thread t there, as this
  // search will make it when it gets there: exactly for the plain and the
  // bounded searches; with sleep sets, as long as node d has tried and put
  // to sleep the same threads then (root_state() tells).
  DfsStrategy subtree(std::size_t d, ThreadId t) const;
  struct RootState {
    ThreadMask tried = 0, sleep = 0;
    bool dead = false;
    bool operator==(const RootState&) const = default;
  };
  // What of node d shapes the subtree below it: with sleep sets, the threads
  // it tried and put to sleep; nothing otherwise. A subtree lent at d is
  // this search's if root_state(d) is the same when the search gets there.
  RootState root_state(std::size_t d) const {
    const Node& n = stack_[d];
    return sleep_sets_ ? RootState{n.tried, n.sleep, n.dead} : RootState{};
  }
  // The owner, at sub's root, after taking all of sub's executions: goes on
  // after the subtree (next()'s backtracking, with what sub learnt there).
  bool after_subtree(const DfsStrategy& sub);
  // The owner, at sub's root, after taking some of sub's executions: takes
  // sub's path below the root over, to run sub's next execution itself.
  void adopt(const DfsStrategy& sub);

 private:
  // Access::wait: a take or a release of a wait object (ObjectRegistry::Wait)
  static constexpr std::uint8_t kTake = 1, kGive = 2;
  struct Access {
    ObjId obj;
    bool excl;
    ThreadId thread;
    std::uint8_t wait = 0;
  };
  using Transition = std::vector<Access>;
  struct Node {
    ThreadMask enabled;
    ThreadId current, chosen;
    ThreadMask tried;
    ThreadMask sleep = 0;
    ThreadMask backtrack = 0;  // dpor: the source set asked for so far
    bool dead = false;         // every enabled thread asleep: nothing to explore below
    ThreadMask filled = 0;     // trans[] entries that may hold accesses
    bool spine = false;        // split(): on the spine, above the cut
    // of tried and sleeping threads, by thread; grown on demand (trans_of()),
    // so that a node of a small scenario costs what its threads need
    std::vector<Transition> trans;
    Transition& trans_of(ThreadId t) {
      if (t >= trans.size()) trans.resize(t + 1u);
      return trans[t];
    }
    // A thread's transition, empty if none was recorded.
    const Transition& trans_at(ThreadId t) const {
      static const Transition none;
      return t < trans.size() ? trans[t] : none;
    }
  };
  // The search path. A node per choice point of every execution: nodes past
  // size() are kept, so that their transition buffers are reused instead of
  // allocated again (allocation was a third of a dpor search's time).
  class Path {
   public:
    std::size_t size() const { return n_; }
    bool empty() const { return n_ == 0; }
    Node& operator[](std::size_t i) { return v_[i]; }
    const Node& operator[](std::size_t i) const { return v_[i]; }
    // A new last node with no tried, sleeping or backtrack thread.
    Node& push(ThreadMask enabled, ThreadId current);
    void pop_back() { --n_; }
    const Node* begin() const { return v_.data(); }
    const Node* end() const { return v_.data() + n_; }

   private:
    std::vector<Node> v_;
    std::size_t n_ = 0;
  };
  // add_backtracks(): a maximal run of one thread's accesses inside a
  // transition, the chosen thread's (reversible at its node) or a forced one.
  struct Run {
    ThreadId thread;
    bool chosen;
    std::size_t node;
    std::uint32_t seq;  // 1-based position among the thread's runs
    // vc[t]: t's last run ordered before or at this one; add_backtracks()
    // zeroes and reads only the execution's threads
    std::array<std::uint32_t, kMaxThreads> vc;
    struct Acc {
      ObjId obj;
      bool excl;
      std::uint8_t wait;  // kTake, kGive
    };
    std::vector<Acc> acc;
  };
  struct ObjHistory {
    long last_excl = -1;
    std::uint8_t last_wait = 0;                    // last_excl's kTake/kGive of the object
    std::vector<long> reads;                       // since last_excl
    std::vector<std::pair<ThreadId, long>> takes;  // a mutex: each thread's last run that took it
  };
  Run& add_run(ThreadId thread, bool chosen, std::size_t node, std::uint32_t seq);
  static bool independent(const Transition& a, const Transition& b);
  bool preemption(const Node& n, ThreadId t) const {
    return n.current != kNoThread && (n.enabled & thread_bit(n.current)) && t != n.current;
  }
  // The transition the last choice started ends here: it becomes its node's.
  void close_transition();
  void add_backtracks();  // dpor: the races of the execution just run
  // A race's source-set entry at node n (initials of notdep(e).r there).
  static void add_source(Node& n, ThreadMask initials);
  static void add_bpor(Node& c, ThreadId t);
  // next() without the execution's own races: backtrack to the next branch.
  bool advance();
  void copy_node(const Node& from, Node& to, bool with_trans) const;
  // Both hand-overs at sub's root: its transition and round flag; returns the root's depth.
  std::size_t take_root(const DfsStrategy& sub);
  // BPOR's conservative branch for a race at node i: the last node before i
  // where the schedule switched threads (the root if none did).
  std::size_t last_switch_before(std::size_t i) const;

  Reduction red_;
  bool redundant_ = false;
  Transition seg_;
  unsigned bound_;
  bool sleep_sets_;                // sleep and unbounded dpor (BPOR has none)
  unsigned round_ = 0;             // bounded: the preemptions allowed in this round
  std::size_t floor_ = 0;          // subtree(): nodes above it are not this search's to backtrack
  bool needs_next_round_ = false;  // bounded: a branch was cut at this round's bound
  const ObjectRegistry* objects_;
  // Unbounded searches with the registry (which names the mutexes) skip
  // waiters that would block; bounded ones run them, since who is waiting
  // decides what a switch costs (a switch away from a waiter that could
  // only block would be free), and BPOR's conservative branches assume that
  // the waiter ran.
  bool skip_waiters_;
  Path stack_;
  // add_backtracks() and next() scratch, kept across executions
  std::vector<Run> runs_;
  std::size_t nruns_ = 0;
  ObjTable<ObjHistory> hist_;
  bool hist_sized_ = false;
  std::vector<long> preds_;
  std::vector<std::uint8_t> dep_;  // (not vector<bool>: its bit access was 3% of a dpor search)
  std::vector<long> via_;          // a wait's race: add_backtracks()
  std::vector<unsigned> used_;
  std::vector<Addition> adds_;  // subtree searches: additions above floor_
  std::size_t pos_ = 0;
  ThreadMask ready_ = ~ThreadMask(0);  // set_ready(): before each choose()
  // split(): 0 when unsplit; pieces met this round, and taken
  bool split_ = false;
  std::uint64_t shard_ = 0, shards_ = 1;
  std::uint64_t pieces_ = 0, pieces_owned_ = 0;
  bool piece_known_ = true, owned_ = true;  // the current path's piece, once met
  // A new piece met: numbered, and taken or not.
  void meet_piece();
  std::string err_;
};

}  // namespace mhp
