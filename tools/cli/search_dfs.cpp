// dfs: the exhaustive search of the schedule tree (model/engine/dfs.hpp),
// within a preemption bound or reduced (sleep sets, source-DPOR, BPOR).
// Sequential by nature; with --jobs N, N-1 helpers search subtrees ahead and
// the search takes their executions in its own order (dfs_helpers.hpp), so
// the report is the same for any N. With --shard I/N a plain or sleep-set
// search's tree is split into pieces and this search takes every N-th
// (DfsStrategy::split); `mhpsim merge` states the whole search from the
// shards' result lines. A source-DPOR or BPOR search runs whole in shard 0
// (splits()).
// With `observers: per_pfn` the search is one dfs search per pfn of each
// observer thread's loop, one after the other (pieces_): each explores that
// pfn's item and runs the observers' other items without choice points
// (Kernel::set_observer_focus()). An observer only loads and its items are
// independent, so a finding of the whole search is a finding of the piece of
// the item it involves (or of every piece, if it involves none); the union
// is complete when every piece is. docs/DESIGN.md states the argument.
#include <cstdio>
#include <optional>
#include <stdexcept>

#include "model/support/hex.hpp"
#include "model/support/stop_request.hpp"
#include "tools/cli/dfs_helpers.hpp"
#include "tools/cli/machine.hpp"
#include "tools/cli/search.hpp"
#include "tools/cli/stop_signals.hpp"

namespace mhp {

namespace {

class DfsSearch final : public Search {
 public:
  DfsSearch(const Scenario& sc, const SearchSpec& spec) : sc_(sc), spec_(spec) {}
  // The search's order of objects is its machine's (DPOR's races name them).
  void bind(Machine& m) override {
    m_ = &m;
    dfs_.emplace(spec_.bound, spec_.reduction, &m.ex.objects());
    if (splits(spec_)) dfs_->split(spec_.shard->first, spec_.shard->second);
    if (spec_.observers_per_pfn) {
      pieces_ = observer_pieces(sc_, m);
      if (!pieces_.empty()) m.set_observer_focus(observers_, pieces_[0].thread, pieces_[0].pfn, pieces_[0].end, 0);
    } else if (spec_.jobs > 1) {  // (the pieces run on this worker alone)
      helpers_ = std::make_unique<DfsHelpers>(sc_, spec_.jobs - 1, spec_.memo);
    }
  }
  ~DfsSearch() override { helpers_.reset(); }

  bool next(std::uint64_t& index) override {
    if (started_) {
      if (!more_ && piece_ + 1 < pieces_.size()) {  // the next observer pfn's search
        ++piece_;
        dfs_.emplace(spec_.bound, spec_.reduction, &m_->ex.objects());
        m_->set_observer_focus(observers_, pieces_[piece_].thread, pieces_[piece_].pfn, pieces_[piece_].end, piece_);
        more_ = true;
      }
      if (!more_) {
        complete_ = true;
        return false;
      }
      if (i_ >= spec_.executions) return false;
      if (helpers_) helpers_->lend(*dfs_);
    }
    started_ = true;
    // What comes next: a helper's execution in the subtree the path is at, or a run.
    rec_.reset();
    if (helpers_ && !lent_) lent_ = helpers_->arrive(*dfs_);
    if (lent_) {
      rec_ = helpers_->next(*lent_);
      if (!rec_) {  // the helper stopped: the search goes on from its path
        helpers_->leave(lent_, *dfs_, false);
        lent_.reset();
      }
    }
    index = i_;
    return true;
  }
  Strategy& strategy() override { return *dfs_; }

  bool take(Machine& m, RunResult& r, std::uint64_t i) override {
    if (!rec_) return false;
    DfsRecord& rec = *rec_;
    if (!rec.error.empty()) throw std::runtime_error(rec.error);
    if (rec.status == Outcome::Status::Diverged) throw std::runtime_error(rec.detail);
    dfs_->apply(rec.adds);
    if (!rec.deps.empty()) m.order().take(rec.deps, i, [&] { return rec.schedule; });
    if (rec.repeat) {
      ++repeats_;
    } else {
      std::vector<std::size_t> index;
      r.count_again(helpers_->held_index(*lent_, rec), i);
      r.add_execution(
          std::move(rec.fresh), i, [&] { return rec.schedule; }, nullptr, &index);
      helpers_->note_fresh(*lent_, index);
      r.traces.insert(rec.signature);
    }
    redundant_ += rec.redundant;
    ++i_;
    more_ = true;
    if (rec.last) {
      more_ = helpers_->leave(lent_, *dfs_, true);
      lent_.reset();
    }
    rec_.reset();
    return true;
  }
  void outcome(const Outcome& o) override {
    if (o.status == Outcome::Status::Diverged) throw std::runtime_error(o.detail);
    owned_ = dfs_->owned();
  }
  // An earlier round counted a re-run's findings already; another shard
  // counts those of its pieces.
  bool counts() const override { return owned_ && !dfs_->repeat(); }
  void ran() override {
    if (!owned_) {  // a run through another shard's piece: met, not searched
      ++meeting_;
      more_ = dfs_->next();
      return;
    }
    if (dfs_->repeat()) ++repeats_;
    redundant_ += dfs_->redundant();
    ++i_;
    more_ = dfs_->next();
  }

  // A search's size is not known ahead: the round and the traces so far,
  // with Knuth's estimate of the tree without reduction to size what is
  // left (made at the first line, so a search too short for one pays nothing).
  std::string progress(std::uint64_t done, double seconds, const RunResult& r) override {
    if (tree_ < 0) tree_ = estimate_unreduced(sc_, kEstimatePaths, spec_.bound);
    std::string round = dfs_->bounded() ? ", round " + std::to_string(dfs_->complete_bound() + 1) + " (of 0-" +
                                              std::to_string(spec_.bound) + ")"
                                        : "";
    if (!pieces_.empty())
      round += ", pfn " + hex(pieces_[piece_].pfn) + " of " + sc_.threads[pieces_[piece_].thread].name + " (" +
               std::to_string(piece_ + 1) + " of " + std::to_string(pieces_.size()) + ")";
    char b[400];
    std::snprintf(b, sizeof b,
                  "%s: dfs%s: %llu of at most %llu executions (without reduction the tree has about %.3g), "
                  "%.0f/s, %zu traces",
                  sc_.name.c_str(), round.c_str(), (unsigned long long)done, (unsigned long long)spec_.executions,
                  tree_, double(done) / seconds, r.traces.size());
    return b;
  }

  void end() override { helpers_.reset(); }  // stops the helpers and joins them

  void describe(ScenarioResult& res, const RunResult& r) override {
    const Reduction red = spec_.reduction;
    const unsigned bound = spec_.bound;
    const bool stopped = r.stopped;
    res.executions = res.executions_run = i_;
    res.traces = r.traces.size();
    const std::optional<unsigned> bound_set =
        red == Reduction::None || dfs_->bounded() ? std::optional<unsigned>(bound) : std::nullopt;
    const std::string how = dfs_how(red, bound_set, repeats_, redundant_);
    // Knuth's estimate of the search without reduction (of the bounded tree
    // when bounded); a plain search states it only when stopped early, to
    // size explore.executions (a complete one counted it)
    // (not after a stop: its 200 runs are what the stop asked to skip)
    if ((red != Reduction::None || !complete_) && !stopped)
      res.unreduced_estimate = estimate_unreduced(sc_, kEstimatePaths, bound);
    // What a stopped search proved: a bounded one, the rounds it completed
    std::string proved;
    if (dfs_->bounded() && dfs_->complete_bound() >= 0)
      proved = std::string(red == Reduction::None ? "every schedule" : "every trace of a schedule") + " with at most " +
               std::to_string(dfs_->complete_bound()) + " preemption" + (dfs_->complete_bound() == 1 ? "" : "s") +
               (red == Reduction::None ? " run" : " reached");
    std::string stop = "INCOMPLETE: stopped at explore.executions" + (proved.empty() ? "" : " (" + proved + ")");
    if (stopped)
      stop = "INCOMPLETE: " + stop_text() + " after " + std::to_string(i_) + " executions" +
             (!dfs_->bounded() ? std::string()
              : proved.empty() ? std::string(", no bound complete")
                               : ", bound " + std::to_string(dfs_->complete_bound()) + " complete (" + proved + ")");
    std::string end = complete_ ? "complete" : stop;
    if (!pieces_.empty() && !complete_)
      end += " (in the search of pfn " + hex(pieces_[piece_].pfn) + " of " + sc_.threads[pieces_[piece_].thread].name +
             ", " + std::to_string(piece_ + 1) + " of " + std::to_string(pieces_.size()) + ")";
    std::string split;
    if (splits(spec_)) {
      DfsSplit& d = res.dfs_split.emplace();
      d.reduction = reduction_name(red);
      d.bound = bound_set;
      d.pieces = dfs_->pieces();
      d.pieces_here = dfs_->pieces_owned();
      d.executions = i_;
      d.meeting_runs = meeting_;
      d.repeats = repeats_;
      d.sleep_blocked = redundant_;
      d.complete_bound = !dfs_->bounded() ? -1 : complete_ ? int(bound) : dfs_->complete_bound();
      d.end = end;
      split = ", shard " + shard_text(*spec_.shard) + ": " + std::to_string(d.pieces_here) + " of " +
              std::to_string(d.pieces) + " pieces" + (complete_ ? "" : " met so far") + ", " +
              std::to_string(meeting_) + " run" + (meeting_ == 1 ? "" : "s") + " through the others'";
    }
    if (spec_.observers_per_pfn) split += ", " + observer_text();
    res.strategy = "dfs (" + how + split + ", " + end + ")";
    res.complete = complete_;
    if (stopped || stopping()) res.stopped = stop_text();
  }

 private:
  struct Piece {
    ThreadId thread;
    Pfn pfn, end;  // the loop item's pfns [pfn, end)
  };
  // Every observer thread's loop items, in thread order, and the mask of
  // those threads.
  std::vector<Piece> observer_pieces(const Scenario& sc, const Machine& m) {
    std::vector<Piece> out;
    for (std::size_t t = 0; t < sc.threads.size(); ++t) {
      const ThreadSpec& th = sc.threads[t];
      if (!th.observer) continue;
      observers_ |= thread_bit(unsigned(t));
      m.kernel().for_chunks(th.args.start, th.args.start + th.args.nr_pages, [&](Pfn lo, Pfn hi) {
        out.push_back({ThreadId(t), lo, hi});
      });
    }
    return out;
  }
  // "observers per pfn: 4 searches (kpageflags pfns 0x8-0xb)"
  std::string observer_text() const {
    std::string who;
    for (std::size_t t = 0; t < sc_.threads.size(); ++t) {
      const ThreadSpec& th = sc_.threads[t];
      if (!th.observer) continue;
      who += std::string(who.empty() ? "" : ", ") + th.name + " pfn" + (th.args.nr_pages > 1 ? "s " : " ") +
             hex(th.args.start) + (th.args.nr_pages > 1 ? "-" + hex(th.args.start + th.args.nr_pages - 1) : "");
    }
    return "observers per pfn: " + std::to_string(pieces_.size()) + " search" + (pieces_.size() == 1 ? "" : "es") +
           (who.empty() ? " (no observer thread)" : " (" + who + ")");
  }
  const Scenario& sc_;
  const SearchSpec& spec_;
  Machine* m_ = nullptr;
  std::vector<Piece> pieces_;  // observers per pfn: the searches, one after the other
  std::size_t piece_ = 0;      // the one running
  ThreadMask observers_ = 0;
  std::optional<DfsStrategy> dfs_;  // made by bind()
  std::unique_ptr<DfsHelpers> helpers_;
  std::shared_ptr<DfsHelpers::Task> lent_;  // the helper's subtree whose root the path is at
  std::unique_ptr<DfsRecord> rec_;          // the execution next() found a helper ran
  std::uint64_t i_ = 0, repeats_ = 0, redundant_ = 0;
  std::uint64_t meeting_ = 0;  // split: runs through other shards' pieces
  bool started_ = false, more_ = true, complete_ = false;
  bool owned_ = true;  // the last run is in this shard's piece
  double tree_ = -1;
};

}  // namespace

bool splits(const SearchSpec& spec) {
  return spec.kind == SearchKind::Dfs && spec.shard && spec.reduction != Reduction::Dpor && !spec.observers_per_pfn;
}

std::string dfs_how(Reduction red, std::optional<unsigned> bound, std::uint64_t repeats, std::uint64_t sleep_blocked) {
  const std::string rounds = "fewest preemptions first, " + std::to_string(repeats) + " re-run" +
                             (repeats == 1 ? "" : "s") + " of earlier rounds";
  if (red == Reduction::None) return "preemption bound " + std::to_string(bound.value_or(0)) + ", " + rounds;
  if (bound)
    return "source sets, preemption bound " + std::to_string(*bound) +
           ", BPOR: conservative branches, no sleep sets, " + rounds;
  return std::string(red == Reduction::Dpor ? "source sets and sleep sets" : "sleep sets") + ", unbounded, " +
         std::to_string(sleep_blocked) + " sleep-blocked executions";
}

std::unique_ptr<Search> dfs_search(const Scenario& sc, const SearchSpec& spec) {
  return std::make_unique<DfsSearch>(sc, spec);
}

double estimate_unreduced(const Scenario& sc, unsigned paths, unsigned bound) {
  Machine m(sc);  // no checkers: only the shape of the schedule tree matters
  // the estimator's guess: each thread's steps (events) in a run without preemption
  KeepRunning keep;
  m.run(keep, 0);
  KnuthEstimate::Steps steps{};
  for (const Event& e : m.ex.events())
    if (e.kind != EvKind::ThreadStart && e.kind != EvKind::ThreadEnd) ++steps[e.thread];
  KnuthEstimate est(sc.seed, bound, steps);
  double sum = 0;
  for (unsigned k = 0; k < paths; ++k) {
    m.run(est, k);
    sum += est.product();
  }
  return sum / paths;
}

}  // namespace mhp
