#include "tools/cli/dfs_helpers.hpp"

#include <algorithm>
#include <set>

#include "model/support/stop_request.hpp"
#include "tools/cli/machine.hpp"

namespace mhp {

namespace {

// A helper queues at most this many records ahead of the search, then stops
// (the search takes the rest of the subtree over): a subtree may hold
// millions of executions.
constexpr std::size_t kMaxQueued = 4096;

struct Stop {};  // a stop request: the helper ends its subtree

bool starts_with(const std::vector<ThreadId>& v, const std::vector<ThreadId>& p) {
  return p.size() <= v.size() && std::equal(p.begin(), p.end(), v.begin());
}

// The keys a helper met in its current subtree, numbered in order of first
// meeting: the search takes the records in order, so a key's text comes with
// its first record and later records name it by number.
struct SubtreeKeys final : KnownKeys {
  std::map<std::string, std::uint32_t> ids;
  bool has(const std::string& key) const override { return ids.count(key) != 0; }
};

}  // namespace

// Helpers are plain threads, not oneTBB tasks: each waits on a condition
// variable between subtrees, and a Machine's fibers belong to the thread
// that made it, so each helper keeps its own for the whole search.
DfsHelpers::DfsHelpers(const Scenario& sc, unsigned helpers, bool memo) : sc_(sc), memo_(memo) {
  for (unsigned h = 0; h < helpers; ++h) slots_.push_back(std::make_unique<Slot>());
  for (auto& s : slots_) s->thread = std::thread([this, slot = s.get()] { helper_main(*slot); });
}

DfsHelpers::~DfsHelpers() {
  {
    std::lock_guard<std::mutex> g(mu_);
    shutdown_ = true;
    for (auto& t : active_) t->stop = true;
  }
  cv_.notify_all();
  for (auto& s : slots_) s->thread.join();
}

void DfsHelpers::helper_main(Slot& slot) {
  std::unique_ptr<Machine> m;
  SubtreeKeys keys;
  std::set<std::pair<std::string, std::string>> ungated;  // dependencies sent as not gated
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    cv_.wait(lock, [&] { return shutdown_ || slot.task; });
    --idle_;
    if (shutdown_) return;
    std::shared_ptr<Task> task = slot.task;
    lock.unlock();
    if (!m) {
      m = std::make_unique<Machine>(sc_);
      m->ex.set_stoppable(true);
      m->add_checkers();
      m->set_known(&keys);
      m->set_memo(memo_);
      m->order().set_logging(true);
    }
    keys.ids.clear();
    ungated.clear();
    m->order().forget();
    DfsStrategy& s = task->search;
    for (;;) {
      auto rec = std::make_unique<DfsRecord>();
      bool more = false, stopped = stopping();
      try {
        Outcome o = stopped ? Outcome{Outcome::Status::Stopped, ""} : m->run(s, 0);
        // a stop: no record (an execution cut short, or none), the search takes the path over and stops
        if (o.status == Outcome::Status::Stopped) throw Stop{};
        rec->status = o.status;
        rec->detail = o.detail;
        rec->repeat = s.repeat();
        rec->redundant = s.redundant();
        bool witness = false;  // the record needs the schedule's text
        if (!rec->repeat) {    // (the search counts no finding of a re-run)
          std::vector<Finding> found = m->findings(o);
          const std::size_t known = keys.ids.size();  // ids from here on are this record's fresh keys
          for (std::size_t p = 0; p < found.size(); ++p) {
            auto [it, fresh] = keys.ids.try_emplace(found[p].key, std::uint32_t(keys.ids.size()));
            if (!fresh) {
              if (it->second < known) rec->held.push_back(it->second);  // (a key counts once per execution)
              continue;
            }
            found[p].position = p + 1;
            rec->fresh.push_back(std::move(found[p]));
            witness = true;
          }
          rec->signature = m->trace_signature();
        }
        // A dependency's text once, and once the news that it was taken
        // without the gate: later recordings change nothing in the graph.
        for (auto& r : m->order().take_recordings()) {
          const bool first_ungated = !r.gated && ungated.insert({r.from, r.to}).second;
          if (!r.has_edge && !first_ungated) continue;
          witness = witness || r.has_edge;
          rec->deps.push_back(std::move(r));
        }
        if (witness) rec->schedule = m->ex.schedule().encode();
        more = o.status != Outcome::Status::Diverged && s.next();
        rec->adds.swap(s.additions());
        s.additions().clear();
        rec->last = !more && o.status != Outcome::Status::Diverged;
      } catch (const Stop&) {
        stopped = true;
      } catch (const std::exception& e) {
        rec->error = e.what();
        more = false;
      }
      lock.lock();
      if (stopped) break;
      task->queue.push_back(std::move(rec));
      if (!more || task->stop || task->queue.size() - task->head >= kMaxQueued) break;
      lock.unlock();
      cv_.notify_all();
    }
    task->running = false;  // (under the lock: the search may now read task->search)
    slot.task = nullptr;
    cv_.notify_all();
  }
}

void DfsHelpers::drop(const std::shared_ptr<Task>& t) {
  t->stop = true;
  active_.erase(std::remove(active_.begin(), active_.end(), t), active_.end());
}

std::shared_ptr<DfsHelpers::Task> DfsHelpers::arrive(const DfsStrategy& dfs) {
  std::lock_guard<std::mutex> g(mu_);
  if (active_.empty()) return nullptr;
  dfs.prefix(key_);
  for (auto& a : active_)
    if (a->prefix == key_) {
      if (a->root_state == dfs.root_state(key_.size() - 1)) return a;
      drop(a);  // the search tried other threads there first: not the subtree the helper searched
      return nullptr;
    }
  return nullptr;
}

std::unique_ptr<DfsRecord> DfsHelpers::next(Task& t) {
  std::unique_lock<std::mutex> lock(mu_);
  if (t.head == t.queue.size() && t.running) {
    // Caught up: rather than wait, the search takes the rest over once the
    // helper's current execution is queued.
    t.stop = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !t.running; });
  }
  if (t.head == t.queue.size()) return nullptr;
  return std::move(t.queue[t.head++]);
}

std::vector<std::size_t> DfsHelpers::held_index(const Task& t, const DfsRecord& r) const {
  std::vector<std::size_t> out;
  out.reserve(r.held.size());
  for (std::uint32_t id : r.held) out.push_back(t.index[id]);
  return out;
}

void DfsHelpers::note_fresh(Task& t, const std::vector<std::size_t>& fresh_index) {
  t.index.insert(t.index.end(), fresh_index.begin(), fresh_index.end());
}

bool DfsHelpers::leave(const std::shared_ptr<Task>& t, DfsStrategy& dfs, bool subtree_done) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    drop(t);
    cv_.wait(lock, [&] { return !t->running; });
  }
  if (subtree_done) return dfs.after_subtree(t->search);
  dfs.adopt(t->search);
  return true;
}

void DfsHelpers::lend(const DfsStrategy& dfs) {
  std::lock_guard<std::mutex> g(mu_);
  if (idle_ == 0 || shutdown_) return;
  dfs.pending_branches(branches_);
  if (branches_.empty()) return;
  dfs.prefix(key_);
  bool lent = false;
  // The shallowest branches of the deeper half of the path: a shallower one
  // holds more work but is reached later, in a search stopped at
  // explore.executions maybe never. With --jobs 2 on S8: the plain search
  // at bound 2 stopped at 200,000 took 2.14 s with this rule, 3.09 s lending
  // from the root; sleep sets stopped at 100,000, 1.71 against 3.49 s; the
  // complete BPOR search at bound 2, 4.45-4.65 s either way.
  for (const auto& [d, t] : branches_) {
    if (d < key_.size() / 2) continue;
    Slot* free = nullptr;
    for (auto& s : slots_)
      if (!s->task) free = s.get();
    if (!free) break;
    std::vector<ThreadId> p(key_.begin(), key_.begin() + std::ptrdiff_t(d));
    p.push_back(t);
    bool overlaps = false;
    for (auto& a : active_) overlaps = overlaps || starts_with(p, a->prefix) || starts_with(a->prefix, p);
    if (overlaps) continue;
    auto task = std::make_shared<Task>(p, dfs.subtree(d, t));
    task->root_state = task->search.root_state(d);
    active_.push_back(task);
    free->task = task;
    lent = true;
  }
  if (lent) cv_.notify_all();
}

}  // namespace mhp
