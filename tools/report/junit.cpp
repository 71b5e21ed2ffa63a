// JUnit XML for CI test-report views: a <testsuite> per scenario, a
// <testcase> per expectation of the scenario (`expect.findings` entries,
// `other_findings: forbidden`, and with --baseline "no new findings"); a
// failing one carries the scenario's text report. A scenario without
// expectations is one testcase, "runs", failing only if the run did.
// The layout follows the common (Ant/Jenkins) JUnit schema.
//
// Written with pugixml so escaping is right by construction; it writes
// newlines in attributes as &#10;, so a failure message keeps its lines.
#include <sstream>
#include <string>

#include <pugixml.hpp>

#include "tools/report/report.hpp"

namespace mhp {

namespace {

// XML 1.0 cannot carry control characters other than tab, newline and
// carriage return, not even as character references: replace them.
std::string xml_chars(const std::string& s) {
  std::string o = s;
  for (char& c : o)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') c = '?';
  return o;
}

void attr(pugi::xml_node n, const char* name, const std::string& value) {
  n.append_attribute(name).set_value(xml_chars(value).c_str());
}

std::vector<ExpectResult> cases_of(const ScenarioResult& r) {
  std::vector<ExpectResult> cases = r.expectations;
  if (cases.empty()) {
    std::string detail = r.replay_error.empty() ? "ran" : "replay diverged: " + r.replay_error;
    cases.push_back({"runs", 0, r.ok, detail});
  }
  return cases;
}

// A stopped run: one more testcase, an error (the run did not finish, which
// is not an expectation failing).
constexpr const char* kToTheEnd = "runs to the end";

}  // namespace

std::string render_junit(const std::vector<ScenarioResult>& results) {
  std::size_t tests = 0, failures = 0, errors = 0;
  for (const auto& r : results) {
    for (const auto& c : cases_of(r)) {
      ++tests;
      failures += !c.ok;
    }
    if (!r.stopped.empty()) ++tests, ++errors;
  }
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node suites = doc.append_child("testsuites");
  attr(suites, "name", "mhpsim");
  attr(suites, "tests", std::to_string(tests));
  attr(suites, "failures", std::to_string(failures));
  attr(suites, "errors", std::to_string(errors));
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScenarioResult& r = results[i];
    auto cases = cases_of(r);
    std::size_t f = 0;
    for (const auto& c : cases) f += !c.ok;
    pugi::xml_node suite = suites.append_child("testsuite");
    attr(suite, "name", r.name);
    attr(suite, "id", std::to_string(i));
    attr(suite, "package", "mhpsim");
    const bool stopped = !r.stopped.empty();
    attr(suite, "tests", std::to_string(cases.size() + stopped));
    attr(suite, "failures", std::to_string(f));
    attr(suite, "errors", stopped ? "1" : "0");
    attr(suite, "skipped", "0");
    attr(suite, "time", "0");
    attr(suite, "timestamp", "1970-01-01T00:00:00");
    attr(suite, "hostname", "mhpsim");
    pugi::xml_node props = suite.append_child("properties");
    auto prop = [&](const std::string& k, const std::string& v) {
      pugi::xml_node p = props.append_child("property");
      attr(p, "name", k);
      attr(p, "value", v);
    };
    prop("file", r.file);
    prop("era", r.era);
    prop("variant", r.variant);
    prop("strategy", r.strategy);
    prop("seed", std::to_string(r.seed));
    prop("executions", std::to_string(r.executions));
    prop("findings", std::to_string(r.findings.size()));
    if (r.baselined) prop("baseline_suppressed", std::to_string(r.suppressed));
    if (r.budget_cut > 0) prop("budget_cut", std::to_string(r.budget_cut));
    if (stopped) {
      prop("incomplete", r.stopped);
      prop("executions_run", std::to_string(r.executions_run));
    }
    const std::string report = xml_chars(render_text(r));
    for (const auto& c : cases) {
      pugi::xml_node tc = suite.append_child("testcase");
      attr(tc, "name", c.name + (c.line > 0 ? " (" + r.file + ":" + std::to_string(c.line) + ")" : ""));
      attr(tc, "classname", "mhpsim." + r.name);
      attr(tc, "time", "0");
      if (c.ok) continue;
      pugi::xml_node fail = tc.append_child("failure");
      attr(fail, "message", c.detail);
      attr(fail, "type", c.name == "baseline" ? "new-finding" : "expectation");
      fail.append_child(pugi::node_pcdata).set_value(report.c_str());
    }
    if (stopped) {
      pugi::xml_node tc = suite.append_child("testcase");
      attr(tc, "name", kToTheEnd);
      attr(tc, "classname", "mhpsim." + r.name);
      attr(tc, "time", "0");
      pugi::xml_node err = tc.append_child("error");
      attr(err, "message", incomplete_text(r));
      attr(err, "type", "incomplete");
    }
    suite.append_child("system-out")
        .append_child(pugi::node_pcdata)
        .set_value(xml_chars(r.name + ": " + std::to_string(r.findings.size()) + " finding(s)").c_str());
    suite.append_child("system-err");
  }
  std::ostringstream o;
  doc.save(o, "  ", pugi::format_indent, pugi::encoding_utf8);
  return o.str();
}

}  // namespace mhp
