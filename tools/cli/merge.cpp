#include "tools/cli/merge.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "checkers/lock_graph.hpp"
#include "model/support/input_error.hpp"
#include "tools/cli/run.hpp"
#include "tools/cli/run_result.hpp"
#include "tools/cli/search.hpp"
#include "tools/report/report.hpp"

namespace mhp {

namespace {

// A count or index: mhpsim writes non-negative integers. Anything else is a
// bad line (a float such as 1e300 does not even convert: undefined behaviour).
std::uint64_t u64_at(const nlohmann::json& j, const char* key) {
  const nlohmann::json& v = j.at(key);
  if (!v.is_number_unsigned()) throw std::invalid_argument(std::string("'") + key + "' must be a non-negative integer");
  return v.get<std::uint64_t>();
}

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
  e.execution = u64_at(d, "execution");
  e.schedule = d.at("schedule").get<std::string>();
  e.holder = side_from_json(d.at("holder"));
  e.taker = side_from_json(d.at("taker"));
  return e;
}

Finding from_json(const nlohmann::json& j) {
  Finding f;
  const std::string kind = j.at("kind").get<std::string>();
  const std::optional<FindingKind> k = finding_kind_of(kind);
  if (!k) throw std::invalid_argument("unknown finding kind '" + kind + "'");
  f.kind = *k;
  f.key = j.at("key").get<std::string>();
  f.summary = j.at("message").get<std::string>();
  f.execution = u64_at(j, "execution");
  f.count = u64_at(j, "count");
  f.position = u64_at(j, "position");
  f.schedule = j.at("schedule").get<std::string>();
  // a schedule recorded with every access a choice point replays only so
  if (j.contains("replay") && j.at("replay").is_string())
    f.all_choice_points = j.at("replay").get<std::string>().find(" --all-choice-points ") != std::string::npos;
  for (const auto& s : j.at("sides")) f.sides.push_back(side_from_json(s));
  f.notes = j.at("notes").get<std::vector<std::string>>();
  if (j.contains("unsafe_scenario")) f.unsafe_scenario = j.at("unsafe_scenario").get<std::vector<std::string>>();
  return f;
}

struct Part {
  std::string path;
  int line = 0;
  std::optional<Shard> shard;
  std::uint64_t seed = 0;
  std::string strategy;
  // a shard stopped early (SIGINT, SIGTERM, --time-limit): why, and its counts
  std::string incomplete;
  std::uint64_t executions_run = 0, executions_planned = 0;
  std::optional<DfsSplit> split;  // a dfs search's shard
  std::string where() const { return path + ":" + std::to_string(line); }
};

DfsSplit split_of(const nlohmann::json& j) {
  DfsSplit d;
  d.reduction = j.at("reduction").get<std::string>();
  parse_reduction(d.reduction);  // throws std::invalid_argument if unknown
  if (j.contains("bound")) {
    const std::uint64_t b = u64_at(j, "bound");
    if (b >= DfsStrategy::kUnbounded) throw std::invalid_argument("'bound' is out of range");
    d.bound = static_cast<unsigned>(b);
  }
  d.pieces = u64_at(j, "pieces");
  d.pieces_here = u64_at(j, "pieces_here");
  d.executions = u64_at(j, "executions");
  d.meeting_runs = u64_at(j, "meeting_runs");
  d.repeats = u64_at(j, "repeats");
  d.sleep_blocked = u64_at(j, "sleep_blocked");
  // -1 or a bound (an integer: a float out of int's range would not even convert)
  const nlohmann::json& cb = j.at("complete_bound");
  if (!cb.is_number_integer() || cb.get<std::int64_t>() < -1 || cb.get<std::int64_t>() >= std::int64_t(1) << 31)
    throw std::invalid_argument("'complete_bound' must be an integer from -1");
  d.complete_bound = static_cast<int>(cb.get<std::int64_t>());
  d.end = j.at("end").get<std::string>();
  if (!d.complete() && d.end.rfind("INCOMPLETE: ", 0) != 0)
    throw std::invalid_argument("dfs_split.end '" + d.end + "' is neither 'complete' nor 'INCOMPLETE: ...'");
  return d;
}

Part part_of(const nlohmann::json& j, const std::string& path, int line) {
  Part p;
  p.path = path;
  p.line = line;
  try {
    p.seed = u64_at(j, "seed");
    p.strategy = j.at("strategy").get<std::string>();
    if (j.contains("shard")) {
      const std::string s = j["shard"].get<std::string>();
      p.shard = parse_shard(s);
      if (!p.shard) throw std::invalid_argument("shard '" + s + "' is not I/N with 0 <= I < N");
    }
    if (j.contains("incomplete")) {
      p.incomplete = j["incomplete"].get<std::string>();
      p.executions_run = u64_at(j, "executions_run");
      p.executions_planned = u64_at(j, "executions_planned");
    }
    if (j.contains("dfs_split")) p.split = split_of(j["dfs_split"]);
  } catch (const std::exception& e) {
    throw InputError(path, line, 1, "<line>", std::string("bad result line: ") + e.what());
  }
  return p;
}

// A run of which a shard stopped early is incomplete as a whole: the first
// stopped shard's reason, the executions every shard ran (a sampled shard
// that ended ran its share: every N-th execution; a dfs shard says what it
// ran) of those the run planned.
void mark_incomplete(const std::vector<Part>& ps, ScenarioResult& r) {
  std::uint64_t planned = 0;
  const Part* first = nullptr;
  for (const Part& p : ps)
    if (!p.incomplete.empty()) {
      planned = std::max(planned, p.executions_planned);
      if (!first || (p.shard && first->shard && p.shard->first < first->shard->first)) first = &p;
    }
  if (!first) return;
  std::uint64_t run = 0;
  for (const Part& p : ps) {
    if (!p.incomplete.empty()) {
      run += p.executions_run;
    } else if (!p.shard) {
      run += planned;
    } else if (p.split) {
      run += p.split->executions;
    } else if (!(search_kind_of(p.strategy) == SearchKind::Dfs &&
                 p.shard->first != 0)) {  // an unsplit dfs's follower ran none
      const auto [i, n] = *p.shard;
      run += planned > i ? (planned - i + n - 1) / n : 0;
    }
  }
  r.stopped = first->incomplete;
  r.executions_run = run;
  r.executions_planned = planned;
}

// The shards of a dfs search state different counts in their strategy
// texts: a split search's reduction and bound must agree (dfs_split); an
// unsplit one runs whole in shard 0, the others say so.
bool same_strategy(const Part& a, const Part& b) {
  if (search_kind_of(a.strategy) != SearchKind::Dfs || search_kind_of(b.strategy) != SearchKind::Dfs)
    return a.strategy == b.strategy;
  if (!a.split && !b.split) return true;  // unsplit: shard 0 ran it all
  // next to a split shard, only one that stopped before it started states none
  if (!a.split || !b.split) return !(a.split ? b : a).incomplete.empty();
  return a.split->reduction == b.split->reduction && a.split->bound == b.split->bound;
}

// The whole split dfs search, as its shards state it: their counts summed,
// complete if every shard is; else what the shard that proved least
// (the lowest complete bound, then the lowest index) says stopped it.
std::string split_strategy(const std::vector<Part>& ps) {
  const Part* lead = nullptr;
  const Part* least = nullptr;
  std::uint64_t repeats = 0, sleep_blocked = 0, meeting = 0, pieces = 0;
  for (const Part& p : ps) {
    if (!p.split || !p.incomplete.empty() || !p.split->complete()) {
      const int b = p.split ? p.split->complete_bound : -1;
      const int lb = least && least->split ? least->split->complete_bound : -1;
      if (!least || b < lb || (b == lb && p.shard->first < least->shard->first)) least = &p;
    }
    if (!p.split) continue;
    if (!lead || p.shard->first < lead->shard->first) lead = &p;
    repeats += p.split->repeats;
    sleep_blocked += p.split->sleep_blocked;
    meeting += p.split->meeting_runs;
    pieces = std::max(pieces, p.split->pieces);
  }
  if (!lead) return ps.front().strategy;  // every shard stopped before it started
  const DfsSplit& d = *lead->split;
  std::string end = "complete";
  if (least) {
    // a shard without dfs_split stopped before it started (run_scenario())
    const std::string tag = "INCOMPLETE: ";
    end = tag + "shard " + shard_text(*least->shard) + " " +
          (least->split ? least->split->end.substr(tag.size()) : least->incomplete + " before it started");
  }
  const std::uint64_t n = ps.front().shard->second;
  return "dfs (" + dfs_how(parse_reduction(d.reduction), d.bound, repeats, sleep_blocked) + ", split into " +
         std::to_string(pieces) + " pieces over " + std::to_string(n) + " shards, " + std::to_string(meeting) + " run" +
         (meeting == 1 ? "" : "s") + " through other shards' pieces, " + end + ")";
}

// The reports of one scenario are the shards of one run, each once, all of them.
void check_shards(const std::string& file, const std::vector<Part>& ps) {
  const Part& first = ps.front();
  auto fail = [&](const Part& p, const std::string& field, const std::string& why) {
    throw InputError(p.path, p.line, 1, field, why + " (" + file + "): only the shards of one run merge");
  };
  for (const Part& p : ps) {
    if (&p == &first) continue;
    if (!p.shard || !first.shard)
      fail(p, "shard", "a second report of the scenario next to " + first.where() + ", not one shard of a --shard run");
    if (p.shard->second != first.shard->second)
      fail(p, "shard",
           "shard " + std::to_string(p.shard->first) + "/" + std::to_string(p.shard->second) + " next to shard " +
               std::to_string(first.shard->first) + "/" + std::to_string(first.shard->second) + " at " + first.where());
    if (p.seed != first.seed)
      fail(p, "seed",
           "seed " + std::to_string(p.seed) + " next to seed " + std::to_string(first.seed) + " at " + first.where());
    if (!same_strategy(p, first))
      fail(p, "strategy", "strategy '" + p.strategy + "' next to '" + first.strategy + "' at " + first.where());
  }
  if (!first.shard) return;  // one whole run
  const std::uint64_t n = first.shard->second;
  // by index, not a table of N: N comes from the input and may be huge
  std::map<std::uint64_t, const Part*> seen;
  for (const Part& p : ps) {
    auto [it, fresh] = seen.emplace(p.shard->first, &p);
    if (!fresh)
      fail(p, "shard",
           "shard " + std::to_string(p.shard->first) + "/" + std::to_string(n) + " given twice, also at " +
               it->second->where());
  }
  // the first index without a report: every shard below it is there
  std::uint64_t i = 0;
  for (const auto& [index, part] : seen) {
    if (index != i) break;
    ++i;
  }
  if (i < n) fail(first, "shard", "shard " + std::to_string(i) + "/" + std::to_string(n) + " is missing");
  // A split dfs search: every shard that ended met the same pieces (else
  // they searched different trees: another scenario, binary or bound).
  const Part* ended = nullptr;
  for (const Part& p : ps) {
    if (!p.split || !p.split->complete()) continue;
    if (ended && p.split->pieces != ended->split->pieces)
      fail(p, "dfs_split.pieces",
           std::to_string(p.split->pieces) + " pieces next to " + std::to_string(ended->split->pieces) + " at " +
               ended->where() + ": not the same tree");
    ended = &p;
  }
}

}  // namespace

int merge_reports(const std::vector<std::string>& files, std::ostream& out) {
  std::vector<MergeInput> inputs;
  for (const auto& path : files) {
    std::ifstream in(path);
    if (!in) throw InputError(path, 0, 0, "<file>", "cannot read the file");
    std::stringstream ss;
    ss << in.rdbuf();
    inputs.push_back({path, ss.str()});
  }
  return merge_report_texts(inputs, out, [](const std::string& file) { return load_scenario(file); });
}

int merge_report_texts(const std::vector<MergeInput>& inputs, std::ostream& out,
                       const std::function<Scenario(const std::string&)>& load) {
  // The shards' lock graphs are joined and their cycles found again: a cycle
  // may need dependencies that different shards saw.
  struct Merged {
    ScenarioResult r;
    RunResult run;  // the shards' findings and lock graphs, joined
  };
  std::vector<std::string> order;  // scenario files in order of first appearance
  std::map<std::string, Merged> by_file;
  // Only the shards of one run merge: one result line per shard, the same
  // seed, strategy and shard count, every shard present once.
  std::map<std::string, std::vector<Part>> parts;  // by scenario file
  for (const auto& input : inputs) {
    const std::string& path = input.path;
    std::istringstream in(input.text);
    std::string line;
    int n = 0;
    std::map<std::string, int> open;  // scenario files with lines but no result line yet in this input
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
      if (!j["file"].is_string() || j["file"].get_ref<const std::string&>().empty())
        throw InputError(path, n, 1, "file", "must be a non-empty string (the scenario file)");
      std::string file = j["file"].get<std::string>();
      if (!by_file.count(file)) order.push_back(file);
      Merged& m = by_file[file];
      if (j["kind"] == "result") {
        open.erase(file);
        parts[file].push_back(part_of(j, path, n));
        continue;
      }
      open.emplace(file, n);
      try {
        if (j["kind"] == "lockdep") {
          for (const auto& d : j.at("deps")) m.run.graph.add(edge_from_json(d));
          continue;
        }
        m.r.name = j.at("scenario").get<std::string>();
        m.r.file = file;
        m.r.era = j.at("era").get<std::string>();
        m.r.variant = j.at("variant").get<std::string>();
        m.r.executions = u64_at(j, "executions");
        m.run.add_witnessed(from_json(j));
      } catch (const nlohmann::json::exception& e) {
        throw InputError(path, n, 1, "<line>", std::string("bad finding line: ") + e.what());
      } catch (const std::invalid_argument& e) {
        throw InputError(path, n, 1, "<line>", std::string("bad finding line: ") + e.what());
      }
    }
    if (!open.empty())
      throw InputError(path, open.begin()->second, 1, "<line>",
                       "no result line follows the report of " + open.begin()->first + ": a partial report");
  }
  for (const auto& [file, ps] : parts) check_shards(file, ps);
  bool ok = true;
  for (const auto& file : order) {
    Merged& m = by_file[file];
    Scenario sc = load(file);
    if (m.r.name.empty()) {  // no finding in any shard
      m.r.name = sc.name;
      m.r.file = file;
      m.r.era = sc.era;  // the lock graph's frames name their files by it
    }
    // The run's strategy and seed, as shard 0 (which runs an unsplit dfs search whole) states them.
    const std::vector<Part>& ps = parts[file];
    const Part& lead =
        *std::find_if(ps.begin(), ps.end(), [](const Part& p) { return !p.shard || p.shard->first == 0; });
    m.r.strategy = lead.strategy;
    m.r.seed = lead.seed;
    const bool split = std::any_of(ps.begin(), ps.end(), [](const Part& p) { return p.split.has_value(); });
    if (split) {  // a split dfs search: its shards' sums
      m.r.strategy = split_strategy(ps);
      m.r.executions = 0;
      for (const Part& p : ps) m.r.executions += p.split ? p.split->executions : 0;
    }
    // a dfs search says in its strategy whether it completed (expect.complete)
    m.r.complete = search_text_complete(m.r.strategy);
    // As one run orders them (RunResult::findings()); the shards' lock-order
    // cycles are found again from the joined graph, with the run's witness.
    m.r.lock_graph = m.run.graph.edges();
    m.r.findings = m.run.findings();
    mark_incomplete(ps, m.r);
    check_expectations(sc, m.r);
    ok &= m.r.ok;
    out << render_json(m.r);
  }
  return ok ? 0 : 1;
}

}  // namespace mhp
