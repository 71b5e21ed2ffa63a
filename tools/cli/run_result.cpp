#include "tools/cli/run_result.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace mhp {

RunResult::Node* RunResult::insert(Finding&& f, std::uint64_t exec) {
  f.count = 1;
  std::string key = f.key;  // (the node below takes f)
  Node& n = by_key_[std::move(key)];
  n.f = std::move(f);
  n.last = exec;
  n.index = by_first_.size();
  by_first_.push_back(&n);
  return &n;
}

namespace {
// The witness order of a run: by execution, then position in it; whole-run
// findings (position 0) after every execution's.
auto witness(const Finding& f) { return std::make_tuple(f.position == 0, f.execution, f.position); }
}  // namespace

void RunResult::add_witnessed(Finding&& f) {
  Node* e = find(f.key);
  if (!e) {
    std::uint64_t count = f.count;
    Node* n = insert(std::move(f), 0);
    n->f.count = count;
    return;
  }
  const std::uint64_t count = e->f.position == 0 ? 1 : e->f.count + f.count;
  if (witness(f) < witness(e->f)) e->f = std::move(f);
  e->f.count = count;
}

void RunResult::merge(RunResult&& other) {
  for (Node* o : other.by_first_) add_witnessed(std::move(o->f));
  other.by_key_.clear();
  other.by_first_.clear();
  executions += other.executions;
  simulated += other.simulated;
  traces.insert(other.traces.begin(), other.traces.end());
  graph.merge(other.graph);
  stopped = stopped || other.stopped;
  if (event_log.empty()) event_log = std::move(other.event_log);
  if (op_results.empty()) op_results = std::move(other.op_results);
}

std::vector<Finding> RunResult::findings() {
  std::vector<Finding> cycles = graph.cycles();
  std::set<std::string> again;
  for (const Finding& c : cycles) again.insert(c.key);
  std::vector<Node*> order;
  for (Node* n : by_first_)
    if (!(n->f.kind == FindingKind::Lockorder && again.count(n->f.key))) order.push_back(n);
  std::stable_sort(order.begin(), order.end(),
                   [](const Node* a, const Node* b) { return witness(a->f) < witness(b->f); });
  std::vector<Finding> out;
  out.reserve(order.size() + cycles.size());
  for (Node* n : order) out.push_back(std::move(n->f));
  for (Finding& c : cycles) out.push_back(std::move(c));
  by_key_.clear();
  by_first_.clear();
  return out;
}

}  // namespace mhp
