// Renderers: the text report in the shape of lockdep/KCSAN splats, and JSON
// lines for CI. Pure functions of a ScenarioResult: same input, same bytes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/engine/execution.hpp"
#include "model/engine/vtime.hpp"
#include "tools/report/result.hpp"

namespace mhp {

std::string render_finding_text(const Finding& f, const ScenarioResult& r);
std::string render_text(const ScenarioResult& r);
// A stopped run's line: "INCOMPLETE: interrupted by SIGINT after 812 of
// 100000 executions" (text, JUnit, SARIF say it alike).
std::string incomplete_text(const ScenarioResult& r);
std::string render_json(const ScenarioResult& r);  // one object per finding per line
// Caps that keep a SARIF log within GitHub code scanning's limits (with a
// margin): code-flow locations per result, results per run, and the whole
// log's bytes. GitHub takes 10 MB gzipped; capping the uncompressed log there
// holds however well it compresses.
inline constexpr std::size_t kSarifMaxThreadFlowLocations = 10000;
inline constexpr std::size_t kSarifMaxResults = 5000;
inline constexpr std::size_t kSarifMaxBytes = 10'000'000;
// SARIF 2.1.0 log of every scenario's findings (sarif.cpp); code flows for
// the findings whose witness was attached (attach_witnesses). Scenario files
// inside `srcroot` (empty: the working directory) are URIs relative to it.
// At most `max_bytes` (kSarifMaxBytes by default): code flows are cut first,
// then results.
std::string render_sarif(const std::vector<ScenarioResult>& results, const std::string& srcroot = {},
                         std::size_t max_bytes = kSarifMaxBytes);
// JUnit XML: a testsuite per scenario, a testcase per expectation (junit.cpp).
std::string render_junit(const std::vector<ScenarioResult>& results);
// Chrome/Perfetto trace-event JSON of the witness of finding `key` (trace.cpp);
// empty if its witness is not attached.
std::string render_trace(const ScenarioResult& r, const std::string& key);
std::uint64_t trace_time(const EventRecord& e);
// GraphViz DOT of the lock dependency graphs, cycles highlighted (lock_graph.cpp).
std::string render_lock_graph(const std::vector<ScenarioResult>& results);
// The command that reproduces a finding exactly (replay_command.cpp).
std::string replay_command(const std::string& file, const std::string& schedule, bool all_points = false);
// A schedule longer than this is cut short in the text report; `run
// --schedule-dir` writes it to a file instead, replayed by the command below.
constexpr std::size_t kLongSchedule = 300;
std::string replay_command_file(const std::string& file, const std::string& schedule_file, bool all_points = false);
// The same for people: a real-geometry witness of 10^5 runs is cut short,
// pointing at the JSON report that carries it whole.
std::string replay_command_text(const std::string& file, const std::string& schedule, bool all_points = false);
// A timing run (timing_text.cpp): the text of `mhpsim time`, the JSON object
// reports embed, and a duration as they print it ("20.133 s").
std::string render_timing_text(const TimingResult& t);
nlohmann::ordered_json timing_json(const TimingResult& t);
std::string fmt_seconds(Nanos ns);
// A timing run as a Perfetto trace in virtual time (timing_trace.cpp).
std::string render_timing_trace(const Execution& ex, const VirtualTime& vt, const TimingResult& t);

}  // namespace mhp
