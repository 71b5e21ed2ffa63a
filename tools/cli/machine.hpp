// One scenario's simulated machine: the execution engine, the kernel model,
// the threads running their (variant-edited) step programs, and the checkers.
// run() plays one execution under a strategy; findings() collects what every
// checker, the engine, the kernel's WARNs and the invariants found in it.
// A run with --jobs N builds one Machine per worker thread.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "checkers/lock_misuse.hpp"
#include "checkers/lock_order.hpp"
#include "checkers/lock_scope.hpp"
#include "checkers/race.hpp"
#include "checkers/refcount.hpp"
#include "checkers/stale_page.hpp"
#include "model/engine/execution.hpp"
#include "model/engine/obj_table.hpp"
#include "model/kernel/kernel.hpp"
#include "model/scenario/scenario.hpp"
#include "tools/cli/schedule_memo.hpp"

namespace mhp {

struct ThreadJob {
  Kernel* k;
  const OpProgram* prog;
  OpArgs args;
  Completion* after = nullptr;  // started only once that thread has finished
  Completion* done = nullptr;
  std::vector<Injection> inject;  // the thread's `fail:`
};

std::string event_log_of(const Execution& ex);

class Machine {
 public:
  explicit Machine(const Scenario& sc);
  // Attaches the checkers (after any calibration run that must not be checked).
  // which: a mask of kCheckStale, kCheckRace, ... (all by default; fewer only
  // for the bench's cost breakdown: a report needs every checker).
  // A new checker takes the next bit and comes last in add_checkers(), so the
  // findings of the others keep their order in every report.
  static constexpr std::uint32_t kCheckStale = 1, kCheckRace = 2, kCheckOrder = 4, kCheckRefs = 8, kCheckScope = 16,
                                 kCheckMisuse = 32;
  static constexpr std::uint32_t kAllCheckers = 63;
  void add_checkers(std::uint32_t which = kAllCheckers);
  // Keys whose findings the caller holds already (see KnownKeys); null: none.
  void set_known(const KnownKeys* k) {
    for (Checker* c : checkers_) c->set_known(k);
  }
  // Whether an access to a struct page that no other thread's op may touch
  // skips its choice point (on by default; off: `--all-choice-points`, and the
  // schedules recorded so). The declarations are checked either way.
  // visible: a split search's narrower reach of its observers.
  void set_page_footprint(bool reduce, const std::vector<PageFootprint::Reach>* visible = nullptr);
  // A search split by observer pfn (Kernel::set_observer_focus()): the
  // observers' pages other than [lo, hi) of `thread` are touched only by
  // hidden items (PageFootprint's Quiet); piece: the search's number, which
  // keeps the trace signatures of different pieces apart (they leave out
  // different events).
  void set_observer_focus(ThreadMask observers, ThreadId thread, Pfn lo, Pfn hi, std::size_t piece);
  Outcome run(Strategy& s, std::uint64_t execution_index);
  std::vector<Finding> findings(const Outcome& o);
  std::string event_log() const;
  // How each thread's op returned in the last execution ("task offline (T1):
  // offline_pages returned -EBUSY early, at start_isolate_page_range").
  std::vector<std::string> op_results() const;
  // The execution's Mazurkiewicz trace, as a hash of its Foata normal form:
  // executions that only reorder independent events get the same value.
  std::uint64_t trace_signature();
  // Off: every signature is computed from the events (--no-memo).
  void set_memo(bool on) { memo_ = on; }
  LockOrderChecker& order() { return *order_; }
  // The modelled kernel as the last execution left it (tests).
  const Kernel& kernel() const { return k_; }
  Execution ex;

 private:
  const Scenario& sc_;
  Kernel k_;
  std::map<std::string, OpProgram> programs_;
  std::vector<ThreadJob> jobs_;
  std::vector<std::unique_ptr<Completion>> done_;
  std::unique_ptr<StalePageChecker> stale_;
  std::unique_ptr<RaceChecker> race_;
  std::unique_ptr<LockOrderChecker> order_;
  std::unique_ptr<RefcountChecker> refs_;
  std::unique_ptr<LockScopeChecker> scope_;
  std::unique_ptr<LockMisuseChecker> misuse_;
  std::vector<Checker*> checkers_;
  std::uint64_t foata_signature();
  std::string op_result(const SimThread& t) const;
  ScheduleMemo signatures_;  // trace_signature() of the schedules run so far
  std::uint64_t piece_salt_ = 0;
  bool memo_ = true;
  // foata_signature()'s per-object Foata levels, cleared by generation
  struct Level {
    std::uint32_t excl = 0, max = 0;
  };
  ObjTable<Level> levels_;
  // conflict_key() of each object, while the registry is small, with the
  // two marks touch() looks up: one load per event instead of a walk over
  // the grouped ranges and two binary searches
  static constexpr std::uint32_t kConflictKey = (1u << 18) - 1, kReadersCommute = 1u << 30, kTaskExit = 1u << 31;
  std::vector<std::uint32_t> conflict_of_;
};

}  // namespace mhp
