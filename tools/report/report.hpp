// Renderers: the text report in the shape of lockdep/KCSAN splats, and JSON
// lines for CI. Pure functions of a ScenarioResult: same input, same bytes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tools/cli/run.hpp"

namespace mhp {

std::string render_finding_text(const Finding& f, const ScenarioResult& r);
std::string render_text(const ScenarioResult& r);
std::string render_json(const ScenarioResult& r);  // one object per finding per line
// SARIF 2.1.0 log of every scenario's findings (sarif.cpp); code flows for
// the findings whose witness was attached (attach_witnesses).
std::string render_sarif(const std::vector<ScenarioResult>& results);
// JUnit XML: a testsuite per scenario, a testcase per expectation (junit.cpp).
std::string render_junit(const std::vector<ScenarioResult>& results);
// Chrome/Perfetto trace-event JSON of the witness of finding `key` (trace.cpp);
// empty if its witness is not attached.
std::string render_trace(const ScenarioResult& r, const std::string& key);
std::uint64_t trace_time(const EventRecord& e);
// GraphViz DOT of the lock dependency graphs, cycles highlighted (lock_graph.cpp).
std::string render_lock_graph(const std::vector<ScenarioResult>& results);

}  // namespace mhp
