#include "tools/cli/explore.hpp"
#include "tools/cli/progress.hpp"

#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <unordered_set>

#include "model/support/stop_request.hpp"
#include "tools/cli/machine.hpp"
#include "tools/cli/schedule_trie.hpp"

namespace mhp {

namespace {

struct Entry {
  Finding f;
  std::uint64_t exec = 0;
  std::size_t pos = 0;
  std::uint64_t count = 0;
  std::uint64_t last = 0;  // last execution counted
};

struct Worker final : KnownKeys {
  std::unique_ptr<Machine> m;
  std::unique_ptr<Strategy> s;
  std::map<std::string, Entry> found;
  std::uint64_t runs = 0;
  std::unordered_set<std::uint64_t> traces;
  // A memoryless strategy's schedules run so far, each with the entries of
  // its execution's findings; dropped if executions rarely repeat a schedule.
  std::unique_ptr<ScheduleTrie> trie;
  std::unique_ptr<ScheduleTrie::Recorder> recorder;
  ScheduleTrie::Finder find = nullptr;
  std::vector<std::vector<Entry*>> results;  // by trie leaf
  std::uint64_t repeats = 0, fresh = 0;
  // A worker's executions ascend, so a key it holds keeps its witness:
  // record() only counts it, and the checkers may skip its report text.
  bool has(const std::string& key) const override { return found.count(key) != 0; }
};

// schedule(): the execution's encoded schedule, only asked for a witness.
// entries (if not null): each finding's Entry, for the schedule trie.
template <class EncodedSchedule>
void record(Worker& w, std::vector<Finding>&& found, std::uint64_t exec, EncodedSchedule&& schedule,
            std::vector<Entry*>* entries) {
  std::size_t pos = 0;
  for (Finding& f : found) {
    auto it = w.found.find(f.key);
    ++pos;
    if (it != w.found.end()) {
      if (entries) entries->push_back(&it->second);
      if (it->second.last == exec) continue;  // a key counts once per execution
      ++it->second.count;
      it->second.last = exec;
      // (cannot happen within a worker's ascending ranges, so f is never a known-key stub here)
      if (exec < it->second.exec) {
        f.execution = exec;
        f.schedule = schedule();
        f.position = pos;
        it->second.f = std::move(f);
        it->second.exec = exec;
        it->second.pos = pos;
      }
      continue;
    }
    f.execution = exec;
    f.schedule = schedule();
    f.position = pos;
    std::string key = f.key;  // (the Entry below moves f)
    auto added = w.found.emplace(std::move(key), Entry{std::move(f), exec, pos, 1, exec}).first;
    if (entries) entries->push_back(&added->second);
  }
}

}  // namespace

Exploration explore(const Scenario& sc, std::uint64_t n, unsigned jobs, const StrategyFactory& make,
                    std::optional<std::pair<std::uint64_t, std::uint64_t>> shard,
                    std::optional<std::uint64_t> only, bool progress_line, bool memo, bool events) {
  std::string only_log;  // the event log of execution `only`, when asked
  std::vector<std::string> only_results;  // how its ops returned
  auto mine = [&](std::uint64_t i) {
    return (!shard || i % shard->second == shard->first) && (!only || i == *only);
  };
  // The progress line (tools/cli/progress.hpp): executions, rate, ETA.
  ProgressLine line(progress_line);
  std::atomic<std::uint64_t> done{0};
  auto t0 = std::chrono::steady_clock::now();
  auto progress = [&](std::uint64_t k) {
    std::uint64_t d = done.fetch_add(k) + k;
    if ((d & 255) != 0 || !line.due()) return;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::uint64_t total = shard ? (n + shard->second - 1) / shard->second : n;
    char b[256];
    std::snprintf(b, sizeof b, "%s: %llu/%llu executions, %.0f/s, ETA %.0f s", sc.name.c_str(), (unsigned long long)d,
                  (unsigned long long)total, d / s, (total - std::min(total, d)) / (d / s));
    line.print(b);
  };
  std::atomic<bool> stopped{false};
  auto body = [&](Worker& w, std::uint64_t lo, std::uint64_t hi) {
    if (!w.m) {
      w.m = std::make_unique<Machine>(sc);
      w.m->ex.set_stoppable(true);
      w.m->add_checkers();
      w.m->set_known(&w);
      w.s = make();
      if (!memo) w.m->set_memo(false);
      if (memo && w.s->memoryless()) {
        w.trie = std::make_unique<ScheduleTrie>();
        w.recorder = std::make_unique<ScheduleTrie::Recorder>(*w.s);
        w.find = ScheduleTrie::finder(*w.s);
      }
    }
    for (std::uint64_t i = lo; i < hi; ++i) {
      if (!mine(i)) continue;
      if (stopping()) {
        stopped = true;
        return;
      }
      if (w.trie) {  // a schedule run before: the same findings, every key held already
        std::uint32_t r = w.find(*w.trie, *w.s, i);
        if (r != ScheduleTrie::kNone) {
          for (Entry* e : w.results[r])
            if (e->last != i) {
              ++e->count;
              e->last = i;
            }
          ++w.repeats;
          ++w.runs;
          progress(1);
          continue;
        }
      }
      Outcome o = w.m->run(w.trie ? static_cast<Strategy&>(*w.recorder) : *w.s, i);
      if (o.status == Outcome::Status::Stopped) {  // cut in the middle: it does not count
        // (the lock dependencies it met are real: stamped with its schedule so far)
        if (w.m->order().has_unstamped()) w.m->order().end_execution(i, w.m->ex.schedule().encode());
        stopped = true;
        return;
      }
      // The schedule is encoded only when a witness needs it: a new lock
      // dependency or a finding key this worker does not hold yet.
      std::optional<std::string> encoded;
      auto schedule = [&]() -> const std::string& {
        if (!encoded) encoded = w.m->ex.schedule().encode();
        return *encoded;
      };
      if (w.m->order().has_unstamped()) w.m->order().end_execution(i, schedule());
      std::vector<Entry*> entries;
      record(w, w.m->findings(o), i, schedule, w.trie ? &entries : nullptr);
      w.traces.insert(w.m->trace_signature());
      if (only) {
        if (events) only_log = w.m->event_log();
        only_results = w.m->op_results();
      }
      if (w.trie) {
        if (o.status != Outcome::Status::Diverged &&
            w.trie->add(w.m->ex.schedule().choices, w.recorder->asked(), std::uint32_t(w.results.size())))
          w.results.push_back(std::move(entries));
        // Few repeats (a large scenario): stop asking the strategy twice.
        if (++w.fresh > 1024 && w.fresh > 4 * w.repeats) {
          w.trie.reset();
          w.results.clear();
        }
      }
      ++w.runs;
      progress(1);
    }
  };
  // A Machine's fibers belong to the thread that made it, so each worker is
  // one oneTBB task that builds, uses and destroys its Machine on its own
  // thread, taking chunks of executions from a shared counter. Its lock-order
  // graph is merged into `graph` before the Machine goes.
  Execution graph_ex;
  LockOrderChecker graph(graph_ex, lockdep_recursive_read(), lockdep_gate());
  bool have_graph = false;
  std::mutex mu;
  auto finish = [&](Worker& w) {
    if (!w.m) return;
    std::lock_guard<std::mutex> g(mu);
    graph.merge_from(w.m->order());
    have_graph = true;
    w.m.reset();
  };
  std::vector<Worker> pool(jobs <= 1 ? 1 : jobs);
  if (jobs <= 1) {
    // No executions (a timing scenario's): no Machine either. At the real
    // geometry one is hundreds of MiB to build and fault in, for nothing;
    // the jobs > 1 path below builds none then too.
    if (n > 0) body(pool[0], 0, n);
    finish(pool[0]);
  } else {
    constexpr std::uint64_t kChunk = 32;
    std::atomic<std::uint64_t> next{0};
    tbb::task_arena arena(static_cast<int>(jobs));
    arena.execute([&] {
      tbb::task_group g;
      for (auto& w : pool)
        g.run([&, wp = &w] {
          for (;;) {
            std::uint64_t lo = next.fetch_add(kChunk);
            if (lo >= n || stopped.load()) break;
            body(*wp, lo, std::min(n, lo + kChunk));
          }
          finish(*wp);
        });
      g.wait();
    });
  }
  std::vector<Worker*> workers;
  for (auto& w : pool) workers.push_back(&w);
  // Deterministic merge: per key the smallest (execution, position) witness, counts summed.
  line.clear();
  std::map<std::string, Entry> all;
  Exploration x;
  std::unordered_set<std::uint64_t> traces;
  for (Worker* w : workers) {
    x.executions += w->runs;
    x.simulated += w->runs - w->repeats;
    traces.insert(w->traces.begin(), w->traces.end());
    for (auto& [key, e] : w->found) {
      auto it = all.find(key);
      if (it == all.end()) {
        all.emplace(key, std::move(e));
        continue;
      }
      it->second.count += e.count;
      if (std::make_pair(e.exec, e.pos) < std::make_pair(it->second.exec, it->second.pos)) {
        std::uint64_t c = it->second.count;
        it->second = std::move(e);
        it->second.count = c;
      }
    }
  }
  x.traces = traces.size();
  x.stopped = stopped.load();
  x.event_log = std::move(only_log);
  x.op_results = std::move(only_results);
  std::vector<Entry*> order;
  for (auto& [key, e] : all) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    return std::make_pair(a->exec, a->pos) < std::make_pair(b->exec, b->pos);
  });
  for (Entry* e : order) {
    e->f.count = e->count;
    x.findings.push_back(std::move(e->f));
  }
  // Lock-order cycles: the union of every worker's dependency graph.
  if (have_graph) x.lock_graph = graph.edges();
  if (have_graph)
    for (auto& f : graph.cycles()) {
      bool dup = false;
      for (auto& g : x.findings) dup |= g.key == f.key;
      if (!dup) x.findings.push_back(std::move(f));
    }
  return x;
}

}  // namespace mhp
