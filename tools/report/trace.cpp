// The witness of one finding as a Chrome trace-event JSON file (the "JSON
// Object Format"), which ui.perfetto.dev and chrome://tracing open: one
// process (the scenario), one track per simulated thread with a slice for its
// operation, nested slices for the kernel functions it was in, and a slice of
// one time unit per event (read, write, acquire, ...); lock holds as async
// slices of the thread (category "lock"); flow arrows between the events of
// the finding's sides (the two racing accesses of a race).
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "tools/report/report.hpp"

namespace mhp {

// One time unit (1 us in the trace) per event of the execution, in execution
// order: a witness is about the order of events, not their duration. Virtual
// time has its own trace, of a timing run (timing_trace.cpp, `mhpsim time
// --trace`).
std::uint64_t trace_time(const EventRecord& e) { return e.index; }

namespace {

using json = nlohmann::ordered_json;

struct Slice {
  std::uint64_t ts = 0, dur = 0;
  unsigned tid = 0, depth = 0;
  std::string name, cat;
  json args;
};

}  // namespace

std::string render_trace(const ScenarioResult& r, const std::string& key) {
  auto wit = r.witnesses.find(key);
  if (wit == r.witnesses.end()) return "";
  const Witness& w = wit->second;
  const Finding* finding = nullptr;
  for (const auto& f : r.findings)
    if (f.key == key) finding = &f;

  std::vector<Slice> slices;
  json async = json::array();
  std::uint64_t async_id = 0;
  // Per thread: open function frames (start time), last event time, held locks.
  struct Open {
    std::vector<std::pair<std::string, std::uint64_t>> frames;
    std::uint64_t first = 0, last = 0;
    bool started = false;
    std::map<std::string, std::uint64_t> locks;  // name -> async id
  };
  std::vector<Open> open(w.threads.size());
  auto close_frames = [&](unsigned t, std::size_t keep, std::uint64_t end) {
    auto& o = open[t];
    while (o.frames.size() > keep) {
      auto [name, start] = o.frames.back();
      o.frames.pop_back();
      slices.push_back({start, end - start, t, static_cast<unsigned>(o.frames.size() + 1), name, "function", json()});
    }
  };
  for (const EventRecord& e : w.events) {
    if (e.thread >= open.size()) continue;
    auto& o = open[e.thread];
    std::uint64_t t = trace_time(e);
    if (!o.started) {
      o.started = true;
      o.first = t;
    }
    std::size_t common = 0;
    while (common < o.frames.size() && common < e.stack.size() && o.frames[common].first == e.stack[common]) ++common;
    close_frames(e.thread, common, o.last + 1);
    for (std::size_t i = common; i < e.stack.size(); ++i) o.frames.emplace_back(e.stack[i], t);
    json args;
    args["event"] = e.index;
    args["object"] = e.object;
    args["value"] = e.value;
    args["locks_held"] = e.locks;
    slices.push_back({t, 1, e.thread, static_cast<unsigned>(e.stack.size() + 1),
                      e.kind + (e.object == "-" ? "" : " " + e.object), "event", args});
    // lock holds: a lock appearing in the held set begins, one gone ends
    std::set<std::string> now(e.locks.begin(), e.locks.end());
    for (auto it = o.locks.begin(); it != o.locks.end();) {
      if (now.count(it->first)) {
        ++it;
        continue;
      }
      async.push_back({{"ph", "e"},
                       {"cat", "lock"},
                       {"name", it->first},
                       {"id", it->second},
                       {"pid", 1},
                       {"tid", e.thread + 1},
                       {"ts", t}});
      it = o.locks.erase(it);
    }
    for (const auto& l : now)
      if (!o.locks.count(l)) {
        o.locks.emplace(l, ++async_id);
        async.push_back({{"ph", "b"},
                         {"cat", "lock"},
                         {"name", l},
                         {"id", async_id},
                         {"pid", 1},
                         {"tid", e.thread + 1},
                         {"ts", t}});
      }
    o.last = t;
  }
  for (unsigned t = 0; t < open.size(); ++t) {
    auto& o = open[t];
    if (!o.started) continue;
    close_frames(t, 0, o.last + 1);
    for (const auto& [name, id] : o.locks)
      async.push_back(
          {{"ph", "e"}, {"cat", "lock"}, {"name", name}, {"id", id}, {"pid", 1}, {"tid", t + 1}, {"ts", o.last + 1}});
    json args;
    args["op"] = w.ops[t];
    slices.push_back({o.first, o.last + 1 - o.first, t, 0, w.threads[t] + ": " + w.ops[t], "operation", args});
  }
  // Parents before children: by track, start, then depth.
  std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) {
    return std::tie(a.tid, a.ts, a.depth) < std::tie(b.tid, b.ts, b.depth);
  });

  json events = json::array();
  events.push_back(
      {{"ph", "M"}, {"name", "process_name"}, {"pid", 1}, {"tid", 0}, {"args", {{"name", "mhpsim " + r.name}}}});
  for (unsigned t = 0; t < w.threads.size(); ++t) {
    events.push_back({{"ph", "M"},
                      {"name", "thread_name"},
                      {"pid", 1},
                      {"tid", t + 1},
                      {"args", {{"name", "T" + std::to_string(t) + " " + w.threads[t] + " (" + w.ops[t] + ")"}}}});
    events.push_back(
        {{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", 1}, {"tid", t + 1}, {"args", {{"sort_index", t}}}});
  }
  for (const auto& s : slices) {
    json j = {{"ph", "X"},        {"name", s.name}, {"cat", s.cat}, {"pid", 1},
              {"tid", s.tid + 1}, {"ts", s.ts},     {"dur", s.dur}};
    if (!s.args.is_null()) j["args"] = s.args;
    events.push_back(std::move(j));
  }
  for (auto& a : async) events.push_back(std::move(a));
  // Flow arrows between consecutive sides of the finding that name an event.
  std::uint64_t flow = 0;
  for (std::size_t i = 0; i + 1 < w.side_events.size(); i += 2) {
    std::int64_t a = w.side_events[i], b = w.side_events[i + 1];
    if (a < 0 || b < 0 || a >= static_cast<std::int64_t>(w.events.size()) ||
        b >= static_cast<std::int64_t>(w.events.size()))
      continue;
    const EventRecord& ea = w.events[a];
    const EventRecord& eb = w.events[b];
    std::string name = finding ? finding_kind_name(finding->kind) : "finding";
    ++flow;
    events.push_back({{"ph", "s"},
                      {"name", name},
                      {"cat", "finding"},
                      {"id", flow},
                      {"pid", 1},
                      {"tid", ea.thread + 1},
                      {"ts", trace_time(ea)}});
    events.push_back({{"ph", "f"},
                      {"bp", "e"},
                      {"name", name},
                      {"cat", "finding"},
                      {"id", flow},
                      {"pid", 1},
                      {"tid", eb.thread + 1},
                      {"ts", trace_time(eb)}});
  }
  json doc;
  doc["traceEvents"] = events;
  doc["displayTimeUnit"] = "ms";
  json meta;
  meta["scenario"] = r.name;
  meta["file"] = r.file;
  meta["era"] = r.era;
  meta["variant"] = r.variant;
  meta["finding"] = key;
  if (finding) {
    meta["title"] = finding->title;
    meta["summary"] = finding->summary;
    meta["schedule"] = finding->schedule;
    meta["replay"] = replay_command(r.file, finding->schedule, r.all_choice_points || finding->all_choice_points);
  }
  meta["time"] = "one unit (1 us) per event of the witness execution; not real or virtual time";
  if (!w.replay_error.empty()) meta["replay_error"] = w.replay_error;
  doc["otherData"] = meta;
  return doc.dump() + "\n";
}

}  // namespace mhp
