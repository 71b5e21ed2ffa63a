#include "tools/cli/shrink.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "model/engine/dfs.hpp"
#include "model/support/stop_request.hpp"
#include "tools/cli/machine.hpp"

namespace mhp {

namespace {

using Runs = std::vector<std::pair<ThreadId, std::uint64_t>>;

Runs to_runs(const Schedule& s) {
  Runs r;
  for (ThreadId t : s.choices)
    if (!r.empty() && r.back().first == t)
      ++r.back().second;
    else
      r.push_back({t, 1});
  return r;
}

Schedule from_runs(const Runs& r) {
  Schedule s;
  for (auto [t, c] : r) s.choices.insert(s.choices.end(), c, t);
  return s;
}

// Follows a schedule while it can; then keeps the running thread (or the
// lowest enabled one), i.e. adds no preemption of its own.
class LenientReplay final : public Strategy {
 public:
  explicit LenientReplay(Schedule s) : s_(std::move(s)) {}
  void begin_execution(std::uint64_t) override { pos_ = 0; }
  ThreadId choose(ThreadMask enabled, ThreadId current) override {
    if (pos_ < s_.choices.size()) {
      ThreadId t = s_.choices[pos_++];
      if (enabled & thread_bit(t)) return t;
    }
    if (current != kNoThread && (enabled & thread_bit(current))) return current;
    return lowest_thread(enabled);
  }

 private:
  Schedule s_;
  std::size_t pos_ = 0;
};

struct Cost {
  std::size_t switches, length;
  bool operator<(const Cost& o) const { return std::tie(switches, length) < std::tie(o.switches, o.length); }
};
Cost cost_of(const Schedule& s) { return {to_runs(s).size(), s.choices.size()}; }

struct Found {
  Schedule schedule;
  Finding seen;
};

// Greedy cuts cannot leave a local minimum: a witness of 40 switches found
// by a random schedule may need only one preemption. So first a bounded
// partial-order search (BPOR, fewest preemptions first, as `--strategy dfs
// --reduce dpor --bound kSearchBound`) of at most kSearchExecutions
// executions, one for all the findings of the scenario: the first execution
// that shows a key is a witness of it with the fewest preemptions the search
// reached. Greedy shrinking then polishes whichever witness is smaller.
constexpr unsigned kSearchBound = 2;
constexpr std::uint64_t kSearchExecutions = 2000;
constexpr std::uint64_t kSearchSteps = 20000000;  // and at most this many choice points in all

std::map<std::string, Found> search_witnesses(Machine& m, const Scenario& sc, const std::vector<Finding>& findings) {
  std::map<std::string, Found> first;
  std::size_t wanted = 0;
  for (const Finding& f : findings) wanted += !f.whole_run;
  if (wanted == 0) return first;
  m.ex.set_step_budget(sc.step_budget);
  DfsStrategy dfs(kSearchBound, Reduction::Dpor, &m.ex.objects());
  std::uint64_t steps = 0;
  for (std::uint64_t i = 0; i < kSearchExecutions && steps < kSearchSteps && !stopping(); ++i) {
    Outcome o = m.run(dfs, i);
    steps += m.ex.steps();
    if (o.status != Outcome::Status::Diverged)
      for (Finding& g : m.findings(o))
        if (!first.count(g.key))
          for (const Finding& f : findings)
            if (f.key == g.key && !f.whole_run) {
              std::string key = g.key;  // (g is moved below)
              first.emplace(std::move(key), Found{m.ex.schedule(), std::move(g)});
              break;
            }
    if (first.size() == wanted || !dfs.next()) break;
  }
  return first;
}

}  // namespace

void shrink_findings(const Scenario& sc, std::vector<Finding>& findings, unsigned max_tries) {
  std::unique_ptr<Machine> m;
  std::map<std::string, Found> searched;
  for (Finding& f : findings) {
    if (f.whole_run) continue;
    if (stopping()) return;  // a stop keeps the witnesses as they are (run.cpp marks the report)
    if (!m) {
      m = std::make_unique<Machine>(sc);
      m->add_checkers();
      searched = search_witnesses(*m, sc, findings);
    }
    // A candidate that keeps a spinning thread running (a seqcount reader
    // whose writer never gets the CPU) would spin to the scenario's whole
    // step budget: a candidate may take at most twice the witness's steps,
    // and shrinking one finding at most kShrinkSteps steps in all (real
    // geometries run millions of steps an execution).
    constexpr std::uint64_t kShrinkSteps = 20000000;
    // A timing run's witness was recorded with every access a choice point:
    // shrunk so too, and not against the search's witnesses.
    m->set_page_footprint(sc.page_footprint && !f.all_choice_points);
    unsigned budget = max_tries;
    m->ex.set_step_budget(sc.step_budget);
    {
      LenientReplay witness(Schedule::decode(f.schedule));
      m->run(witness, f.execution);
    }
    std::uint64_t steps_used = m->ex.steps();
    m->ex.set_step_budget(std::min<std::uint64_t>(sc.step_budget, 2 * m->ex.steps() + 10000));
    // Replays a candidate; on success returns the schedule the execution
    // recorded and the finding as that execution reports it.
    unsigned tries = 0;
    auto attempt = [&](const Schedule& cand, Schedule& recorded, Finding& seen) {
      ++tries;
      LenientReplay s(cand);
      Outcome o = m->run(s, f.execution);
      steps_used += m->ex.steps();
      if (steps_used > kShrinkSteps || stopping()) budget = tries;  // this is the last try
      for (const Finding& g : m->findings(o))
        if (g.key == f.key) {
          recorded = m->ex.schedule();
          seen = g;
          return true;
        }
      return false;
    };
    Schedule best = Schedule::decode(f.schedule);
    Finding best_seen;
    std::size_t before = to_runs(best).size();
    bool from_search = false;
    if (auto it = searched.find(f.key);
        !f.all_choice_points && it != searched.end() && cost_of(it->second.schedule) < cost_of(best)) {
      best = it->second.schedule;
      best_seen = it->second.seen;
      from_search = true;
    }
    bool improved = true;
    while (improved && tries < budget) {
      improved = false;
      Runs r = to_runs(best);
      // Candidates, built one at a time (a real-geometry witness has ~1e5
      // runs: the list of all of them would not fit in memory): cut short,
      // drop one run (one switch fewer), halve a run.
      const std::size_t n = r.size();
      for (std::size_t k = 0; k < 3 * n && tries < budget && !improved; ++k) {
        Runs c;
        if (k < n) {
          c.assign(r.begin(), r.begin() + long(k));
        } else if (k < 2 * n) {
          c = r;
          c.erase(c.begin() + long(k - n));
        } else {
          if (r[k - 2 * n].second < 2) continue;
          c = r;
          c[k - 2 * n].second /= 2;
        }
        Schedule cand = from_runs(c), rec;
        Finding seen;
        if (!(cost_of(cand) < cost_of(best)) && c.size() >= r.size()) continue;
        if (attempt(cand, rec, seen) && cost_of(rec) < cost_of(best)) {
          best = rec;
          best_seen = std::move(seen);
          improved = true;
        }
      }
    }
    std::size_t after = to_runs(best).size();
    if (after < before || best.choices.size() < Schedule::decode(f.schedule).choices.size()) {
      // The report describes the execution its schedule replays: the shrunk
      // one may hit the same key at another pfn or with another stack.
      f.title = std::move(best_seen.title);
      f.summary = std::move(best_seen.summary);
      f.notes = std::move(best_seen.notes);
      f.sides = std::move(best_seen.sides);
      f.notes.push_back("witness shrunk from " + std::to_string(before ? before - 1 : 0) + " to " +
                        std::to_string(after ? after - 1 : 0) + " thread switches (" +
                        (from_search ? "found again by a preemption-bounded search, then " : "") +
                        std::to_string(tries) + " replays)");
      f.schedule = best.encode();
    }
  }
}

}  // namespace mhp
