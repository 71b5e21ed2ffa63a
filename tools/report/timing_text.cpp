// A timing run as text (mhpsim time) and as the JSON object reports embed.
#include <cstdio>

#include "tools/report/report.hpp"

namespace mhp {

namespace {

std::string pad(std::string s, std::size_t w, bool right = false) {
  if (s.size() >= w) return s + " ";
  return right ? std::string(w - s.size(), ' ') + s + " " : s + std::string(w - s.size(), ' ') + " ";
}

std::string usecs(Nanos ns) {  // lock_stat prints microseconds with two decimals
  char b[32];
  snprintf(b, sizeof b, "%.2f", static_cast<double>(ns) / 1000.0);
  return b;
}

}  // namespace

std::string fmt_seconds(Nanos ns) {  // seconds, or ms / us when below one
  char b[32];
  double v = static_cast<double>(ns);
  if (ns >= 1000000000 || ns == 0)
    snprintf(b, sizeof b, "%.3f s", v / 1e9);
  else if (ns >= 1000000)
    snprintf(b, sizeof b, "%.3f ms", v / 1e6);
  else
    snprintf(b, sizeof b, "%.3f us", v / 1e3);
  return b;
}

std::string render_timing_text(const TimingResult& t) {
  std::string o = "timing: " + t.name + " (" + t.file + "), era " + t.era + ", variant " + t.variant + ", " +
                  std::to_string(t.cpus) + " simulated CPUs, virtual time (costs: model/timing/costs.yaml)\n";
  o += "makespan " + fmt_seconds(t.makespan) + " (" + t.status + ", " + std::to_string(t.events) + " events)\n\n";
  o += pad("thread", 22) + pad("op", 18) + pad("start", 12, true) + pad("end", 12, true) + pad("busy", 12, true) +
       pad("waited", 12, true) + "\n";
  for (const auto& th : t.threads)
    o += pad(th.name, 22) + pad(th.op, 18) + pad(fmt_seconds(th.start), 12, true) + pad(fmt_seconds(th.end), 12, true) +
         pad(fmt_seconds(th.busy), 12, true) + pad(fmt_seconds(th.waited), 12, true) + "\n";
  o += "\n" + pad("operation", 22) + pad("threads", 8, true) + pad("makespan", 12, true) + pad("busy", 12, true) + "\n";
  for (const auto& op : t.ops)
    o += pad(op.op, 22) + pad(std::to_string(op.threads), 8, true) + pad(fmt_seconds(op.end - op.start), 12, true) +
         pad(fmt_seconds(op.busy), 12, true) + "\n";
  o += "\nlock_stat (virtual time, usecs; the columns of /proc/lock_stat):\n";
  o += pad("class name", 26) + pad("contentions", 12, true) + pad("waittime-min", 14, true) +
       pad("waittime-max", 14, true) + pad("waittime-total", 16, true) + pad("waittime-avg", 14, true) +
       pad("acquisitions", 13, true) + pad("holdtime-min", 14, true) + pad("holdtime-max", 14, true) +
       pad("holdtime-total", 16, true) + pad("holdtime-avg", 14, true) + "\n";
  for (const auto& l : t.locks) {
    Nanos wavg = l.contentions ? l.wait_total / l.contentions : 0,
          havg = l.acquisitions ? l.hold_total / l.acquisitions : 0;
    o += pad(l.cls + ":", 26) + pad(std::to_string(l.contentions), 12, true) + pad(usecs(l.wait_min), 14, true) +
         pad(usecs(l.wait_max), 14, true) + pad(usecs(l.wait_total), 16, true) + pad(usecs(wavg), 14, true) +
         pad(std::to_string(l.acquisitions), 13, true) + pad(usecs(l.hold_min), 14, true) +
         pad(usecs(l.hold_max), 14, true) + pad(usecs(l.hold_total), 16, true) + pad(usecs(havg), 14, true) + "\n";
  }
  o += "\ncritical path (from time 0 to the makespan):\n";
  for (const auto& s : t.critical_path)
    o += s.lock.empty() ? "  " + pad(fmt_seconds(s.from), 12, true) + ".. " + pad(fmt_seconds(s.to), 12, true) + " " +
                              s.thread + " runs\n"
                        : "  " + pad(fmt_seconds(s.to), 12, true) + "   " + pad("", 12, true) + " " + s.holder +
                              " hands " + s.lock + " to " + s.thread + " (waiting since " + fmt_seconds(s.from) + ")\n";
  for (const auto& e : t.expect_lines) o += e + "\n";
  return o;
}

nlohmann::ordered_json timing_json(const TimingResult& t) {
  nlohmann::ordered_json j;
  j["makespan_ns"] = t.makespan;
  j["cpus"] = t.cpus;
  j["status"] = t.status;
  j["threads"] = nlohmann::ordered_json::array();
  for (const auto& th : t.threads)
    j["threads"].push_back({{"name", th.name},
                            {"op", th.op},
                            {"start_ns", th.start},
                            {"end_ns", th.end},
                            {"busy_ns", th.busy},
                            {"waited_ns", th.waited}});
  j["lock_stat"] = nlohmann::ordered_json::array();
  for (const auto& l : t.locks)
    j["lock_stat"].push_back({{"class", l.cls},
                              {"contentions", l.contentions},
                              {"waittime_min_ns", l.wait_min},
                              {"waittime_max_ns", l.wait_max},
                              {"waittime_total_ns", l.wait_total},
                              {"acquisitions", l.acquisitions},
                              {"holdtime_min_ns", l.hold_min},
                              {"holdtime_max_ns", l.hold_max},
                              {"holdtime_total_ns", l.hold_total}});
  j["critical_path"] = nlohmann::ordered_json::array();
  for (const auto& s : t.critical_path)
    j["critical_path"].push_back(
        {{"thread", s.thread}, {"from_ns", s.from}, {"to_ns", s.to}, {"waits_for", s.lock}, {"released_by", s.holder}});
  j["expectations"] = t.expect_lines;
  return j;
}

}  // namespace mhp
