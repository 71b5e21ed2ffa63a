// Stopping a run early (SIGINT, SIGTERM, --time-limit) and the step budget:
// the pure parts. --time-limit's durations; the stop request's precedence
// (a signal's exit code wins over the time limit's); every report format of
// a stopped result marked incomplete, and of a result that was not stopped
// unchanged; the derived step budget and the livelock-or-cut rule; an
// execution cut by a stop request ends as Stopped, while one not marked
// stoppable runs to its end.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "model/scenario/scenario.hpp"
#include "model/scenario/step_budget.hpp"
#include "model/support/stop_request.hpp"
#include "tools/cli/machine.hpp"
#include "tools/cli/stop_signals.hpp"
#include "tools/report/report.hpp"

using namespace mhp;
using std::chrono::milliseconds;

TEST_CASE("--time-limit durations") {
  CHECK(parse_duration("90s") == milliseconds(90000));
  CHECK(parse_duration("5m") == milliseconds(300000));
  CHECK(parse_duration("1h30m") == milliseconds(5400000));
  CHECK(parse_duration("1500ms") == milliseconds(1500));
  CHECK(parse_duration("2m30s") == milliseconds(150000));
  CHECK(parse_duration("45") == milliseconds(45000));         // a bare number: seconds
  CHECK(parse_duration("720h") == milliseconds(2592000000));  // 30 days, the most
  for (const char* bad : {"", "0s", "0", "5x", "1m30", "-1s", "s", "1.5m", "721h", "99999999999999999999s", "1 s"})
    CHECK_MESSAGE(!parse_duration(bad), bad);
}

TEST_CASE("stop request: a signal replaces the time limit, not the other way round") {
  clear_stop_request();
  CHECK(!stopping());
  CHECK(request_stop(StopReason::TimeLimit) == StopReason::None);
  CHECK(stop_exit_code(true) == 0);
  CHECK(stop_exit_code(false) == 1);
  CHECK(request_stop(StopReason::Terminate) == StopReason::TimeLimit);
  CHECK(stop_exit_code(true) == 143);
  request_stop(StopReason::TimeLimit);
  CHECK(stop_requested() == StopReason::Terminate);
  CHECK(stop_text() == "interrupted by SIGTERM");
  request_stop(StopReason::Interrupt);
  CHECK(stop_exit_code(true) == 130);
  clear_stop_request();
  CHECK(stop_text().empty());
  CHECK(stop_exit_code(true) == 0);
}

namespace {
ScenarioResult stopped_result() {
  ScenarioResult r;
  r.file = "scenarios/a.yaml";
  r.name = "a";
  r.era = "v6";
  r.strategy = "random";
  r.executions = r.executions_run = 812;
  r.executions_planned = 100000;
  r.stopped = "interrupted by SIGINT";
  r.expectations.push_back({"other_findings: forbidden", 3, true, "no finding beyond the expected ones"});
  return r;
}
}  // namespace

TEST_CASE("a stopped result is marked incomplete in every format") {
  const ScenarioResult r = stopped_result();
  CHECK(incomplete_text(r) == "INCOMPLETE: interrupted by SIGINT after 812 of 100000 executions");
  const std::string text = render_text(r);
  CHECK(text.find("\nINCOMPLETE: interrupted by SIGINT after 812 of 100000 executions\n") != std::string::npos);
  CHECK(text.find("\nresult: INCOMPLETE (PASS so far) a\n") != std::string::npos);

  std::string last;
  for (std::size_t a = 0, b; (b = render_json(r).find('\n', a)) != std::string::npos; a = b + 1)
    last = render_json(r).substr(a, b - a);
  auto j = nlohmann::json::parse(last);
  CHECK(j["kind"] == "result");
  CHECK(j["incomplete"] == "interrupted by SIGINT");
  CHECK(j["executions_run"] == 812);
  CHECK(j["executions_planned"] == 100000);

  auto sarif = nlohmann::json::parse(render_sarif({r}));
  const auto& inv = sarif["runs"][0]["invocations"][0];
  CHECK(inv["executionSuccessful"] == false);
  CHECK(inv["exitSignalName"] == "SIGINT");
  CHECK(inv["toolExecutionNotifications"][0]["level"] == "error");
  CHECK(sarif["runs"][0]["properties"]["incomplete"] == "interrupted by SIGINT");

  pugi::xml_document doc;
  REQUIRE(doc.load_string(render_junit({r}).c_str()));
  auto suites = doc.child("testsuites");
  CHECK(std::string(suites.attribute("errors").value()) == "1");
  CHECK(std::string(suites.attribute("tests").value()) == "2");
  auto err = suites.child("testsuite").find_child_by_attribute("testcase", "name", "runs to the end").child("error");
  CHECK(std::string(err.attribute("type").value()) == "incomplete");
}

TEST_CASE("a result that ran to its end says nothing of a stop") {
  ScenarioResult r = stopped_result();
  r.stopped.clear();
  CHECK(render_text(r).find("INCOMPLETE") == std::string::npos);
  CHECK(render_text(r).find("\nresult: PASS a\n") != std::string::npos);
  CHECK(render_json(r).find("incomplete") == std::string::npos);
  auto sarif = nlohmann::json::parse(render_sarif({r}));
  CHECK(sarif["runs"][0]["invocations"][0]["executionSuccessful"] == true);
  CHECK(!sarif["runs"][0]["invocations"][0].contains("toolExecutionNotifications"));
  CHECK(render_junit({r}).find("errors=\"1\"") == std::string::npos);
}

TEST_CASE("step budget: derived from the geometry, at least 100000") {
  Geometry small;  // 4 sections of 2 subsections of 2 pages
  CHECK(derived_step_budget(small, 64) == kMinStepBudget);
  Geometry real;
  real.pages_per_subsection = 512;
  real.subsections_per_section = 64;
  real.sections = 4096;
  real.sections_per_block = 16;
  real.chunk_pages = 512;
  // a walk: 262144 chunks + 262144 subsections + 4096 sections + 256 blocks
  CHECK(derived_step_budget(real, 2) == 16 * 2 * (262144 + 262144 + 4096 + 256));
  CHECK(derived_step_budget(real, 4) == 2 * derived_step_budget(real, 2));
}

TEST_CASE("step budget: a livelock only when the budget is 4 fair runs or more") {
  CHECK(budget_end_is_livelock(100000, 300));
  CHECK(budget_end_is_livelock(100000, 25000));
  CHECK(!budget_end_is_livelock(100000, 25001));
  CHECK(!budget_end_is_livelock(100000, std::nullopt));  // the fair run did not end either: cut
}

TEST_CASE("a scenario without explore.step_budget gets the derived one, one with it keeps it") {
  const std::string base =
      "name: b\nera: v6\ngeometry: {preset: x86_64, sections: 4096}\ninitial: {boot_sections: 16}\n"
      "threads:\n  - {name: a, op: online_pages, pfn: 524288}\n";
  Scenario sc = parse_scenario("b.yaml", base);
  CHECK(!sc.step_budget_set);
  CHECK(sc.step_budget == derived_step_budget(sc.geo, 1));
  CHECK(sc.step_budget > kMinStepBudget);
  Scenario set = parse_scenario("b.yaml", base + "explore: {step_budget: 5000}\n");
  CHECK(set.step_budget_set);
  CHECK(set.step_budget == 5000);
}

TEST_CASE("a stop request cuts a stoppable execution, not another") {
  // a memmap of 16 real sections: thousands of choice points
  const Scenario sc =
      parse_scenario("c.yaml",
                     "name: c\nera: v6\ngeometry: {preset: x86_64, sections: 64}\ninitial: {boot_sections: 16}\n"
                     "devices:\n  - {name: pmem0, start_pfn: 524288, nr_pages: 524288}\n"
                     "threads:\n  - {name: m, op: memremap_pages, device: pmem0}\n  - {name: k, op: kmemleak}\n");
  Machine m(sc);
  RandomStrategy s(1);
  clear_stop_request();
  const Outcome whole = m.run(s, 0);
  CHECK(whole.status == Outcome::Status::Completed);
  const std::uint64_t steps = m.ex.steps();
  REQUIRE(steps > 2048);
  request_stop(StopReason::Interrupt);
  CHECK(m.run(s, 0).status == Outcome::Status::Completed);  // not stoppable: a witness replay runs to its end
  CHECK(m.ex.steps() == steps);
  m.ex.set_stoppable(true);
  const Outcome cut = m.run(s, 0);
  clear_stop_request();
  CHECK(cut.status == Outcome::Status::Stopped);
  CHECK(m.ex.steps() == 1024);                              // polled every 1024 choice points
  CHECK(m.run(s, 0).status == Outcome::Status::Completed);  // the request cleared: the next runs whole
}
