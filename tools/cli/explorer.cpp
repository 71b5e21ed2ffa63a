#include "tools/cli/explorer.hpp"

#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <vector>

#include "model/support/stop_request.hpp"
#include "tools/cli/machine.hpp"
#include "tools/cli/progress.hpp"
#include "tools/cli/schedule_trie.hpp"

namespace mhp {

namespace {

// The schedule trie around a memoryless strategy: a schedule run before has
// the same findings, whose keys the worker holds already, so it is counted
// without a run. Dropped once executions rarely repeat a schedule (a large
// scenario), to stop asking the strategy twice.
class Memo {
 public:
  explicit Memo(Strategy& s) : recorder_(s), find_(ScheduleTrie::finder(s)) {}
  Strategy& recorder() { return recorder_; }
  // Whether execution i repeats a schedule run before; if so it is counted.
  bool repeat(Strategy& s, std::uint64_t i, RunResult& r) {
    std::uint32_t leaf = find_(trie_, s, i);
    if (leaf == ScheduleTrie::kNone) return false;
    r.count_again(results_[leaf], i);
    ++repeats_;
    return true;
  }
  // After a run: its schedule and findings' entries. False: drop the memo.
  bool add(const Execution& ex, const Outcome& o, std::vector<RunResult::Entry*>&& entries) {
    if (o.status != Outcome::Status::Diverged &&
        trie_.add(ex.schedule().choices, recorder_.asked(), std::uint32_t(results_.size())))
      results_.push_back(std::move(entries));
    return !(++fresh_ > 1024 && fresh_ > 4 * repeats_);
  }

 private:
  ScheduleTrie trie_;
  ScheduleTrie::Recorder recorder_;
  ScheduleTrie::Finder find_;
  std::vector<std::vector<RunResult::Entry*>> results_;  // by trie leaf
  std::uint64_t repeats_ = 0, fresh_ = 0;
};

struct Shared {
  Shared(const Scenario& s, const SearchSpec& p) : sc(s), spec(p), line(p.progress) {}
  const Scenario& sc;
  const SearchSpec& spec;
  ProgressLine line;
  std::atomic<std::uint64_t> done{0};
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  std::mutex mu;
};

// One worker: its Machine (made on its own thread, where its fibers belong,
// once the search has an execution for it) and the loop.
void work(Shared& sh, Search& s, RunResult& r) {
  const bool replay = sh.spec.kind == SearchKind::Replay;
  std::unique_ptr<Machine> m;
  std::unique_ptr<Memo> memo;
  std::uint64_t i = 0;
  for (;;) {
    if (!replay && stopping()) {
      r.stopped = true;
      break;
    }
    if (!s.next(i)) break;
    if (!m) {
      m = std::make_unique<Machine>(sh.sc);
      m->ex.set_stoppable(!replay);
      m->add_checkers();
      m->set_known(&r);
      m->set_memo(sh.spec.memo);
      s.bind(*m);
      if (sh.spec.memo && s.strategy().memoryless()) memo = std::make_unique<Memo>(s.strategy());
    }
    if (!(memo && memo->repeat(s.strategy(), i, r)) && !s.take(*m, r, i)) {
      Outcome o = m->run(memo ? memo->recorder() : s.strategy(), i);
      if (o.status == Outcome::Status::Stopped) {  // cut in the middle: it does not count
        // (the lock dependencies it met are real: stamped with its schedule so far)
        if (m->order().has_unstamped()) m->order().end_execution(i, m->ex.schedule().encode());
        r.stopped = true;
        break;
      }
      s.outcome(o);
      // The schedule is encoded only when a witness needs it: a new lock
      // dependency or a finding key this worker does not hold yet.
      std::optional<std::string> encoded;
      auto schedule = [&]() -> const std::string& {
        if (!encoded) encoded = m->ex.schedule().encode();
        return *encoded;
      };
      if (m->order().has_unstamped()) m->order().end_execution(i, schedule());
      std::vector<RunResult::Entry*> entries;
      if (s.counts()) {
        std::vector<Finding> found = m->findings(o);
        for (std::size_t p = 0; p < found.size(); ++p) found[p].position = p + 1;
        r.add_execution(std::move(found), i, schedule, memo ? &entries : nullptr);
        r.traces.insert(m->trace_signature());
      }
      if (replay || sh.spec.only) {  // the one execution asked for
        if (sh.spec.events) r.event_log = m->event_log();
        r.op_results = m->op_results();
      }
      if (memo && !memo->add(m->ex, o, std::move(entries))) memo.reset();
      ++r.simulated;
      s.ran();
    }
    ++r.executions;
    const std::uint64_t d = sh.done.fetch_add(1) + 1;
    if ((d & 255) == 0 && sh.line.due()) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - sh.t0).count();
      std::lock_guard<std::mutex> g(sh.mu);
      sh.line.print(s.progress(d, secs, r));
    }
  }
  s.end();
  if (m) r.graph.merge(m->order().graph());
}

}  // namespace

Explored explore(const Scenario& sc, const SearchSpec& spec, const SearchFactory& make, unsigned workers) {
  Shared sh(sc, spec);
  Explored x;
  x.search = make();
  if (workers <= 1) {
    work(sh, *x.search, x.run);
  } else {
    // Each worker is one oneTBB task that makes, uses and destroys its
    // Machine on its own thread; results merge in worker order (the merge
    // does not depend on it).
    std::vector<std::unique_ptr<Search>> searches;
    searches.push_back(std::move(x.search));
    for (unsigned w = 1; w < workers; ++w) searches.push_back(make());
    std::vector<RunResult> results(workers);
    tbb::task_arena arena(static_cast<int>(workers));
    arena.execute([&] {
      tbb::task_group g;
      for (unsigned w = 0; w < workers; ++w) g.run([&, w] { work(sh, *searches[w], results[w]); });
      g.wait();
    });
    for (unsigned w = 0; w < workers; ++w) x.run.merge(std::move(results[w]));
    x.search = std::move(searches[0]);
  }
  sh.line.clear();
  return x;
}

}  // namespace mhp
