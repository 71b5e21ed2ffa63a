#include "checkers/lock_graph.hpp"

#include <functional>
#include <map>
#include <set>

namespace mhp {

namespace {
const char* mode(bool read) { return read ? "read" : "write"; }
}  // namespace

void LockGraph::add(const LockEdge& e) {
  auto [it, fresh] = edges_.try_emplace({e.from, e.to}, e);
  if (fresh) return;
  const bool gated = it->second.gated && e.gated;
  if (e.execution < it->second.execution) it->second = e;
  it->second.gated = gated;
}

void LockGraph::merge(const LockGraph& other) {
  for (const auto& [k, e] : other.edges_) add(e);
}

std::vector<LockEdge> LockGraph::edges() const {
  std::vector<LockEdge> out;
  out.reserve(edges_.size());
  for (const auto& [k, e] : edges_) out.push_back(e);
  return out;
}

namespace {

// lockdep's print_circular_lock_scenario(): the closing dependency (target
// held, source taken: cyc[k] -> cyc[k+1]) on CPU0 against the chain's last
// link (parent -> target) on CPU1; a longer cycle first shows its chain.
std::vector<std::string> unsafe_scenario(const std::vector<std::string>& cyc, std::size_t k, bool target_read,
                                         bool source_read) {
  const std::size_t n = cyc.size();
  const std::string& target = cyc[k];
  const std::string& source = cyc[(k + 1) % n];
  const std::string& parent = cyc[(k + n - 1) % n];
  std::vector<std::string> o;
  if (parent != source)
    o.insert(o.end(), {"Chain exists of:", "  " + source + " --> " + parent + " --> " + target, ""});
  const std::string cpu1(31, ' ');
  o.insert(o.end(),
           {" Possible unsafe locking scenario:", "", "       CPU0                    CPU1",
            "       ----                    ----", std::string(target_read ? "  rlock(" : "  lock(") + target + ");",
            cpu1 + "lock(" + parent + ");", cpu1 + "lock(" + target + ");",
            std::string(source_read ? "  rlock(" : "  lock(") + source + ");", "", " *** DEADLOCK ***"});
  return o;
}

}  // namespace

std::vector<Finding> LockGraph::cycles() const {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [k, d] : edges_) out[k.first].push_back(k.second);
  std::vector<std::vector<std::string>> found;
  // Elementary cycles, each found once from its smallest class.
  std::vector<std::string> path;
  std::set<std::string> on_path;
  std::function<void(const std::string&, const std::string&)> dfs = [&](const std::string& start,
                                                                        const std::string& at) {
    auto it = out.find(at);
    if (it == out.end()) return;
    for (const auto& next : it->second) {
      if (next == start) {
        found.push_back(path);
        continue;
      }
      if (next < start || on_path.count(next) || path.size() >= 6) continue;
      path.push_back(next);
      on_path.insert(next);
      dfs(start, next);
      on_path.erase(next);
      path.pop_back();
    }
  };
  for (const auto& [node, succ] : out) {
    path = {node};
    on_path = {node};
    dfs(node, node);
  }
  std::vector<Finding> res;
  for (const auto& cyc : found) {
    std::vector<const LockEdge*> deps;
    bool recursive_break = false;
    std::size_t gated = 0;
    for (std::size_t i = 0; i < cyc.size(); ++i) {
      const LockEdge& d = edges_.at({cyc[i], cyc[(i + 1) % cyc.size()]});
      deps.push_back(&d);
      gated += d.gated;
    }
    for (std::size_t i = 0; i < cyc.size(); ++i) {
      const LockEdge& in = *deps[(i + cyc.size() - 1) % cyc.size()];
      const LockEdge& outd = *deps[i];
      if (recursive_read_.count(cyc[i]) && in.to_read && outd.from_read) recursive_break = true;
    }
    if (gated >= 2 || recursive_break) continue;
    Finding f;
    f.kind = FindingKind::Lockorder;
    f.key = "lockorder";
    f.lock_cycle = cyc;
    f.whole_run = true;
    std::string chain;
    for (const auto& c : cyc) {
      f.key += "/" + c;
      chain += c + " -> ";
    }
    chain += cyc[0];
    f.title = "WARNING: possible circular locking dependency detected";
    f.summary = "lock classes " + chain + ": each dependency was taken by some task; together they can deadlock";
    std::uint64_t last = 0;
    const LockEdge* closing = deps[0];
    std::size_t k = 0;  // the closing dependency's index
    for (std::size_t i = 0; i < cyc.size(); ++i) {
      const LockEdge& d = *deps[i];
      f.sides.push_back(d.holder);
      f.sides.push_back(d.taker);
      f.notes.push_back("dependency " + cyc[i] + " (" + mode(d.from_read) + ") -> " + cyc[(i + 1) % cyc.size()] + " (" +
                        mode(d.to_read) + ") first in execution " + std::to_string(d.execution) +
                        (d.gated ? ", always under the gate lock" : "") + ", schedule " +
                        (d.schedule.empty() ? "''" : d.schedule));
      if (d.execution >= last) {
        last = d.execution;
        closing = &d;
        k = i;
      }
    }
    f.unsafe_scenario = unsafe_scenario(cyc, k, closing->from_read, closing->to_read);
    f.execution = closing->execution;
    f.schedule = closing->schedule;
    res.push_back(std::move(f));
  }
  return res;
}

}  // namespace mhp
