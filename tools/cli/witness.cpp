// attach_witnesses(): replays the witness schedule of findings with every
// event recorded and its names resolved, for the renderers that show the
// interleaving (SARIF code flows, the Perfetto trace). A replay is strict, so
// the events are exactly those of the reported witness.
#include <algorithm>

#include "tools/cli/machine.hpp"
#include "tools/cli/run.hpp"

namespace mhp {

namespace {

Witness replay_witness(const Scenario& sc, const Finding& f) {
  Witness w;
  Machine m(sc);
  m.add_checkers();
  ReplayStrategy replay(Schedule::decode(f.schedule));
  Outcome o = m.run(replay, 0);
  if (o.status == Outcome::Status::Diverged) w.replay_error = o.detail;
  const Execution& ex = m.ex;
  for (std::size_t i = 0; i < ex.threads().size(); ++i) {
    w.threads.push_back(ex.threads()[i].name);
    w.ops.push_back(i < sc.threads.size() ? sc.threads[i].op : "");
    w.lines.push_back(i < sc.threads.size() ? sc.threads[i].line : 0);
  }
  w.events.reserve(ex.events().size());
  for (const Event& e : ex.events()) {
    EventRecord r;
    r.index = e.index;
    r.thread = e.thread;
    r.kind = event_kind_name(e.kind);
    r.object = e.obj ? ex.objects().describe(e.obj) : "-";
    r.value = e.value;
    r.stack = ex.stacks().frames(e.stack);
    std::reverse(r.stack.begin(), r.stack.end());
    r.locks = lock_names_of(ex, e.held, e.held_shared);
    w.events.push_back(std::move(r));
  }
  // The same finding in the replay, for the events its sides point at.
  m.order().end_execution(0, f.schedule);
  std::vector<Finding> found = m.findings(o);
  for (auto& c : m.order().cycles()) found.push_back(std::move(c));
  for (const Finding& g : found)
    if (g.key == f.key) {
      for (const auto& s : g.sides) w.side_events.push_back(s.event);
      break;
    }
  return w;
}

}  // namespace

void attach_witnesses(const Scenario& sc, ScenarioResult& res, const std::string& only) {
  for (const Finding& f : res.findings) {
    if (!only.empty() && f.key != only) continue;
    // A real-geometry witness has millions of events: a code flow or a trace
    // of it would be gigabytes. It is left without one (the SARIF result
    // keeps its replay command; `mhpsim time --trace` shows such a run).
    if (f.schedule.size() > kMaxWitnessChars) continue;
    if (res.witnesses.count(f.key)) continue;
    res.witnesses.emplace(f.key, replay_witness(sc, f));
  }
}

}  // namespace mhp
