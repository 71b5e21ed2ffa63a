// One execution of a scenario: simulated kernel threads as Boost.Fiber fibers
// on one OS thread, every visible action a choice point, blocking owned by the
// engine (a waiting thread is simply not enabled). Execution objects live for
// a whole run; their fibers and stacks are reused from one execution to the next.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/fiber/fiber.hpp>

#include "model/engine/event.hpp"
#include "model/engine/objects.hpp"
#include "model/engine/stacks.hpp"
#include "model/engine/strategy.hpp"

namespace mhp {

class DesignatedAlgo;
class VirtualTime;

class EventObserver {
 public:
  virtual ~EventObserver() = default;
  virtual void on_execution_begin() {}
  virtual void on_event(const Event& ev) = 0;
  // Bit k set: on_event() wants events of EvKind k. Asked once, by
  // add_observer(): an event is dispatched only to the observers of its kind.
  virtual std::uint32_t kinds() const { return ~0u; }
  // The kinds it wants of suspect page accesses (kEvPageSuspect).
  virtual std::uint32_t suspect_kinds() const { return kinds(); }
  // Of the kinds it wants, those it still wants of a private event
  // (kEvPrivate): an observer that reasons only about two threads' accesses
  // to one object has nothing to do with them.
  virtual std::uint32_t private_kinds() const { return ~0u; }
};

constexpr std::uint32_t kind_bit(EvKind k) { return 1u << unsigned(k); }
constexpr unsigned kEvKinds = unsigned(EvKind::Check) + 1;

enum class ThreadState : std::uint8_t { Idle, Runnable, Blocked, Finished };

struct HeldLock {
  std::uint8_t bit;
  SyncSide side;
  StackId acquired_at;
};

struct SimThread {
  ThreadId id = 0;
  std::string name;
  ThreadState state = ThreadState::Idle;
  ObjId blocked_on = 0;  // object waited for while Blocked
  SyncSide blocked_side = SyncSide::Exclusive;
  StackId blocked_at = 0;
  StackId stack = 0;
  std::uint64_t held = 0;           // lock bits
  std::uint64_t held_shared = 0;    // lock bits held in shared mode
  std::vector<HeldLock> held_list;  // in acquisition order, for reports
  // How the thread's operation returned (set_exit()): the errno, whether it
  // stopped early and where, whether a scenario's injection made it fail.
  int exit_err = 0;
  bool exit_early = false, exit_injected = false;
  StackId exit_at = 0;
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  // while parked at a choice point that gave one: whether it could go on
  bool (*ready)(const void*) = nullptr;
  const void* ready_arg = nullptr;
  // kEvPrivate while the thread runs steps of a piece another search
  // explores (Execution::hide()), else 0.
  std::uint8_t hidden = 0;
};

struct Outcome {
  // Stopped: cut by a stop request (model/support/stop_request.hpp); the
  // execution found nothing that counts and the search ends.
  enum class Status { Completed, Deadlock, Livelock, Diverged, Stopped };
  Status status = Status::Completed;
  std::string detail;  // divergence message, budget figure
};

class Execution {
 public:
  Execution();
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // --- set-up (outside an execution) ---
  ObjectRegistry& objects() { return objects_; }
  const ObjectRegistry& objects() const { return objects_; }
  StackTable& stacks() { return stacks_; }
  const StackTable& stacks() const { return stacks_; }
  // A lock gets a bit so every event can say which locks its thread held.
  std::uint8_t register_lock(ObjId obj);
  ObjId lock_obj(std::uint8_t bit) const { return lock_objs_[bit]; }
  // The lock class of a bit ("mem_hotplug_lock"), kept so checkers need not
  // build it again on every acquire.
  const std::string& lock_class(std::uint8_t bit) const { return lock_classes_[bit]; }
  std::size_t lock_count() const { return lock_objs_.size(); }
  // The bit of a lock object, or kNoLockBit if it is not a lock taken so far.
  std::uint8_t lock_bit(ObjId obj) const {
    auto it = lock_bits_.find(obj);
    return it == lock_bits_.end() ? kNoLockBit : it->second;
  }
  void clear_threads();
  ThreadId add_thread(std::string name, void (*fn)(void*), void* arg);
  void add_observer(EventObserver* o) {
    observers_.push_back(o);
    const std::uint32_t wants[4] = {o->kinds(), o->kinds() & o->private_kinds(), o->suspect_kinds(),
                                    o->suspect_kinds() & o->private_kinds()};
    for (unsigned f = 0; f < 4; ++f)
      for (unsigned k = 0; k < kEvKinds; ++k)
        if (wants[f] >> k & 1) by_kind_[f][k].push_back(o);
  }
  void clear_observers() {
    observers_.clear();
    for (auto& by_flags : by_kind_)
      for (auto& v : by_flags) v.clear();
  }
  void set_step_budget(std::uint64_t b) { budget_ = b; }
  // The searches' executions end early (Status::Stopped) once a stop is
  // requested; replays of witnesses, shrinking and timing runs are not cut.
  void set_stoppable(bool on) { stoppable_ = on; }
  // Timing runs: clocks advance with costs, waits end at the waker's time.
  void set_vtime(VirtualTime* v) { vtime_ = v; }
  VirtualTime* vtime() const { return vtime_; }

  // Runs all threads to the end (or to deadlock / budget / divergence).
  Outcome run(Strategy& strategy, std::uint64_t execution_index);

  // --- called from simulated threads ---
  // A choice point: the strategy may switch to another thread before the
  // caller performs its next visible action.
  // next/next_excl: the object the caller's next event touches and whether
  // it stores, takes, releases or counts it; strategies that steer by
  // conflicts (POS) see it before they choose (0: not said).
  // ready (with its argument): whether the caller could go on if chosen now;
  // a waiter gives it so that a strategy that asks (Strategy::wants_ready())
  // need not run it only to see it block. It must not change state, and the
  // caller must block on `next` when it cannot go on.
  using ReadyFn = bool (*)(const void*);
  // Inline for the common case: no strategy listening to steps (dfs does)
  // and no other thread that could run, so no choice and no switch.
  void choice_point(ObjId next = 0, bool next_excl = true, ReadyFn ready = nullptr, const void* ready_arg = nullptr) {
    if (!strategy_wants_events_ && enabled_ == thread_bit(cur_) && quiet_step()) return;
    choose_next(next, next_excl, ready, ready_arg);
  }
  // An access that no other thread can conflict with (the kernel knows from
  // the ops' page footprints): no strategy is asked and no switch happens,
  // so it joins the caller's current transition; it still counts against the
  // step budget and the stop check, like a choice point.
  void private_step() {
    if (!quiet_step()) budget_or_stop();
  }
  // From here the current thread's steps are hidden (on) or not: a search
  // split by observer pfn runs an observer's other pfns without choice
  // points. At its choice points no strategy is asked, its events carry
  // kEvPrivate, and only loads are allowed (anything else ends the
  // execution with a model error: the split's argument needs an observer
  // that changes nothing). The schedule still records the thread at each
  // choice point it passes where another could have run, so a witness
  // replays in a search without the split.
  void hide(bool on) { self().hidden = on ? kEvPrivate : 0; }
  // A choice point at which the strategy is not asked and the thread goes
  // on, recorded in the schedule as one where another could have run (a
  // hidden thread's, or an access only hidden steps could conflict with).
  void quiet_point() {
    if (!budget_or_stop() && (enabled_ & (enabled_ - 1))) schedule_.choices.push_back(cur_);
  }
  // Inline: every modelled access records one, and a call with its
  // register saves cost more than the record.
  [[gnu::always_inline]] void emit(EvKind kind, std::uint8_t mode, ObjId obj, std::int64_t value,
                                   std::uint8_t flags = 0) {
    const SimThread& t = threads_[cur_];
    if (t.hidden) [[unlikely]]
      flags = hidden_flags(kind, obj, flags);
    events_.push_back(Event{static_cast<std::uint32_t>(events_.size()), cur_, kind, mode, flags, obj, value, t.stack,
                            t.held, t.held_shared});
    if (vtime_ || strategy_wants_events_) observe_engine(events_.back());
    static_assert(kEvPageSuspect == 2 * kEvPrivate);
    for (EventObserver* o : by_kind_[(flags / kEvPrivate) & 3][unsigned(kind)]) o->on_event(events_.back());
  }
  // Current thread waits for obj (not enabled until wake(obj)); returns when
  // it is scheduled again, after which the caller re-checks its condition.
  void block_on(ObjId obj, SyncSide side);
  void wake(ObjId obj);
  SimThread& self() { return threads_[cur_]; }
  ThreadId current() const { return cur_; }
  void push_frame(FnId f) {
    auto& t = self();
    t.stack = stacks_.push(t.stack, f);
  }
  void pop_frame() {
    auto& t = self();
    t.stack = stacks_.parent(t.stack);
  }
  // The running thread's operation returned err (0: success), early at stack `at` or not.
  void set_exit(int err, bool early, bool injected, StackId at) {
    auto& t = self();
    t.exit_err = err;
    t.exit_early = early;
    t.exit_injected = injected;
    t.exit_at = at;
  }
  // Locks get their bit on first acquire, so a machine may have any number
  // of locks as long as one run takes at most 64 distinct ones.
  void note_acquired(std::uint8_t& bit, ObjId obj, SyncSide side);
  void note_released(std::uint8_t bit);
  // Whether the current thread holds lock `bit` on `side` (its held list, so
  // a read side taken twice is still held after one release).
  bool holds(std::uint8_t bit, SyncSide side) const {
    if (bit == kNoLockBit) return false;
    for (const HeldLock& h : threads_[cur_].held_list)
      if (h.bit == bit && h.side == side) return true;
    return false;
  }

  // --- inspection (checkers, reports, tests) ---
  const std::vector<Event>& events() const { return events_; }
  const std::vector<SimThread>& threads() const { return threads_; }
  std::size_t thread_count() const { return threads_.size(); }
  const Schedule& schedule() const { return schedule_; }
  std::uint64_t steps() const { return steps_; }

 private:
  struct Aborted {};
  void worker_loop(unsigned slot);
  void ensure_workers(unsigned n);
  // Decide who runs next and switch there; from main or from a thread.
  void schedule_next();
  void observe_engine(const Event& ev);  // virtual time and the strategy
  void choose_next(ObjId next, bool next_excl, ReadyFn ready, const void* ready_arg);
  // A hidden thread's event (hide()): its flags with kEvPrivate; throws
  // unless it is a load.
  std::uint8_t hidden_flags(EvKind kind, ObjId obj, std::uint8_t flags) const;
  // Counts a step if it is neither over the budget nor due a stop check
  // (every 1024th step of a stoppable execution): whether it did.
  bool quiet_step() {
    const std::uint64_t s = steps_ + 1;
    if (s > budget_ || ((s & 1023) == 0 && stoppable_)) return false;
    steps_ = s;
    return true;
  }
  // Counts a step; ends the execution when it is over budget or a stop is asked: whether it ended.
  bool budget_or_stop();
  void switch_to(boost::fibers::context* target);
  void finish(Outcome::Status st, std::string detail);
  std::string thread_positions() const;
  ThreadMask enabled_mask() const { return enabled_; }
  // Every thread state change goes through here, to keep enabled_ exact.
  void set_state(SimThread& t, ThreadState st);

  DesignatedAlgo* algo_;
  boost::fibers::context* main_ctx_ = nullptr;
  std::vector<boost::fibers::fiber> workers_;
  std::array<boost::fibers::context*, kMaxThreads> worker_ctx_{};
  std::array<bool, kMaxThreads> has_job_{};
  bool shutdown_ = false;
  bool aborting_ = false;
  bool over_ = false;
  std::string internal_error_;

  std::vector<SimThread> threads_;
  ThreadMask enabled_ = 0;  // bit t: threads_[t] is Runnable
  ThreadId cur_ = kNoThread;
  Strategy* strategy_ = nullptr;
  bool strategy_wants_events_ = false;
  bool strategy_wants_ready_ = false;
  Outcome outcome_;
  Schedule schedule_;
  std::vector<Event> events_;
  std::vector<EventObserver*> observers_;
  // observers_ by EvKind, in order, for ordinary, private, suspect and
  // private suspect events: by_kind_[(flags / kEvPrivate) & 3][kind]
  std::array<std::array<std::vector<EventObserver*>, kEvKinds>, 4> by_kind_;
  std::uint64_t steps_ = 0;
  std::uint64_t budget_ = 100000;
  bool stoppable_ = false;
  VirtualTime* vtime_ = nullptr;

  ObjectRegistry objects_;
  StackTable stacks_;
  std::vector<ObjId> lock_objs_;
  std::vector<std::string> lock_classes_;
  std::unordered_map<ObjId, std::uint8_t> lock_bits_;
};

// RAII frame: a modelled kernel function on the current thread's stack.
struct Frame {
  Execution& ex;
  Frame(Execution& e, FnId f) : ex(e) { ex.push_frame(f); }
  ~Frame() { ex.pop_frame(); }
};

}  // namespace mhp
