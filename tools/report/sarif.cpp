// SARIF 2.1.0 (OASIS): one run of the tool "mhpsim", one rule per finding
// kind, one result per finding. A result points at its scenario file (the
// line of `name:`) and at the kernel function of its first side; with the
// witness replayed (attach_witnesses) it carries one codeFlow with a
// threadFlow per simulated thread: the model steps (kernel functions) each
// thread ran, in the global order of the witness (executionOrder), so
// code-scanning UIs can step through the interleaving. Consecutive events of
// one thread in the same kernel-function stack are one location.
#include <nlohmann/json.hpp>

#include "tools/report/report.hpp"

namespace mhp {

namespace {

using json = nlohmann::ordered_json;

std::string uri_of(const std::string& file) {
  return !file.empty() && file[0] == '/' ? "file://" + file : file;
}

json artifact(const std::string& file) {
  json a;
  a["uri"] = uri_of(file);
  if (file.empty() || file[0] != '/') a["uriBaseId"] = "%SRCROOT%";
  return a;
}

json location(const std::string& file, int line, const std::vector<std::string>& stack_outermost_first) {
  json loc;
  loc["physicalLocation"]["artifactLocation"] = artifact(file);
  loc["physicalLocation"]["region"]["startLine"] = line > 0 ? line : 1;
  if (!stack_outermost_first.empty()) {
    std::string fq;
    for (const auto& f : stack_outermost_first) fq += (fq.empty() ? "" : " > ") + f;
    loc["logicalLocations"] = json::array(
        {{{"name", stack_outermost_first.back()}, {"fullyQualifiedName", fq}, {"kind", "function"}}});
  }
  return loc;
}

json code_flow(const ScenarioResult& r, const Finding& f, const Witness& w) {
  std::vector<json> flows(w.threads.size());
  for (std::size_t t = 0; t < w.threads.size(); ++t) {
    flows[t]["id"] = "T" + std::to_string(t);
    flows[t]["message"]["text"] = "task " + w.threads[t] + " (T" + std::to_string(t) + "): " + w.ops[t];
    flows[t]["locations"] = json::array();
  }
  std::int64_t order = 0;
  std::size_t i = 0;
  while (i < w.events.size()) {
    const EventRecord& e = w.events[i];
    std::size_t j = i;
    std::string what;
    bool essential = false;
    while (j < w.events.size() && w.events[j].thread == e.thread && w.events[j].stack == e.stack) {
      const EventRecord& g = w.events[j];
      for (auto s : w.side_events) essential |= s == static_cast<std::int64_t>(g.index);
      if (j - i < 4) what += (what.empty() ? "" : "; ") + g.kind + (g.object == "-" ? "" : " " + g.object);
      ++j;
    }
    if (j - i > 4) what += "; ... (" + std::to_string(j - i) + " events)";
    if (e.thread < flows.size()) {
      json tfl;
      int line = e.thread < w.lines.size() ? w.lines[e.thread] : 0;
      // thread start/end happen outside any kernel function: name the operation
      tfl["location"] = location(r.file, line, e.stack.empty() ? std::vector<std::string>{w.ops[e.thread]} : e.stack);
      tfl["location"]["message"]["text"] = what;
      tfl["nestingLevel"] = e.stack.empty() ? 0 : e.stack.size() - 1;
      tfl["executionOrder"] = ++order;
      tfl["importance"] = essential ? "essential" : "important";
      tfl["properties"]["events"] = {{"first", w.events[i].index}, {"last", w.events[j - 1].index}};
      tfl["properties"]["locks"] = e.locks;
      flows[e.thread]["locations"].push_back(std::move(tfl));
    }
    i = j;
  }
  json cf;
  cf["message"]["text"] = "witness schedule " + (f.schedule.empty() ? std::string("''") : f.schedule) +
                          (w.replay_error.empty() ? "" : " (replay diverged: " + w.replay_error + ")");
  cf["threadFlows"] = json::array();
  for (auto& fl : flows)
    if (!fl["locations"].empty()) cf["threadFlows"].push_back(std::move(fl));
  return cf;
}

}  // namespace

std::string render_sarif(const std::vector<ScenarioResult>& results) {
  json rules = json::array();
  for (std::size_t i = 0; i < kFindingKindCount; ++i) {
    const auto k = static_cast<FindingKind>(i);
    json rule;
    rule["id"] = finding_kind_name(k);
    rule["name"] = finding_kind_name(k);
    rule["shortDescription"]["text"] = finding_kind_text(k);
    rule["fullDescription"]["text"] = finding_kind_text(k) + " (docs/SCENARIOS.md, Findings and keys)";
    rule["defaultConfiguration"]["level"] = "error";
    rules.push_back(std::move(rule));
  }
  json results_json = json::array();
  for (const auto& r : results) {
    for (const auto& f : r.findings) {
      json res;
      res["ruleId"] = finding_kind_name(f.kind);
      res["ruleIndex"] = static_cast<std::size_t>(f.kind);
      res["level"] = "error";
      res["message"]["text"] = f.title + ": " + f.summary;
      std::vector<std::string> stack;
      if (!f.sides.empty()) stack.assign(f.sides[0].stack.rbegin(), f.sides[0].stack.rend());
      res["locations"] = json::array({location(r.file, r.name_line, stack)});
      res["partialFingerprints"]["mhpsimKey/v1"] = f.key;
      auto w = r.witnesses.find(f.key);
      if (w != r.witnesses.end()) res["codeFlows"] = json::array({code_flow(r, f, w->second)});
      json p;
      p["key"] = f.key;
      p["scenario"] = r.name;
      p["era"] = r.era;
      p["variant"] = r.variant;
      p["strategy"] = r.strategy;
      p["seed"] = r.seed;
      p["execution"] = f.execution;
      p["count"] = f.count;
      p["executions"] = r.executions;
      p["schedule"] = f.schedule;
      p["replay"] = replay_command(r.file, f.schedule);
      json sides = json::array();
      for (const auto& s : f.sides) sides.push_back({{"title", s.title}, {"stack", s.stack}, {"locks", s.locks}});
      p["sides"] = sides;
      p["notes"] = f.notes;
      res["properties"] = p;
      results_json.push_back(std::move(res));
    }
  }
  json run;
  run["tool"]["driver"]["name"] = "mhpsim";
  run["tool"]["driver"]["rules"] = rules;
  run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"] = "the directory mhpsim ran in";
  run["results"] = results_json;
  json inv;
  bool ok = true;
  for (const auto& r : results) ok &= r.ok;
  inv["executionSuccessful"] = true;
  inv["properties"]["expectationsHold"] = ok;
  run["invocations"] = json::array({inv});
  json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = json::array({run});
  return log.dump() + "\n";
}

}  // namespace mhp
