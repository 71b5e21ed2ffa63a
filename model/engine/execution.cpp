#include "model/engine/execution.hpp"
#include "model/engine/vtime.hpp"

#include <boost/fiber/operations.hpp>
#include <boost/fiber/pooled_fixedsize_stack.hpp>
#include <stdexcept>

#include "model/engine/fiber_algo.hpp"
#include "model/support/spare_storage.hpp"
#include "model/support/stop_request.hpp"

namespace mhp {

namespace {
constexpr std::size_t kFiberStack = 256 * 1024;
}

Execution::Execution() : algo_(DesignatedAlgo::install()), events_(spare::take<Event>()) {
  events_.reserve(4096);
  threads_.reserve(kMaxThreads);
}

Execution::~Execution() {
  shutdown_ = true;
  for (unsigned i = 0; i < workers_.size(); ++i) {
    algo_->designate(worker_ctx_[i]);
    workers_[i].join();
    // A worker may have ended before its turn (FIFO during shutdown): never
    // leave a designation pointing at a context that is about to be freed.
    algo_->designate(nullptr);
  }
  spare::give(events_);
}

std::uint8_t Execution::register_lock(ObjId obj) {
  if (lock_objs_.size() >= 64)
    throw std::runtime_error("a run took more than 64 distinct locks (the held-lock mask is 64 bits)");
  lock_objs_.push_back(obj);
  lock_classes_.push_back(objects_.class_of(obj));
  lock_bits_.emplace(obj, static_cast<std::uint8_t>(lock_objs_.size() - 1));
  return static_cast<std::uint8_t>(lock_objs_.size() - 1);
}

void Execution::clear_threads() {
  threads_.clear();
  enabled_ = 0;
}

ThreadId Execution::add_thread(std::string name, void (*fn)(void*), void* arg) {
  if (threads_.size() >= kMaxThreads)
    throw std::runtime_error("too many simulated threads (max " + std::to_string(kMaxThreads) + ")");
  SimThread t;
  t.id = static_cast<ThreadId>(threads_.size());
  t.name = std::move(name);
  t.fn = fn;
  t.arg = arg;
  threads_.push_back(std::move(t));
  return threads_.back().id;
}

void Execution::ensure_workers(unsigned n) {
  while (workers_.size() < n) {
    unsigned slot = static_cast<unsigned>(workers_.size());
    workers_.emplace_back(std::allocator_arg, boost::fibers::pooled_fixedsize_stack(kFiberStack),
                          [this, slot] { worker_loop(slot); });
    // Let the new fiber start and report its context (FIFO, nothing designated).
    while (!worker_ctx_[slot]) boost::this_fiber::yield();
  }
}

void Execution::worker_loop(unsigned slot) {
  worker_ctx_[slot] = boost::fibers::context::active();
  for (;;) {
    while (!has_job_[slot] && !shutdown_) {
      algo_->designate(main_ctx_);
      boost::this_fiber::yield();
    }
    if (shutdown_) return;
    if (aborting_) {  // the execution ended before this thread ever ran
      has_job_[slot] = false;
      continue;
    }
    SimThread& t = threads_[slot];
    try {
      emit(EvKind::ThreadStart, 0, 0, 0);
      t.fn(t.arg);
      set_state(t, ThreadState::Finished);
      if (t.exit_early) t.stack = t.exit_at;  // the end event says where the op returned early
      emit(EvKind::ThreadEnd, 0, 0, -std::int64_t(t.exit_err));
      has_job_[slot] = false;
      schedule_next();
    } catch (const Aborted&) {
      has_job_[slot] = false;
    } catch (const std::exception& e) {
      // A bug in a model primitive: end the execution, report it from run().
      set_state(t, ThreadState::Finished);
      has_job_[slot] = false;
      internal_error_ = std::string(e.what()) + " (thread " + t.name + ")";
      finish(Outcome::Status::Completed, "");
    }
  }
}

void Execution::set_state(SimThread& t, ThreadState st) {
  t.state = st;
  if (st == ThreadState::Runnable)
    enabled_ |= thread_bit(t.id);
  else
    enabled_ &= ~thread_bit(t.id);
}

void Execution::switch_to(boost::fibers::context* target) {
  boost::fibers::context* self_ctx = boost::fibers::context::active();
  if (target == self_ctx) return;
  algo_->designate(target);
  boost::this_fiber::yield();
  if (aborting_ && self_ctx != main_ctx_) {
    for (unsigned i = 0; i < threads_.size(); ++i)
      if (worker_ctx_[i] == self_ctx && threads_[i].state != ThreadState::Finished) throw Aborted{};
  }
}

// Where each thread stands, for a divergence error: a schedule recorded by
// another build shows which step moved.
std::string Execution::thread_positions() const {
  std::string out = "threads there:";
  for (const SimThread& t : threads_) {
    out += " T" + std::to_string(t.id) + " " + t.name;
    if (t.state == ThreadState::Finished)
      out += " (ended)";
    else if (t.state == ThreadState::Idle)
      out += " (not started)";
    else if (t.stack == 0)
      out += " (outside any modelled function)";
    else
      out += " in " + stacks_.joined(t.stack);
    if (t.id + 1u < threads_.size()) out += ",";
  }
  return out;
}

void Execution::finish(Outcome::Status st, std::string detail) {
  outcome_.status = st;
  outcome_.detail = std::move(detail);
  over_ = true;
  switch_to(main_ctx_);
}

void Execution::schedule_next() {
  ThreadMask mask = enabled_mask();
  if (mask == 0) {
    bool all_done = true;
    for (const auto& t : threads_) all_done &= t.state == ThreadState::Finished;
    finish(all_done ? Outcome::Status::Completed : Outcome::Status::Deadlock, "");
    return;
  }
  ThreadId next;
  if ((mask & (mask - 1)) == 0) {
    next = lowest_thread(mask);
  } else {
    if (strategy_wants_ready_) {
      ThreadMask ready = mask;
      for (ThreadMask m = mask; m; m &= m - 1) {
        const SimThread& t = threads_[lowest_thread(m)];
        if (t.ready && !t.ready(t.ready_arg)) ready &= ~thread_bit(t.id);
      }
      strategy_->set_ready(ready);
    }
    next = strategy_->choose(mask, cur_);
    if (next == kNoThread) {
      finish(Outcome::Status::Diverged, strategy_->error() + "; " + thread_positions());
      return;
    }
    schedule_.choices.push_back(next);
  }
  if (next == cur_) return;
  cur_ = next;
  switch_to(worker_ctx_[next]);
}

void Execution::choose_next(ObjId next, bool next_excl, ReadyFn ready, const void* ready_arg) {
  if (threads_[cur_].hidden) {  // no strategy asked; the choice a replay will read
    quiet_point();
    return;
  }
  if (strategy_wants_events_ && next) strategy_->pending(cur_, next, next_excl);
  SimThread& t = self();
  t.ready = ready;
  t.ready_arg = ready_arg;
  struct Unpark {  // also when the execution is cut while this thread waits
    SimThread& t;
    ~Unpark() { t.ready = nullptr; }
  } unpark{t};
  if (budget_or_stop()) return;
  schedule_next();
}

std::uint8_t Execution::hidden_flags(EvKind kind, ObjId obj, std::uint8_t flags) const {
  if (kind != EvKind::Read && kind != EvKind::Check)
    throw std::logic_error(std::string(event_kind_name(kind)) + " of " + objects_.describe(obj) + " in " +
                           stacks_.top_name(threads_[cur_].stack) +
                           ": a search split by observer pfn needs its observers to only load");
  return flags | kEvPrivate;
}

bool Execution::budget_or_stop() {
  if (++steps_ > budget_) {
    finish(Outcome::Status::Livelock, "step budget of " + std::to_string(budget_) + " choice points exhausted");
    return true;
  }
  // every 1024 choice points (about a millisecond of a real geometry)
  if ((steps_ & 1023) == 0 && stoppable_ && stopping()) {
    finish(Outcome::Status::Stopped, "stopped");
    return true;
  }
  return false;
}

void Execution::observe_engine(const Event& ev) {
  if (vtime_) vtime_->on_event(ev.thread);
  if (strategy_wants_events_) strategy_->observe(ev);
}

void Execution::block_on(ObjId obj, SyncSide side) {
  SimThread& t = self();
  set_state(t, ThreadState::Blocked);
  t.blocked_on = obj;
  t.blocked_side = side;
  t.blocked_at = t.stack;
  if (vtime_) vtime_->on_block(t.id);
  emit(EvKind::Block, static_cast<std::uint8_t>(side), obj, 0);
  schedule_next();
}

void Execution::wake(ObjId obj) {
  for (auto& t : threads_)
    if (t.state == ThreadState::Blocked && t.blocked_on == obj) {
      set_state(t, ThreadState::Runnable);
      t.blocked_on = 0;
      if (vtime_) vtime_->on_wake(t.id, cur_, obj);
    }
}

void Execution::note_acquired(std::uint8_t& bit, ObjId obj, SyncSide side) {
  if (bit == kNoLockBit) bit = register_lock(obj);
  SimThread& t = self();
  t.held |= 1ULL << bit;
  if (side == SyncSide::Shared) t.held_shared |= 1ULL << bit;
  t.held_list.push_back({bit, side, t.stack});
}

void Execution::note_released(std::uint8_t bit) {
  SimThread& t = self();
  t.held &= ~(1ULL << bit);
  t.held_shared &= ~(1ULL << bit);
  for (auto it = t.held_list.end(); it != t.held_list.begin();) {
    --it;
    if (it->bit == bit) {
      t.held_list.erase(it);
      break;
    }
  }
}

Outcome Execution::run(Strategy& strategy, std::uint64_t execution_index) {
  main_ctx_ = boost::fibers::context::active();
  ensure_workers(static_cast<unsigned>(threads_.size()));
  events_.clear();
  schedule_.choices.clear();
  steps_ = 0;
  over_ = false;
  aborting_ = false;
  outcome_ = Outcome{};
  internal_error_.clear();
  enabled_ = 0;
  for (auto& t : threads_) {
    set_state(t, ThreadState::Runnable);
    t.blocked_on = 0;
    t.stack = 0;
    t.held = 0;
    t.held_shared = 0;
    t.held_list.clear();
    t.ready = nullptr;
    t.exit_err = 0;
    t.exit_early = t.exit_injected = false;
    t.exit_at = 0;
    t.hidden = 0;
    has_job_[t.id] = true;
  }
  strategy_ = &strategy;
  strategy_wants_events_ = strategy.wants_events();
  strategy_wants_ready_ = strategy.wants_ready();
  strategy.begin_execution(execution_index);
  for (EventObserver* o : observers_) o->on_execution_begin();
  cur_ = kNoThread;
  if (!threads_.empty()) schedule_next();
  // Unwind threads left mid-program (deadlock, budget, divergence).
  aborting_ = true;
  for (unsigned i = 0; i < threads_.size(); ++i)
    if (has_job_[i]) {
      cur_ = static_cast<ThreadId>(i);
      switch_to(worker_ctx_[i]);
    }
  aborting_ = false;
  cur_ = kNoThread;
  if (!internal_error_.empty()) throw std::runtime_error("model error: " + internal_error_);
  return outcome_;
}

}  // namespace mhp
