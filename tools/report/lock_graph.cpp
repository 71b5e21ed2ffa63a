// The lock dependency graph of a run as GraphViz DOT: one cluster per
// scenario with its lock classes as nodes and an edge A -> B for "B was taken
// while A was held" (labelled with the modes; dashed when every recording
// held device_hotplug_lock, the gate). Edges and nodes of a reported cycle
// (lockorder findings, also those a baseline accepted) are red and bold; a
// recursive acquisition is a red self-loop.
#include <map>
#include <set>
#include <sstream>

#include "tools/report/report.hpp"

namespace mhp {

namespace {

std::string q(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (c == '\n') {
      o += "\\n";
      continue;
    }
    o += c;
  }
  return o + "\"";
}

const char* m(bool read) { return read ? "r" : "w"; }

}  // namespace

std::string render_lock_graph(const std::vector<ScenarioResult>& results) {
  std::ostringstream o;
  o << "digraph mhpsim_lock_dependencies {\n"
    << "  graph [rankdir=LR, fontname=\"Helvetica\", label=\"mhpsim lock dependencies (A -> B: B taken while A "
       "held; red: a reported cycle)\", labelloc=t];\n"
    << "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
    << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScenarioResult& r = results[i];
    std::set<std::pair<std::string, std::string>> cyc_edges;
    std::set<std::string> cyc_nodes, recursive;
    std::vector<const Finding*> found;
    for (const auto& f : r.suppressed_findings) found.push_back(&f);
    for (const auto& f : r.findings) found.push_back(&f);
    for (const Finding* f : found) {
      if (f->kind != FindingKind::Lockorder || f->lock_cycle.empty()) continue;
      const std::vector<std::string>& parts = f->lock_cycle;
      if (!f->whole_run) {  // a recursive acquisition of one class
        recursive.insert(parts[0]);
        cyc_nodes.insert(parts[0]);
        continue;
      }
      for (std::size_t k = 0; k < parts.size(); ++k) {
        cyc_nodes.insert(parts[k]);
        cyc_edges.insert({parts[k], parts[(k + 1) % parts.size()]});
      }
    }
    std::set<std::string> nodes(cyc_nodes);
    for (const auto& e : r.lock_graph) {
      nodes.insert(e.from);
      nodes.insert(e.to);
    }
    std::string prefix = "s" + std::to_string(i) + ":";
    o << "  subgraph " << q("cluster_" + std::to_string(i)) << " {\n"
      << "    label=" << q(r.name + " (" + r.file + ")") << ";\n";
    if (nodes.empty())
      o << "    " << q(prefix + "(none)") << " [label=\"no lock taken under another\", shape=plaintext];\n";
    for (const auto& n : nodes)
      o << "    " << q(prefix + n) << " [label=" << q(n)
        << (cyc_nodes.count(n) ? ", color=red, fontcolor=red, penwidth=2" : "") << "];\n";
    for (const auto& e : r.lock_graph) {
      bool hot = cyc_edges.count({e.from, e.to}) > 0;
      o << "    " << q(prefix + e.from) << " -> " << q(prefix + e.to) << " [label="
        << q(std::string(m(e.from_read)) + " -> " + m(e.to_read) + ", exec " + std::to_string(e.execution))
        << (e.gated ? ", style=dashed" : "") << (hot ? ", color=red, fontcolor=red, penwidth=2.5" : "") << "];\n";
    }
    for (const auto& n : recursive)
      o << "    " << q(prefix + n) << " -> " << q(prefix + n)
        << " [label=\"recursive\", color=red, fontcolor=red, penwidth=2.5];\n";
    o << "  }\n";
  }
  o << "}\n";
  return o.str();
}

}  // namespace mhp
