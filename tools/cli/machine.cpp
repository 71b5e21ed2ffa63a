#include "tools/cli/machine.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "model/kernel/invariants.hpp"
#include "model/support/errno.hpp"

namespace mhp {

namespace {

void thread_main(void* arg) {
  auto* job = static_cast<ThreadJob*>(arg);
  if (job->after) job->after->wait();
  OpState st;
  st.args = job->args;
  st.inject = job->inject.data();
  st.n_inject = static_cast<std::uint8_t>(job->inject.size());
  run_program(*job->k, *job->prog, st);
  job->k->ex.set_exit(st.err, st.ended_early, st.injected, st.ended_at);
  job->done->complete_all();
}

// WARN()s the modelled kernel hit become findings.
void warning_findings(const Execution& ex, const Kernel& k, std::vector<Finding>& out) {
  for (const auto& w : k.warnings) {
    Finding f;
    f.kind = w.kind;
    f.key = w.key;
    std::string where = ex.stacks().top_name(w.stack);
    f.rule = w.rule;
    if (w.kind == FindingKind::Scope) {  // an ownership rule the model checks at an op's start or end (R13)
      f.title = "BUG: mhpsim: rule " + w.rule + " violated in " + where;
    } else if (!w.title.empty()) {  // a report with a title of its own (KASAN's "BUG: KASAN: <type> in")
      f.title = w.title + " in " + where;
    } else {
      f.title =
          std::string(w.kind == FindingKind::Underflow ? "WARNING: refcount underflow" : "WARNING") + " in " + where;
    }
    f.summary = w.text;
    const SimThread& t = ex.threads()[w.thread];
    FindingSide s;
    s.title = "task " + t.name + " (T" + std::to_string(t.id) + "):";
    s.stack = ex.stacks().frames(w.stack);
    s.locks = lock_names_of(ex, w.held, w.held_shared);
    f.sides.push_back(std::move(s));
    if (w.has_other) {
      const SimThread& o = ex.threads()[w.other_thread];
      FindingSide os;
      os.title = w.other_title + " task " + o.name + " (T" + std::to_string(o.id) + "):";
      os.stack = ex.stacks().frames(w.other_stack);
      os.locks = lock_names_of(ex, w.other_held, w.other_held_shared);
      f.sides.push_back(std::move(os));
    }
    out.push_back(std::move(f));
  }
}

std::string awaited(const Execution& ex, const SimThread& t) {
  return ex.objects().describe(t.blocked_on) + (t.blocked_side == SyncSide::Shared ? " (read)" : " (write)");
}

// Deadlock and livelock are found by the engine; they become findings here.
void engine_findings(const Execution& ex, const Outcome& o, std::vector<Finding>& out) {
  if (o.status != Outcome::Status::Deadlock && o.status != Outcome::Status::Livelock) return;
  Finding f;
  bool dl = o.status == Outcome::Status::Deadlock;
  f.kind = dl ? FindingKind::Deadlock : FindingKind::Livelock;
  std::vector<std::string> parts;
  for (const auto& t : ex.threads()) {
    if (t.state == ThreadState::Finished) continue;
    std::string top = ex.stacks().top_name(dl ? t.blocked_at : t.stack);
    parts.push_back(dl ? top + ":" + ex.objects().class_of(t.blocked_on) : top);
    FindingSide s;
    s.title = "task " + t.name + " (T" + std::to_string(t.id) + ")" +
              (t.state == ThreadState::Blocked ? " waits for " + awaited(ex, t) + " at:" : " is at:");
    s.stack = ex.stacks().frames(dl ? t.blocked_at : t.stack);
    s.locks = lock_names_of(ex, t.held, t.held_shared);
    f.sides.push_back(std::move(s));
  }
  std::sort(parts.begin(), parts.end());
  f.key = finding_kind_name(f.kind);
  for (auto& p : parts) f.key += "/" + p;
  f.title = dl ? "BUG: mhpsim: deadlock: no thread can run" : "BUG: mhpsim: livelock: " + o.detail;
  // With one thread left, nobody is there to wake it: a leaked reference or a
  // completion never signalled, a hang rather than a cycle of waiters.
  f.summary = !dl ? o.detail + " without the threads finishing"
              : parts.size() == 1
                  ? "the only unfinished thread waits for a lock or event that no thread is left to release or "
                    "signal: a hang"
                  : "every unfinished thread waits for a lock or event that only another waiting thread, or none, "
                    "could release or signal";
  out.push_back(std::move(f));
}

}  // namespace

// `mhpsim replay --events`: the execution as the checkers saw it.
std::string event_log_of(const Execution& ex) {
  std::string o;
  for (const Event& e : ex.events()) {
    const SimThread& t = ex.threads()[e.thread];
    // an op's end carries what it returned: "= -EBUSY"
    const std::string value = e.kind == EvKind::ThreadEnd ? errno_return(int(-e.value)) : std::to_string(e.value);
    o += std::to_string(e.index) + " T" + std::to_string(e.thread) + " " + t.name + " " + event_kind_name(e.kind) +
         " " + (e.obj ? ex.objects().describe(e.obj) : std::string("-")) + " = " + value + "  in " +
         ex.stacks().top_name(e.stack) + "\n";
  }
  return o;
}

Machine::Machine(const Scenario& sc) : sc_(sc), k_(ex, machine_of(sc)), programs_(sc.programs) {
  ex.set_step_budget(sc.step_budget);
  for (auto& [name, p] : programs_) bind(p, ex.stacks());
  jobs_.reserve(sc.threads.size());
  for (const auto& t : sc.threads)
    done_.push_back(std::make_unique<Completion>(ex, "task " + t.name + " exited", true));
  for (std::size_t i = 0; i < sc.threads.size(); ++i) {
    const auto& t = sc.threads[i];
    jobs_.push_back({&k_,
                     &programs_.at(t.program.empty() ? t.op : t.program),
                     t.args,
                     t.after >= 0 ? done_[t.after].get() : nullptr,
                     done_[i].get(),
                     {}});
    for (const FailSpec& f : t.fail) jobs_.back().inject.push_back({ex.stacks().fn(f.at), f.err, f.nth});
    ex.add_thread(t.name, thread_main, &jobs_.back());
  }
  set_page_footprint(sc.page_footprint);
  levels_.direct(ex.objects().size());  // every object is registered by now
  if (ex.objects().size() <= kConflictKey + 1)
    for (ObjId id = 0; id < ex.objects().size(); ++id) {
      std::uint32_t c = static_cast<std::uint32_t>(ex.objects().conflict_key(id));
      if (ex.objects().readers_commute(id)) c |= kReadersCommute;
      if (ex.objects().wait_of(id) == ObjectRegistry::Wait::CompletionAll) c |= kTaskExit;
      conflict_of_.push_back(c);
    }
}

void Machine::set_observer_focus(ThreadMask observers, ThreadId thread, Pfn lo, Pfn hi, std::size_t piece) {
  k_.set_observer_focus(observers, thread, lo);
  std::vector<PageFootprint::Reach> visible;
  for (std::size_t t = 0; t < sc_.threads.size(); ++t) {
    const ThreadSpec& s = sc_.threads[t];
    visible.push_back(!(observers & thread_bit(unsigned(t))) ? PageFootprint::Reach{s.pages_any, s.pages_lo, s.pages_hi}
                      : t == thread                          ? PageFootprint::Reach{false, lo, hi}
                                                             : PageFootprint::Reach{false, 0, 0});
  }
  set_page_footprint(sc_.page_footprint, &visible);
  piece_salt_ = piece * 0x9e3779b97f4a7c15ULL;
  signatures_ = ScheduleMemo{};
}

void Machine::set_page_footprint(bool reduce, const std::vector<PageFootprint::Reach>* visible) {
  const std::size_t n = sc_.threads.size();
  std::vector<PageFootprint::Reach> reach;
  // before[i]: the threads thread i starts after, transitively (`after:`)
  std::vector<ThreadMask> before(n, 0), beside(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const ThreadSpec& t = sc_.threads[i];
    reach.push_back({t.pages_any, t.pages_lo, t.pages_hi});
    for (int j = t.after; j >= 0; j = sc_.threads[std::size_t(j)].after) before[i] |= thread_bit(unsigned(j));
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (j != i && !(before[i] >> j & 1) && !(before[j] >> i & 1)) beside[i] |= thread_bit(unsigned(j));
  k_.set_page_footprint(reach, beside, reduce, visible);
}

void Machine::add_checkers(std::uint32_t which) {
  stale_ = std::make_unique<StalePageChecker>(ex, k_);
  race_ = std::make_unique<RaceChecker>(ex);
  order_ = std::make_unique<LockOrderChecker>(ex, lockdep_recursive_read(), lockdep_gate());
  refs_ = std::make_unique<RefcountChecker>(ex);
  scope_ = std::make_unique<LockScopeChecker>(ex, sc_.era);
  misuse_ = std::make_unique<LockMisuseChecker>(ex);
  const std::array<Checker*, 6> all = {stale_.get(), race_.get(),  order_.get(),
                                       refs_.get(),  scope_.get(), misuse_.get()};
  checkers_.clear();
  for (unsigned i = 0; i < all.size(); ++i)
    if (which >> i & 1) checkers_.push_back(all[i]);
  for (Checker* c : checkers_) ex.add_observer(c);
}

Outcome Machine::run(Strategy& s, std::uint64_t i) {
  k_.reset();
  for (auto& d : done_) d->reset();
  return ex.run(s, i);
}

std::string Machine::op_result(const SimThread& t) const {
  const ThreadSpec& spec = sc_.threads[t.id];
  std::string o = "task " + t.name + " (T" + std::to_string(t.id) + "): " + spec.op;
  if (t.state != ThreadState::Finished) return o + " did not return";
  o += " returned " + errno_return(t.exit_err);
  if (t.exit_early) o += " early, at " + ex.stacks().top_name(t.exit_at);
  if (t.exit_injected) o += " (injected by the scenario's fail:)";
  return o;
}

std::vector<std::string> Machine::op_results() const {
  std::vector<std::string> out;
  for (const auto& t : ex.threads()) out.push_back(op_result(t));
  return out;
}

std::vector<Finding> Machine::findings(const Outcome& o) {
  std::vector<Finding> found;
  for (Checker* c : checkers_)
    for (auto& f : c->found()) found.push_back(std::move(f));
  engine_findings(ex, o, found);
  warning_findings(ex, k_, found);
  if (sc_.check_invariants && o.status == Outcome::Status::Completed)
    for (const auto& v : check_invariants(k_)) {
      Finding f;
      f.kind = FindingKind::Invariant;
      f.key = "invariant/" + v.rule;
      f.title = "BUG: mhpsim: model invariant " + v.rule + " violated at the end of the execution";
      f.summary = v.text;
      found.push_back(std::move(f));
    }
  // An op that returned early or with an error changed what the execution
  // did: say so next to what was found in it.
  if (!found.empty())
    for (const auto& t : ex.threads())
      if (t.state == ThreadState::Finished && (t.exit_early || t.exit_err))
        for (Finding& f : found) f.notes.push_back(op_result(t));
  return found;
}

std::uint64_t Machine::trace_signature() {
  return piece_salt_ ^
         (memo_ ? signatures_.get(ex.schedule().choices, [this] { return foata_signature(); }) : foata_signature());
}

std::uint64_t Machine::foata_signature() {
  // Foata levels: an event sits one level above the latest event it depends
  // on: same thread, or same object where one of the two stores, takes it
  // exclusively, releases it, blocks on it or counts it: touch_of(), dfs.cpp's
  // dependence too, so dpor's traces are the ones counted here: readers of one
  // rwsem commute, and a read-side acquire's or release's value (the reader
  // count, which depends on the order of the readers) is not part of its
  // identity.
  std::array<std::uint32_t, kMaxThreads> thread_level;
  std::fill_n(thread_level.begin(), ex.thread_count(), 0);
  levels_.clear();
  std::uint64_t sig = 0;
  const bool small = !conflict_of_.empty();
  for (const Event& e : ex.events()) {
    // A private event (kEvPrivate) is left out: no other thread's event is
    // ordered with it, and what it does follows from its thread's other
    // events, so the rest of the trace still tells traces apart.
    if (e.flags & kEvPrivate) continue;
    // touch() and conflict_key() from the per-object table while it exists
    Touch touch;
    ObjId key;
    if (small) {
      const std::uint32_t c = conflict_of_[e.obj];
      key = c & kConflictKey;
      touch = ObjectRegistry::touch_marked(e, c & kReadersCommute, c & kTaskExit);
      if (touch == Touch::None) continue;
    } else {
      touch = ex.objects().touch(e);
      if (touch == Touch::None) continue;
      key = ex.objects().conflict_key(e.obj);
    }
    const bool read_side = (e.kind == EvKind::Acquire || e.kind == EvKind::Release) && touch == Touch::Read;
    const bool shared = touch == Touch::Read;
    // a struct page is one object here, as for dpor
    Level& o = levels_[key];
    std::uint32_t lvl = std::max(thread_level[e.thread], shared ? o.excl : o.max) + 1;
    thread_level[e.thread] = lvl;
    if (!shared) o.excl = lvl;
    o.max = std::max(o.max, lvl);
    // order-independent within a level: a sum of per-event hashes, each one
    // 64x64->128-bit multiply folded (wyhash's mum): a fraction of the cost
    // of a full mixer per event, and a 64-bit sum either way
    const std::uint64_t value = read_side ? 0 : std::uint64_t(e.value);
    const std::uint64_t a =
        (std::uint64_t(lvl) << 32 | std::uint64_t(e.thread) << 16 | std::uint64_t(e.kind)) ^ 0xa0761d6478bd642fULL;
    const std::uint64_t b = (e.obj * 0xe7037ed1a0b428dbULL) ^ value ^ 0x8ebc6af09c88c6e3ULL;
    const unsigned __int128 m = static_cast<unsigned __int128>(a) * b;
    sig += std::uint64_t(m) ^ std::uint64_t(m >> 64);
  }
  return sig;
}

std::string Machine::event_log() const { return mhp::event_log_of(ex); }

}  // namespace mhp
