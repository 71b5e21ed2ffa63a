#include <nlohmann/json.hpp>

#include "model/kernel/function_files.hpp"
#include "tools/report/report.hpp"

namespace mhp {

namespace {
// One side of a finding or of a lock dependency (merge.cpp reads it back;
// `files` it need not: they follow from the stack and the era).
nlohmann::ordered_json side_json(const FindingSide& s, const std::string& era) {
  return nlohmann::ordered_json{
      {"title", s.title}, {"stack", s.stack}, {"files", frame_files(era, s.stack)}, {"locks", s.locks}};
}
}  // namespace

std::string render_json(const ScenarioResult& r) {
  std::string out;
  for (const auto& f : r.findings) {
    nlohmann::ordered_json j;
    j["kind"] = finding_kind_name(f.kind);
    j["key"] = f.key;
    j["scenario"] = r.name;
    j["file"] = r.file;
    j["era"] = r.era;
    j["variant"] = r.variant;
    j["strategy"] = r.strategy;
    j["seed"] = r.seed;
    j["execution"] = f.execution;
    j["count"] = f.count;
    j["position"] = f.position;
    j["executions"] = r.executions;
    j["schedule"] = f.schedule;
    j["message"] = f.summary;
    j["replay"] = replay_command(r.file, f.schedule, r.all_choice_points || f.all_choice_points);
    if (auto sf = r.schedule_files.find(f.key); sf != r.schedule_files.end()) j["schedule_file"] = sf->second;
    nlohmann::ordered_json sides = nlohmann::ordered_json::array();
    for (const auto& s : f.sides) sides.push_back(side_json(s, r.era));
    j["sides"] = sides;
    j["notes"] = f.notes;
    if (!f.unsafe_scenario.empty()) j["unsafe_scenario"] = f.unsafe_scenario;
    out += j.dump() + "\n";
  }
  if (!r.lock_graph.empty()) {
    // The lock dependency graph, so that `mhpsim merge` can find a cycle
    // whose dependencies were seen by different shards.
    nlohmann::ordered_json g;
    g["kind"] = "lockdep";
    g["scenario"] = r.name;
    g["file"] = r.file;
    nlohmann::ordered_json deps = nlohmann::ordered_json::array();
    for (const auto& e : r.lock_graph)
      deps.push_back({{"from", e.from},
                      {"to", e.to},
                      {"from_read", e.from_read},
                      {"to_read", e.to_read},
                      {"gated", e.gated},
                      {"execution", e.execution},
                      {"schedule", e.schedule},
                      {"holder", side_json(e.holder, r.era)},
                      {"taker", side_json(e.taker, r.era)}});
    g["deps"] = deps;
    out += g.dump() + "\n";
  }
  nlohmann::ordered_json s;
  s["kind"] = "result";
  s["scenario"] = r.name;
  s["file"] = r.file;
  // what run this is: `mhpsim merge` joins only the shards of one run
  s["strategy"] = r.strategy;
  s["seed"] = r.seed;
  if (r.shard) s["shard"] = shard_text(*r.shard);
  if (r.dfs_split) {  // a dfs search's shard: what `mhpsim merge` states the whole search from
    const DfsSplit& d = *r.dfs_split;
    nlohmann::ordered_json x;
    x["reduction"] = d.reduction;
    if (d.bound) x["bound"] = *d.bound;
    x["pieces"] = d.pieces;
    x["pieces_here"] = d.pieces_here;
    x["executions"] = d.executions;
    x["meeting_runs"] = d.meeting_runs;
    x["repeats"] = d.repeats;
    x["sleep_blocked"] = d.sleep_blocked;
    x["complete_bound"] = d.complete_bound;
    x["end"] = d.end;
    s["dfs_split"] = x;
  }
  s["ok"] = r.ok;
  s["findings"] = r.findings.size();
  s["expectations"] = r.expect_lines;
  if (!r.stopped.empty()) {  // a stopped run: what it ran of what it was to run
    s["incomplete"] = r.stopped;
    s["executions_run"] = r.executions_run;
    s["executions_planned"] = r.executions_planned;
  }
  if (r.budget_cut > 0) s["budget_cut"] = r.budget_cut;
  if (!r.replay_error.empty()) s["replay_error"] = r.replay_error;
  if (!r.op_results.empty()) s["op_results"] = r.op_results;
  if (r.timing) s["timing"] = timing_json(*r.timing);
  out += s.dump() + "\n";
  return out;
}

}  // namespace mhp
