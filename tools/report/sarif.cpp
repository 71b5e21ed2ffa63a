// SARIF 2.1.0 (OASIS): one run of the tool "mhpsim", one rule per finding
// kind, one result per finding. A result points at its scenario file (the
// line of `name:`) and at the kernel function of its first side; with the
// witness replayed (attach_witnesses) it carries one codeFlow with a
// threadFlow per simulated thread: the model steps (kernel functions) each
// thread ran, in the global order of the witness (executionOrder), so
// code-scanning UIs can step through the interleaving. Consecutive events of
// one thread in the same kernel-function stack are one location.
//
// GitHub code scanning rejects logs over its limits, so a run keeps at most
// kSarifMaxResults results and kSarifMaxBytes bytes, and every result's code
// flow at most one cap of locations (kSarifMaxThreadFlowLocations, less when
// the log would not fit); what is cut is counted in `properties` (the JSON
// report keeps every finding, whole).
#include <filesystem>

#include <nlohmann/json.hpp>

#include "model/kernel/function_files.hpp"
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
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                 c == '_' || c == '~' || c == '/';
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

// The kernel file of the innermost function (`file`, if known) is a
// property of its logical location, not a physicalLocation: code scanning
// would look for it in the repository.
json location(const json& art, int line, const std::vector<std::string>& stack_outermost_first,
              const std::string& file = {}) {
  json loc;
  loc["physicalLocation"]["artifactLocation"] = art;
  loc["physicalLocation"]["region"]["startLine"] = line > 0 ? line : 1;
  if (!stack_outermost_first.empty()) {
    std::string fq;
    for (const auto& f : stack_outermost_first) fq += (fq.empty() ? "" : " > ") + f;
    json l = {{"name", stack_outermost_first.back()}, {"fullyQualifiedName", fq}, {"kind", "function"}};
    if (!file.empty()) l["properties"]["kernelFile"] = file;
    loc["logicalLocations"] = json::array({l});
  }
  return loc;
}

// One code-flow location: events [first, last) of one thread in one stack.
struct Step {
  std::size_t first, last;
  bool essential;
};

// The locations a code flow capped at `cap` keeps, as a mask: the essential
// ones (the finding's own events), then the latest others, since a finding
// shows at the end of its witness.
std::vector<bool> kept(const std::vector<Step>& steps, std::size_t cap) {
  std::vector<bool> keep(steps.size(), steps.size() <= cap);
  if (steps.size() <= cap) return keep;
  std::size_t n = 0;
  for (std::size_t i = 0; i < steps.size() && n < cap; ++i)
    if (steps[i].essential) keep[i] = true, ++n;
  for (std::size_t i = steps.size(); i-- > 0 && n < cap;)
    if (!keep[i]) keep[i] = true, ++n;
  return keep;
}

// Cuts `steps` to what kept() keeps. Returns how many were cut.
std::size_t cap_steps(std::vector<Step>& steps, std::size_t cap) {
  if (steps.size() <= cap) return 0;
  auto keep = kept(steps, cap);
  std::vector<Step> out;
  out.reserve(cap);
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (keep[i]) out.push_back(steps[i]);
  std::size_t cut = steps.size() - out.size();
  steps = std::move(out);
  return cut;
}

// The code-flow locations of a witness, before any cap.
std::vector<Step> witness_steps(const Witness& w) {
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
    if (e.thread < w.threads.size()) steps.push_back({i, j, essential});
    i = j;
  }
  return steps;
}

json step_location(const json& art, const Witness& w, const Step& s, std::int64_t order) {
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
  tfl["executionOrder"] = order;
  tfl["importance"] = s.essential ? "essential" : "important";
  tfl["properties"]["events"] = {{"first", w.events[s.first].index}, {"last", w.events[s.last - 1].index}};
  tfl["properties"]["locks"] = e.locks;
  return tfl;
}

// How a result's witness is named in its code-flow message: the schedule
// itself when short, else its length (the replay command carries it).
std::string schedule_text(const std::string& schedule) {
  if (schedule.empty()) return "''";
  if (schedule.size() <= kLongSchedule) return schedule;
  return "of " + std::to_string(schedule.size()) + " characters (see the result's replay property)";
}

json code_flow(const json& art, const Finding& f, const Witness& w, std::vector<Step> steps, std::size_t cap,
               std::size_t& cut) {
  std::vector<json> flows(w.threads.size());
  for (std::size_t t = 0; t < w.threads.size(); ++t) {
    flows[t]["id"] = "T" + std::to_string(t);
    flows[t]["message"]["text"] = "task " + w.threads[t] + " (T" + std::to_string(t) + "): " + w.ops[t];
    flows[t]["locations"] = json::array();
  }
  cut = cap_steps(steps, cap);
  std::int64_t order = 0;
  for (const Step& s : steps) flows[w.events[s.first].thread]["locations"].push_back(step_location(art, w, s, ++order));
  json cf;
  cf["message"]["text"] =
      "witness schedule " + schedule_text(f.schedule) +
      (w.replay_error.empty() ? "" : " (replay diverged: " + w.replay_error + ")") +
      (cut == 0 ? ""
                : " (" + std::to_string(cut) + " locations cut to stay within " + std::to_string(cap) +
                      " per result: the finding's own and the latest kept; replay for all)");
  cf["threadFlows"] = json::array();
  for (auto& fl : flows)
    if (!fl["locations"].empty()) cf["threadFlows"].push_back(std::move(fl));
  return cf;
}

// One result on its way into the log, its code flow not yet rendered: the
// per-result cap is chosen once every result's size is known.
struct Pending {
  json res;
  const Finding* f = nullptr;
  const Witness* w = nullptr;
  json art;
  std::vector<Step> steps;
  std::vector<std::size_t> step_bytes;  // each location's bytes, an upper bound
  std::size_t flow_overhead = 0;        // the code flow without locations
};

std::size_t flow_bytes(const Pending& p, std::size_t cap) {
  if (p.w == nullptr || cap == 0) return 0;
  std::size_t n = p.flow_overhead;
  auto keep = kept(p.steps, cap);
  for (std::size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) n += p.step_bytes[i];
  return n;
}

json rule_of(FindingKind k) {
  const std::string name = finding_kind_name(k), text = finding_kind_text(k), source = finding_kind_source(k);
  json rule;
  rule["id"] = name;
  rule["name"] = finding_kind_rule_name(k);
  rule["shortDescription"]["text"] = text;
  rule["fullDescription"]["text"] = text + " (docs/SCENARIOS.md, Findings and keys)";
  rule["help"]["text"] = name + ": " + text + ". Detected by " + source +
                         ". The result's properties give the finding key, the witness schedule and the command "
                         "that replays it; docs/SCENARIOS.md (Findings and keys) explains the key.";
  rule["help"]["markdown"] = "**" + name + "**: " + text + ".\n\nDetected by " + source +
                             ".\n\nThe result's properties give the finding key, the witness schedule and the "
                             "`replay` command that reproduces it; `docs/SCENARIOS.md` (Findings and keys) "
                             "explains the key.";
  rule["helpUri"] = std::string(MHPSIM_INFORMATION_URI) + "/blob/main/docs/SCENARIOS.md#findings-and-keys";
  rule["defaultConfiguration"]["level"] = "error";
  return rule;
}

}  // namespace

std::string render_sarif(const std::vector<ScenarioResult>& results, const std::string& srcroot,
                         std::size_t max_bytes) {
  fs::path root = srcroot;
  if (root.empty()) {
    std::error_code ec;
    root = fs::current_path(ec);
  }
  root = root.lexically_normal();
  json rules = json::array();
  for (std::size_t i = 0; i < kFindingKindCount; ++i) rules.push_back(rule_of(static_cast<FindingKind>(i)));
  // The log's fixed part (rules, driver, invocation): 64 KiB is ample.
  const std::size_t fixed = json(rules).dump().size() + 64 * 1024;
  std::size_t used = fixed;
  std::vector<Pending> pending;
  std::size_t results_cut = 0;
  for (const auto& r : results) {
    const json art = artifact(r.file, root);
    for (const auto& f : r.findings) {
      Pending e;
      e.f = &f;
      e.art = art;
      json& res = e.res;
      res["ruleId"] = finding_kind_name(f.kind);
      res["ruleIndex"] = static_cast<std::size_t>(f.kind);
      res["level"] = "error";
      res["message"]["text"] = f.title + ": " + f.summary;
      std::vector<std::string> stack;
      if (!f.sides.empty()) stack.assign(f.sides[0].stack.rbegin(), f.sides[0].stack.rend());
      res["locations"] = json::array({location(
          art, r.name_line, stack, stack.empty() ? std::string() : FunctionFiles::get().file(r.era, stack.back()))});
      res["partialFingerprints"]["mhpsimKey/v1"] = f.key;
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
      // A long schedule (10^5 choices at real geometry) stays out of the
      // log: its file (run --schedule-dir) or the JSON report carries it.
      auto sf = r.schedule_files.find(f.key);
      if (f.schedule.size() <= kLongSchedule) {
        p["schedule"] = f.schedule;
      } else {
        p["scheduleLength"] = f.schedule.size();
      }
      if (sf != r.schedule_files.end()) {
        p["scheduleFile"] = sf->second;
        p["replay"] = replay_command_file(r.file, sf->second, r.all_choice_points || f.all_choice_points);
      } else {
        p["replay"] = replay_command_text(r.file, f.schedule, r.all_choice_points || f.all_choice_points);
      }
      json sides = json::array();
      for (const auto& s : f.sides)
        sides.push_back(
            {{"title", s.title}, {"stack", s.stack}, {"files", frame_files(r.era, s.stack)}, {"locks", s.locks}});
      p["sides"] = sides;
      p["notes"] = f.notes;
      res["properties"] = p;
      // room for the comma, threadFlowLocationsCut and "codeFlows":[]
      std::size_t bytes = res.dump().size() + 64;
      if (pending.size() >= kSarifMaxResults || used + bytes > max_bytes) {
        ++results_cut;
        continue;
      }
      used += bytes;
      auto w = r.witnesses.find(f.key);
      if (w != r.witnesses.end()) {
        e.w = &w->second;
        e.steps = witness_steps(w->second);
        // executionOrder only shrinks when a cap cuts, so this is an upper bound
        for (std::size_t i = 0; i < e.steps.size(); ++i)
          e.step_bytes.push_back(
              step_location(art, w->second, e.steps[i], static_cast<std::int64_t>(i + 1)).dump().size() + 1);
        std::size_t none = 0;
        e.flow_overhead = code_flow(art, f, w->second, {}, kSarifMaxThreadFlowLocations, none).dump().size() + 256;
      }
      pending.push_back(std::move(e));
    }
  }
  // One cap for every result's code flow, the largest whose log fits: short
  // witnesses stay whole, long ones keep their essential and latest steps.
  auto total = [&](std::size_t cap) {
    std::size_t n = 0;
    for (const auto& e : pending) n += flow_bytes(e, cap);
    return n;
  };
  const std::size_t room = max_bytes > used ? max_bytes - used : 0;
  std::size_t cap = kSarifMaxThreadFlowLocations;
  if (total(cap) > room) {
    std::size_t lo = 0, hi = cap;  // total(lo) fits, total(hi) does not
    while (hi - lo > 1) {
      std::size_t mid = lo + (hi - lo) / 2;
      (total(mid) <= room ? lo : hi) = mid;
    }
    cap = lo;
  }
  std::size_t flows_cut = 0;
  json results_json = json::array();
  for (auto& e : pending) {
    if (e.w != nullptr) {
      std::size_t cut = e.steps.size();
      if (cap > 0) e.res["codeFlows"] = json::array({code_flow(e.art, *e.f, *e.w, std::move(e.steps), cap, cut)});
      if (cut > 0) e.res["properties"]["threadFlowLocationsCut"] = cut, ++flows_cut;
    }
    results_json.push_back(std::move(e.res));
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
                                    std::to_string(kSarifMaxResults) + " per run and " + std::to_string(max_bytes) +
                                    " bytes; the JSON report lists every finding"}}}});
  }
  if (flows_cut > 0 && cap < kSarifMaxThreadFlowLocations) {
    notes.push_back({{"level", "note"},
                     {"message",
                      {{"text", "code flows of " + std::to_string(flows_cut) + " result(s) cut to at most " +
                                    std::to_string(cap) + " locations each to keep the log within " +
                                    std::to_string(max_bytes) + " bytes; replay a finding for its whole witness"}}}});
  }
  if (!notes.empty()) inv["toolExecutionNotifications"] = notes;
  if (stopped.rfind("interrupted by ", 0) == 0) inv["exitSignalName"] = stopped.substr(15);
  inv["properties"]["expectationsHold"] = ok;
  run["invocations"] = json::array({inv});
  if (results_cut > 0) run["properties"]["resultsCut"] = results_cut;
  if (cap < kSarifMaxThreadFlowLocations) run["properties"]["threadFlowLocationsCap"] = cap;
  if (!stopped.empty()) run["properties"]["incomplete"] = stopped;
  json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = json::array({run});
  return log.dump() + "\n";
}

}  // namespace mhp
