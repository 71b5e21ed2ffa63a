// SARIF 2.1.0 (OASIS): one run of the tool "mhpsim", one rule per finding
// kind, one result per finding. A result points at its scenario file (the
// line of `name:`) and at the kernel function of its first side; with the
// witness replayed (attach_witnesses) it carries one codeFlow with a
// threadFlow per simulated thread: the model steps (kernel functions) each
// thread ran, in the global order of the witness (executionOrder), so
// code-scanning UIs can step through the interleaving. Consecutive events of
// one thread in the same kernel-function stack are one location.
//
// GitHub code scanning rejects logs over its limits, so a result keeps at most
// kSarifMaxThreadFlowLocations code-flow locations and a run at most
// kSarifMaxResults results; what is cut is counted in `properties` (the JSON
// report keeps every finding).
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tools/report/report.hpp"

#ifndef MHPSIM_VERSION
#error "MHPSIM_VERSION must be defined (CMakeLists.txt, mhpsim_report)"
#endif
#ifndef MHPSIM_INFORMATION_URI
#error "MHPSIM_INFORMATION_URI must be defined (CMakeLists.txt, mhpsim_report)"
#endif

namespace mhp {

namespace {

using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

// RFC 3986: everything but unreserved characters and the path separator.
std::string percent_encode(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string o;
  for (unsigned char c : path) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      o += static_cast<char>(c);
    } else {
      o += '%';
      o += hex[c >> 4];
      o += hex[c & 15];
    }
  }
  return o;
}

// Relative to SRCROOT (the directory mhpsim ran in) when the file is inside
// it, else an absolute file:// URI: code scanning maps only the former onto
// the repository.
json artifact(const std::string& file, const fs::path& srcroot) {
  fs::path p = fs::path(file).lexically_normal();
  if (p.is_relative() && !p.empty() && *p.begin() == "..") p = (srcroot / p).lexically_normal();
  if (p.is_absolute() && !srcroot.empty()) {
    fs::path rel = p.lexically_relative(srcroot);
    if (!rel.empty() && *rel.begin() != ".." && rel != ".") p = rel;
  }
  json a;
  if (p.is_absolute()) {
    a["uri"] = "file://" + percent_encode(p.generic_string());
  } else {
    a["uri"] = percent_encode(p.generic_string());
    a["uriBaseId"] = "SRCROOT";
  }
  return a;
}

json location(const json& art, int line, const std::vector<std::string>& stack_outermost_first) {
  json loc;
  loc["physicalLocation"]["artifactLocation"] = art;
  loc["physicalLocation"]["region"]["startLine"] = line > 0 ? line : 1;
  if (!stack_outermost_first.empty()) {
    std::string fq;
    for (const auto& f : stack_outermost_first) fq += (fq.empty() ? "" : " > ") + f;
    loc["logicalLocations"] = json::array(
        {{{"name", stack_outermost_first.back()}, {"fullyQualifiedName", fq}, {"kind", "function"}}});
  }
  return loc;
}

// One code-flow location: events [first, last) of one thread in one stack.
struct Step {
  std::size_t first, last;
  bool essential;
};

// The steps a capped code flow keeps: the essential ones (the finding's own
// events), then the latest others, since a finding shows at the end of its
// witness. Returns how many were cut.
std::size_t cap_steps(std::vector<Step>& steps, std::size_t cap) {
  if (steps.size() <= cap) return 0;
  std::vector<bool> keep(steps.size(), false);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < steps.size() && kept < cap; ++i)
    if (steps[i].essential) keep[i] = true, ++kept;
  for (std::size_t i = steps.size(); i-- > 0 && kept < cap;)
    if (!keep[i]) keep[i] = true, ++kept;
  std::vector<Step> out;
  out.reserve(cap);
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (keep[i]) out.push_back(steps[i]);
  std::size_t cut = steps.size() - out.size();
  steps = std::move(out);
  return cut;
}

json code_flow(const json& art, const Finding& f, const Witness& w, std::size_t& cut) {
  std::vector<json> flows(w.threads.size());
  for (std::size_t t = 0; t < w.threads.size(); ++t) {
    flows[t]["id"] = "T" + std::to_string(t);
    flows[t]["message"]["text"] = "task " + w.threads[t] + " (T" + std::to_string(t) + "): " + w.ops[t];
    flows[t]["locations"] = json::array();
  }
  std::vector<Step> steps;
  std::size_t i = 0;
  while (i < w.events.size()) {
    const EventRecord& e = w.events[i];
    std::size_t j = i;
    bool essential = false;
    while (j < w.events.size() && w.events[j].thread == e.thread && w.events[j].stack == e.stack) {
      for (auto s : w.side_events) essential |= s == static_cast<std::int64_t>(w.events[j].index);
      ++j;
    }
    if (e.thread < flows.size()) steps.push_back({i, j, essential});
    i = j;
  }
  cut = cap_steps(steps, kSarifMaxThreadFlowLocations);
  std::int64_t order = 0;
  for (const Step& s : steps) {
    const EventRecord& e = w.events[s.first];
    std::string what;
    for (std::size_t k = s.first; k < s.last && k - s.first < 4; ++k) {
      const EventRecord& g = w.events[k];
      what += (what.empty() ? "" : "; ") + g.kind + (g.object == "-" ? "" : " " + g.object);
    }
    if (s.last - s.first > 4) what += "; ... (" + std::to_string(s.last - s.first) + " events)";
    json tfl;
    int line = e.thread < w.lines.size() ? w.lines[e.thread] : 0;
    // thread start/end happen outside any kernel function: name the operation
    tfl["location"] = location(art, line, e.stack.empty() ? std::vector<std::string>{w.ops[e.thread]} : e.stack);
    tfl["location"]["message"]["text"] = what;
    tfl["nestingLevel"] = e.stack.empty() ? 0 : e.stack.size() - 1;
    tfl["executionOrder"] = ++order;
    tfl["importance"] = s.essential ? "essential" : "important";
    tfl["properties"]["events"] = {{"first", w.events[s.first].index}, {"last", w.events[s.last - 1].index}};
    tfl["properties"]["locks"] = e.locks;
    flows[e.thread]["locations"].push_back(std::move(tfl));
  }
  json cf;
  cf["message"]["text"] = "witness schedule " + (f.schedule.empty() ? std::string("''") : f.schedule) +
                          (w.replay_error.empty() ? "" : " (replay diverged: " + w.replay_error + ")") +
                          (cut == 0 ? ""
                                    : " (" + std::to_string(cut) + " locations cut to stay within " +
                                          std::to_string(kSarifMaxThreadFlowLocations) +
                                          ": the finding's own and the latest kept; replay for all)");
  cf["threadFlows"] = json::array();
  for (auto& fl : flows)
    if (!fl["locations"].empty()) cf["threadFlows"].push_back(std::move(fl));
  return cf;
}

json rule_of(FindingKind k) {
  const std::string name = finding_kind_name(k), text = finding_kind_text(k), source = finding_kind_source(k);
  json rule;
  rule["id"] = name;
  rule["name"] = name;
  rule["shortDescription"]["text"] = text;
  rule["fullDescription"]["text"] = text + " (docs/SCENARIOS.md, Findings and keys)";
  rule["help"]["text"] = name + ": " + text + ". Detected by " + source +
                         ". The result's properties give the finding key, the witness schedule and the command "
                         "that replays it; docs/SCENARIOS.md (Findings and keys) explains the key.";
  rule["help"]["markdown"] = "**" + name + "**: " + text + ".\n\nDetected by " + source +
                             ".\n\nThe result's properties give the finding key, the witness schedule and the "
                             "`replay` command that reproduces it; `docs/SCENARIOS.md` (Findings and keys) "
                             "explains the key.";
  rule["defaultConfiguration"]["level"] = "error";
  return rule;
}

}  // namespace

std::string render_sarif(const std::vector<ScenarioResult>& results, const std::string& srcroot) {
  fs::path root = srcroot;
  if (root.empty()) {
    std::error_code ec;
    root = fs::current_path(ec);
  }
  root = root.lexically_normal();
  json rules = json::array();
  for (std::size_t i = 0; i < kFindingKindCount; ++i) rules.push_back(rule_of(static_cast<FindingKind>(i)));
  json results_json = json::array();
  std::size_t results_cut = 0;
  for (const auto& r : results) {
    const json art = artifact(r.file, root);
    for (const auto& f : r.findings) {
      if (results_json.size() >= kSarifMaxResults) {
        ++results_cut;
        continue;
      }
      json res;
      res["ruleId"] = finding_kind_name(f.kind);
      res["ruleIndex"] = static_cast<std::size_t>(f.kind);
      res["level"] = "error";
      res["message"]["text"] = f.title + ": " + f.summary;
      std::vector<std::string> stack;
      if (!f.sides.empty()) stack.assign(f.sides[0].stack.rbegin(), f.sides[0].stack.rend());
      res["locations"] = json::array({location(art, r.name_line, stack)});
      res["partialFingerprints"]["mhpsimKey/v1"] = f.key;
      std::size_t cut = 0;
      auto w = r.witnesses.find(f.key);
      if (w != r.witnesses.end()) res["codeFlows"] = json::array({code_flow(art, f, w->second, cut)});
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
      if (cut > 0) p["threadFlowLocationsCut"] = cut;
      res["properties"] = p;
      results_json.push_back(std::move(res));
    }
  }
  json run;
  run["tool"]["driver"]["name"] = "mhpsim";
  run["tool"]["driver"]["version"] = MHPSIM_VERSION;
  run["tool"]["driver"]["informationUri"] = MHPSIM_INFORMATION_URI;
  run["tool"]["driver"]["rules"] = rules;
  run["originalUriBaseIds"]["SRCROOT"]["description"]["text"] = "the directory mhpsim ran in";
  run["results"] = results_json;
  json inv;
  bool ok = true;
  for (const auto& r : results) ok &= r.ok;
  // A stopped run (SIGINT, SIGTERM, --time-limit) did not finish: its
  // results are what it found so far, each stopped scenario a notification.
  std::string stopped;
  json notes = json::array();
  for (const auto& r : results)
    if (!r.stopped.empty()) {
      stopped = r.stopped;
      notes.push_back({{"level", "error"}, {"message", {{"text", r.name + ": " + incomplete_text(r)}}}});
    }
  inv["executionSuccessful"] = stopped.empty();
  if (results_cut > 0) {
    notes.push_back({{"level", "warning"},
                     {"message",
                      {{"text", std::to_string(results_cut) + " result(s) cut to stay within " +
                                    std::to_string(kSarifMaxResults) + " per run; the JSON report lists every finding"}}}});
  }
  if (!notes.empty()) inv["toolExecutionNotifications"] = notes;
  if (stopped.rfind("interrupted by ", 0) == 0) inv["exitSignalName"] = stopped.substr(15);
  inv["properties"]["expectationsHold"] = ok;
  run["invocations"] = json::array({inv});
  if (results_cut > 0) run["properties"]["resultsCut"] = results_cut;
  if (!stopped.empty()) run["properties"]["incomplete"] = stopped;
  json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = json::array({run});
  return log.dump() + "\n";
}

}  // namespace mhp
