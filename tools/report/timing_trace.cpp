// `mhpsim time --trace FILE`: a timing run as a Perfetto / Chrome trace in
// virtual time. One track per simulated thread with its operation and the
// kernel functions it ran (nested slices), the time it spent blocked; one
// async slice per lock hold; a flow arrow from each release to the acquire
// of the thread it woke. Unlike the witness trace (trace.cpp) it has no slice
// per event: a real-geometry run has millions, and the functions and lock
// holds are what a timing question is about. Slices shorter than 1/20000 of
// the makespan (zero-cost steps, one 128 MiB chunk of a 20 s loop) are left
// out and counted in the metadata: a viewer could not show them, and a
// 4 x 3 TiB run would otherwise give a million of them.
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "tools/report/report.hpp"

namespace mhp {

namespace {
using json = nlohmann::ordered_json;
double us(Nanos ns) { return static_cast<double>(ns) / 1000.0; }
}  // namespace

std::string render_timing_trace(const Execution& ex, const VirtualTime& vt, const TimingResult& t) {
  json events = json::array();
  events.push_back(
      {{"ph", "M"}, {"name", "process_name"}, {"pid", 1}, {"args", {{"name", t.name + " (virtual time)"}}}});
  const auto& threads = ex.threads();
  for (std::size_t i = 0; i < threads.size(); ++i)
    events.push_back(
        {{"ph", "M"}, {"name", "thread_name"}, {"pid", 1}, {"tid", i + 1}, {"args", {{"name", threads[i].name}}}});

  const StackTable& st = ex.stacks();
  const Nanos min_dur = std::max<Nanos>(1, t.makespan / 20000);
  std::uint64_t dropped = 0;
  struct Open {
    std::vector<std::pair<StackId, Nanos>> frames;                      // trie nodes root to leaf, with their start
    std::map<ObjId, std::vector<std::pair<Nanos, std::string>>> holds;  // lock -> this thread's holds: start, name
    Nanos blocked_at = 0;
    bool blocked = false;
  };
  std::vector<Open> open(threads.size());
  std::uint64_t async_id = 0, flow_id = 0;
  std::vector<StackId> path;
  auto close_to = [&](ThreadId th, std::size_t keep, Nanos at) {
    auto& fr = open[th].frames;
    while (fr.size() > keep) {
      auto [node, start] = fr.back();
      fr.pop_back();
      if (at - start < min_dur) {
        ++dropped;
        continue;
      }
      events.push_back({{"ph", "X"},
                        {"name", st.top_name(node)},
                        {"cat", "function"},
                        {"pid", 1},
                        {"tid", th + 1},
                        {"ts", us(start)},
                        {"dur", us(at - start)}});
    }
  };
  for (const Event& e : ex.events()) {
    Nanos at = vt.event_time[e.index];
    Open& o = open[e.thread];
    if (o.blocked && e.kind != EvKind::Block) {  // woken: the wait ends where the thread goes on
      o.blocked = false;
      if (at - o.blocked_at < min_dur)
        ++dropped;
      else
        events.push_back({{"ph", "X"},
                          {"name", "blocked"},
                          {"cat", "wait"},
                          {"pid", 1},
                          {"tid", e.thread + 1},
                          {"ts", us(o.blocked_at)},
                          {"dur", us(at - o.blocked_at)}});
    }
    path.clear();
    for (StackId s = e.stack; s != 0; s = st.parent(s)) path.push_back(s);
    std::size_t common = 0;
    while (common < o.frames.size() && common < path.size() && o.frames[common].first == path[path.size() - 1 - common])
      ++common;
    close_to(e.thread, common, at);
    for (std::size_t i = common; i < path.size(); ++i) o.frames.emplace_back(path[path.size() - 1 - i], at);
    bool lock = ex.lock_bit(e.obj) != kNoLockBit;
    if (e.kind == EvKind::Block && !o.blocked) {
      o.blocked = true;
      o.blocked_at = at;
    } else if (lock && e.kind == EvKind::Acquire) {
      std::string name = ex.objects().class_of(e.obj) + (e.mode == std::uint8_t(SyncSide::Shared) ? " (read)" : "");
      o.holds[e.obj].emplace_back(at, std::move(name));
    } else if (lock && e.kind == EvKind::Release) {
      auto& held = o.holds[e.obj];
      if (!held.empty()) {  // a hold: an async slice, as holds need not nest with the functions
        auto [start, name] = held.back();
        held.pop_back();
        if (at - start < min_dur) {
          ++dropped;
        } else {
          events.push_back({{"ph", "b"},
                            {"name", name},
                            {"cat", "lock"},
                            {"id", ++async_id},
                            {"pid", 1},
                            {"tid", e.thread + 1},
                            {"ts", us(start)}});
          events.push_back({{"ph", "e"},
                            {"name", name},
                            {"cat", "lock"},
                            {"id", async_id},
                            {"pid", 1},
                            {"tid", e.thread + 1},
                            {"ts", us(at)}});
        }
      }
    }
  }
  for (ThreadId th = 0; th < open.size(); ++th) close_to(th, 0, vt.now(th));
  // Hand-offs: each wait on a lock that a release ended, from the releasing
  // thread to the woken one.
  for (const auto& w : vt.waits) {
    if (w.to <= w.from || ex.lock_bit(w.obj) == kNoLockBit) continue;
    events.push_back({{"ph", "s"},
                      {"name", "hand-off"},
                      {"cat", "lock"},
                      {"id", ++flow_id},
                      {"pid", 1},
                      {"tid", w.waker + 1},
                      {"ts", us(w.to)}});
    events.push_back({{"ph", "f"},
                      {"bp", "e"},
                      {"name", "hand-off"},
                      {"cat", "lock"},
                      {"id", flow_id},
                      {"pid", 1},
                      {"tid", w.thread + 1},
                      {"ts", us(w.to)}});
  }
  json doc;
  doc["traceEvents"] = events;
  doc["displayTimeUnit"] = "ms";
  doc["metadata"] = {{"scenario", t.name}, {"file", t.file},          {"makespan_ns", t.makespan},
                     {"clock", "virtual"}, {"min_slice_ns", min_dur}, {"slices_left_out", dropped}};
  return doc.dump() + "\n";
}

}  // namespace mhp
