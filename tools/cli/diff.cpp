#include "tools/cli/diff.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "tools/cli/timing.hpp"
#include "tools/report/report.hpp"

namespace mhp {

namespace {

struct Side {
  Scenario sc;
  ScenarioResult res;
  TimingResult timing;
};

void run_side(Side& s, const RunOptions& opt) {
  s.res = run_scenario(s.sc, opt);
  s.timing = s.res.timing ? *s.res.timing : run_timing(s.sc);  // the scenario's own, or one with defaults
}

std::string label(const Side& s) { return s.sc.file + " (era " + s.sc.era + ", variant " + s.sc.variant + ")"; }

std::string ratio(Nanos a, Nanos b) {
  char buf[32];
  if (b == 0) return "-";
  snprintf(buf, sizeof buf, "%.2fx", static_cast<double>(a) / static_cast<double>(b));
  return buf;
}

}  // namespace

int diff_scenarios(const DiffInput& in, const RunOptions& opt, const std::string& format, std::ostream& out) {
  // Both parsed before either runs: bad input fails at once, with no report.
  Side a{load_scenario(in.a_file, in.a_variant), {}, {}}, b{load_scenario(in.b_file, in.b_variant), {}, {}};
  run_side(a, opt);
  run_side(b, opt);
  auto keys = [](const ScenarioResult& r) {
    std::map<std::string, const Finding*> m;
    for (const auto& f : r.findings) m.emplace(f.key, &f);
    return m;
  };
  auto ka = keys(a.res), kb = keys(b.res);
  std::vector<const Finding*> only_a, only_b, both;
  for (const auto& [k, f] : kb) (ka.count(k) ? both : only_b).push_back(f);
  for (const auto& [k, f] : ka)
    if (!kb.count(k)) only_a.push_back(f);
  // Per operation: the makespan of each op's threads, A against B.
  std::vector<std::string> ops;
  for (const auto& o : a.timing.ops) ops.push_back(o.op);
  for (const auto& o : b.timing.ops)
    if (std::find(ops.begin(), ops.end(), o.op) == ops.end()) ops.push_back(o.op);
  auto op_span = [](const TimingResult& t, const std::string& op) -> Nanos {
    for (const auto& o : t.ops)
      if (o.op == op) return o.end - o.start;
    return 0;
  };

  if (format == "json") {
    nlohmann::ordered_json j;
    j["a"] = {{"file", a.sc.file}, {"era", a.sc.era}, {"variant", a.sc.variant}, {"makespan_ns", a.timing.makespan}};
    j["b"] = {{"file", b.sc.file}, {"era", b.sc.era}, {"variant", b.sc.variant}, {"makespan_ns", b.timing.makespan}};
    auto list = [](const std::vector<const Finding*>& v) {
      nlohmann::ordered_json arr = nlohmann::ordered_json::array();
      for (const Finding* f : v) arr.push_back({{"kind", f->kind}, {"key", f->key}, {"schedule", f->schedule}});
      return arr;
    };
    j["only_in_a"] = list(only_a);
    j["only_in_b"] = list(only_b);
    j["in_both"] = list(both);
    j["operations"] = nlohmann::ordered_json::array();
    for (const auto& op : ops)
      j["operations"].push_back({{"op", op}, {"a_ns", op_span(a.timing, op)}, {"b_ns", op_span(b.timing, op)}});
    j["speedup_b_over_a"] =
        b.timing.makespan ? static_cast<double>(a.timing.makespan) / static_cast<double>(b.timing.makespan) : 0.0;
    j["regression"] = !only_b.empty();
    out << j.dump() << "\n";
    return only_b.empty() ? 0 : 1;
  }

  out << "mhpsim diff\n  A: " << label(a) << "\n  B: " << label(b) << "\n\n";
  auto print = [&](const char* title, const std::vector<const Finding*>& v, const Side* s) {
    out << title << " (" << v.size() << ")\n";
    for (const Finding* f : v) {
      out << "  " << f->key << "\n";
      if (s) out << "    replay: " << replay_command_text(s->sc.file, f->schedule, f->all_choice_points) << "\n";
    }
  };
  print("findings only in B (new with the change)", only_b, &b);
  print("findings only in A (gone with the change)", only_a, &a);
  print("findings in both", both, nullptr);
  out << "\ntiming (virtual time, " << a.timing.cpus << " / " << b.timing.cpus << " simulated CPUs):\n";
  char line[256];
  snprintf(line, sizeof line, "  %-24s %14s %14s %10s\n", "operation", "A", "B", "A/B");
  out << line;
  for (const auto& op : ops) {
    Nanos x = op_span(a.timing, op), y = op_span(b.timing, op);
    snprintf(line, sizeof line, "  %-24s %14s %14s %10s\n", op.c_str(), fmt_seconds(x).c_str(), fmt_seconds(y).c_str(),
             ratio(x, y).c_str());
    out << line;
  }
  snprintf(line, sizeof line, "  %-24s %14s %14s %10s\n", "makespan", fmt_seconds(a.timing.makespan).c_str(),
           fmt_seconds(b.timing.makespan).c_str(), ratio(a.timing.makespan, b.timing.makespan).c_str());
  out << line;
  // The lock classes whose waiting changed most.
  std::map<std::string, std::pair<Nanos, Nanos>> waits;
  for (const auto& l : a.timing.locks) waits[l.cls].first = l.wait_total;
  for (const auto& l : b.timing.locks) waits[l.cls].second = l.wait_total;
  bool header = false;
  for (const auto& [cls, w] : waits) {
    if (w.first == 0 && w.second == 0) continue;
    if (!header) out << "\n  lock wait time (lock_stat waittime-total)\n";
    header = true;
    snprintf(line, sizeof line, "  %-24s %14s %14s\n", cls.c_str(), fmt_seconds(w.first).c_str(),
             fmt_seconds(w.second).c_str());
    out << line;
  }
  out << "\nresult: "
      << (only_b.empty() ? "no new finding in B" : std::to_string(only_b.size()) + " new finding(s) in B")
      << "; B's makespan is " << ratio(a.timing.makespan, b.timing.makespan) << " faster than A's\n";
  return only_b.empty() ? 0 : 1;
}

}  // namespace mhp
