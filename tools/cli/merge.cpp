#include "tools/cli/merge.hpp"

#include <algorithm>
#include <tuple>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "checkers/lock_order.hpp"
#include "model/engine/execution.hpp"
#include "model/scenario/input_error.hpp"
#include "tools/cli/run.hpp"
#include "tools/report/report.hpp"

namespace mhp {

namespace {

FindingSide side_from_json(const nlohmann::json& s) {
  FindingSide side;
  side.title = s.at("title").get<std::string>();
  side.stack = s.at("stack").get<std::vector<std::string>>();
  side.locks = s.at("locks").get<std::vector<std::string>>();
  return side;
}

LockEdge edge_from_json(const nlohmann::json& d) {
  LockEdge e;
  e.from = d.at("from").get<std::string>();
  e.to = d.at("to").get<std::string>();
  e.from_read = d.at("from_read").get<bool>();
  e.to_read = d.at("to_read").get<bool>();
  e.gated = d.at("gated").get<bool>();
  e.execution = d.at("execution").get<std::uint64_t>();
  e.schedule = d.at("schedule").get<std::string>();
  e.holder = side_from_json(d.at("holder"));
  e.taker = side_from_json(d.at("taker"));
  return e;
}

bool is_cycle(const Finding& f) { return f.kind == "lockorder" && f.key.rfind("lockorder/recursive/", 0) != 0; }

Finding from_json(const nlohmann::json& j) {
  Finding f;
  f.kind = j.at("kind").get<std::string>();
  f.key = j.at("key").get<std::string>();
  f.summary = j.at("message").get<std::string>();
  f.execution = j.at("execution").get<std::uint64_t>();
  f.count = j.at("count").get<std::uint64_t>();
  f.position = j.at("position").get<std::uint64_t>();
  f.schedule = j.at("schedule").get<std::string>();
  for (const auto& s : j.at("sides")) f.sides.push_back(side_from_json(s));
  f.notes = j.at("notes").get<std::vector<std::string>>();
  return f;
}

}  // namespace

int merge_reports(const std::vector<std::string>& files, std::ostream& out) {
  // The shards' lock graphs are joined and their cycles found again: a cycle
  // may need dependencies that different shards saw.
  Execution graph_ex;
  struct Merged {
    ScenarioResult r;
    std::vector<Finding> findings;
    std::map<std::string, std::size_t> index;
    std::unique_ptr<LockOrderChecker> graph;
  };
  std::vector<std::string> order;  // scenario files in order of first appearance
  std::map<std::string, Merged> by_file;
  for (const auto& path : files) {
    std::ifstream in(path);
    if (!in) throw InputError(path, 0, 0, "<file>", "cannot read the file");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const std::exception& e) {
        throw InputError(path, n, 1, "<line>", std::string("not a JSON report line: ") + e.what());
      }
      if (!j.contains("file") || !j.contains("kind"))
        throw InputError(path, n, 1, "<line>", "not an mhpsim report line (no file/kind)");
      std::string file = j["file"].get<std::string>();
      if (!by_file.count(file)) order.push_back(file);
      Merged& m = by_file[file];
      if (!m.graph) m.graph = std::make_unique<LockOrderChecker>(graph_ex, lockdep_recursive_read(), lockdep_gate());
      if (j["kind"] == "result") continue;
      try {
        if (j["kind"] == "lockdep") {
          for (const auto& d : j.at("deps")) m.graph->add_edge(edge_from_json(d));
          continue;
        }
        m.r.name = j.at("scenario").get<std::string>();
        m.r.file = file;
        m.r.era = j.at("era").get<std::string>();
        m.r.variant = j.at("variant").get<std::string>();
        m.r.strategy = j.at("strategy").get<std::string>();
        // a dfs search says in its strategy whether it completed (expect.complete)
        m.r.complete = m.r.strategy.size() >= 11 && m.r.strategy.compare(m.r.strategy.size() - 11, 11, ", complete)") == 0;
        m.r.seed = j.at("seed").get<std::uint64_t>();
        m.r.executions = j.at("executions").get<std::uint64_t>();
        Finding f = from_json(j);
        if (is_cycle(f)) continue;  // found again below, from the joined graph
        auto it = m.index.find(f.key);
        if (it == m.index.end()) {
          m.index.emplace(f.key, m.findings.size());
          m.findings.push_back(std::move(f));
        } else {
          Finding& g = m.findings[it->second];
          // a whole-run finding (position 0) is one finding of the run, not per execution
          std::uint64_t count = g.position == 0 ? 1 : g.count + f.count;
          if (f.execution < g.execution) g = std::move(f);
          g.count = count;
        }
      } catch (const nlohmann::json::exception& e) {
        throw InputError(path, n, 1, "<line>", std::string("bad finding line: ") + e.what());
      }
    }
  }
  bool ok = true;
  for (const auto& file : order) {
    Merged& m = by_file[file];
    Scenario sc = load_scenario(file);
    if (m.r.name.empty()) {  // no finding in any shard
      m.r.name = sc.name;
      m.r.file = file;
    }
    // As one run orders them: by witness execution and position in it; the
    // whole-run findings (lock-order cycles, position 0) last.
    std::stable_sort(m.findings.begin(), m.findings.end(), [](const Finding& a, const Finding& b) {
      return std::make_tuple(a.position == 0, a.execution, a.position) <
             std::make_tuple(b.position == 0, b.execution, b.position);
    });
    for (auto& c : m.graph->cycles()) m.findings.push_back(std::move(c));  // as one run: after the others
    m.r.lock_graph = m.graph->edges();
    m.r.findings = std::move(m.findings);
    check_expectations(sc, m.r);
    ok &= m.r.ok;
    out << render_json(m.r);
  }
  return ok ? 0 : 1;
}

}  // namespace mhp
