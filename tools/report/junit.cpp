// JUnit XML for CI test-report views: a <testsuite> per scenario, a
// <testcase> per expectation of the scenario (`expect.findings` entries,
// `other_findings: forbidden`, and with --baseline "no new findings"); a
// failing one carries the scenario's text report. A scenario without
// expectations is one testcase, "runs", failing only if the run did.
// The layout follows the common (Ant/Jenkins) JUnit schema.
#include <string>

#include "tools/report/report.hpp"

namespace mhp {

namespace {

// XML 1.0 text: escape markup, drop control characters XML cannot carry.
std::string xml(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') o += '?';
        else o += c;
    }
  }
  return o;
}

std::vector<ExpectResult> cases_of(const ScenarioResult& r) {
  std::vector<ExpectResult> cases = r.expectations;
  if (cases.empty()) {
    std::string detail = r.replay_error.empty() ? "ran" : "replay diverged: " + r.replay_error;
    cases.push_back({"runs", 0, r.ok, detail});
  }
  return cases;
}

}  // namespace

std::string render_junit(const std::vector<ScenarioResult>& results) {
  std::size_t tests = 0, failures = 0;
  for (const auto& r : results)
    for (const auto& c : cases_of(r)) {
      ++tests;
      failures += !c.ok;
    }
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<testsuites name=\"mhpsim\" tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
       "\" errors=\"0\">\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScenarioResult& r = results[i];
    auto cases = cases_of(r);
    std::size_t f = 0;
    for (const auto& c : cases) f += !c.ok;
    o += "  <testsuite name=\"" + xml(r.name) + "\" id=\"" + std::to_string(i) + "\" package=\"mhpsim\" tests=\"" +
         std::to_string(cases.size()) + "\" failures=\"" + std::to_string(f) +
         "\" errors=\"0\" skipped=\"0\" time=\"0\" timestamp=\"1970-01-01T00:00:00\" hostname=\"mhpsim\">\n";
    o += "    <properties>\n";
    auto prop = [&](const std::string& k, const std::string& v) {
      o += "      <property name=\"" + xml(k) + "\" value=\"" + xml(v) + "\"/>\n";
    };
    prop("file", r.file);
    prop("era", r.era);
    prop("variant", r.variant);
    prop("strategy", r.strategy);
    prop("seed", std::to_string(r.seed));
    prop("executions", std::to_string(r.executions));
    prop("findings", std::to_string(r.findings.size()));
    if (r.baselined) prop("baseline_suppressed", std::to_string(r.suppressed));
    o += "    </properties>\n";
    const std::string report = render_text(r);
    for (const auto& c : cases) {
      std::string name = c.name + (c.line > 0 ? " (" + r.file + ":" + std::to_string(c.line) + ")" : "");
      o += "    <testcase name=\"" + xml(name) + "\" classname=\"" + xml("mhpsim." + r.name) + "\" time=\"0\"";
      if (c.ok) {
        o += "/>\n";
        continue;
      }
      o += ">\n      <failure message=\"" + xml(c.detail) + "\" type=\"" +
           (c.name == "baseline" ? "new-finding" : "expectation") + "\">" + xml(report) + "</failure>\n";
      o += "    </testcase>\n";
    }
    o += "    <system-out>" + xml(r.name + ": " + std::to_string(r.findings.size()) + " finding(s)") +
         "</system-out>\n    <system-err></system-err>\n";
    o += "  </testsuite>\n";
  }
  o += "</testsuites>\n";
  return o;
}

}  // namespace mhp
