// The SARIF renderer on fabricated results: GitHub code scanning's limits
// (code-flow locations per result, results per run) hold whatever a run finds,
// and what is cut is counted.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include <nlohmann/json.hpp>

#include "tools/report/report.hpp"

using namespace mhp;

namespace {

Finding race_finding(const std::string& key) {
  Finding f;
  f.kind = FindingKind::Race;
  f.key = key;
  f.title = "BUG: data race";
  f.summary = "two writes";
  f.schedule = "0,1";
  return f;
}

// A witness of `n` events alternating between two threads, so that no two
// consecutive events merge into one location; the sides are events 3 and n-1.
Witness alternating_witness(std::size_t n) {
  Witness w;
  w.threads = {"a", "b"};
  w.ops = {"online_pages", "memremap_pages"};
  w.lines = {5, 9};
  for (std::size_t i = 0; i < n; ++i) {
    EventRecord e;
    e.index = static_cast<std::uint32_t>(i);
    e.thread = static_cast<unsigned>(i % 2);
    e.kind = "write";
    e.object = "x";
    e.stack = {"op", "f"};
    w.events.push_back(e);
  }
  w.side_events = {3, static_cast<std::int64_t>(n - 1)};
  return w;
}

ScenarioResult scenario(const std::string& file) {
  ScenarioResult r;
  r.file = file;
  r.name = "synthetic";
  return r;
}

}  // namespace

TEST_CASE("sarif: a long code flow is capped, keeping the finding's own events") {
  const std::size_t n = kSarifMaxThreadFlowLocations + 2500;
  ScenarioResult r = scenario("scenarios/a b.yaml");
  r.findings.push_back(race_finding("race/x/f/f"));
  r.witnesses["race/x/f/f"] = alternating_witness(n);
  auto log = nlohmann::json::parse(render_sarif({r}, "/repo"));
  const auto& res = log["runs"][0]["results"][0];
  std::size_t locs = 0, essential = 0;
  std::vector<std::int64_t> orders;
  for (const auto& tf : res["codeFlows"][0]["threadFlows"])
    for (const auto& l : tf["locations"]) {
      ++locs;
      essential += l["importance"] == "essential";
      orders.push_back(l["executionOrder"].get<std::int64_t>());
    }
  CHECK(locs == kSarifMaxThreadFlowLocations);
  CHECK(essential == 2);
  CHECK(res["properties"]["threadFlowLocationsCut"] == n - kSarifMaxThreadFlowLocations);
  std::sort(orders.begin(), orders.end());
  CHECK(orders.front() == 1);
  CHECK(orders.back() == static_cast<std::int64_t>(kSarifMaxThreadFlowLocations));
  CHECK(res["codeFlows"][0]["message"]["text"].get<std::string>().find("2500") != std::string::npos);
  // percent-encoded and relative to SRCROOT
  const auto& art = res["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(art["uri"] == "scenarios/a%20b.yaml");
  CHECK(art["uriBaseId"] == "SRCROOT");
}

TEST_CASE("sarif: a short code flow is not capped") {
  ScenarioResult r = scenario("/repo/scenarios/s.yaml");
  r.findings.push_back(race_finding("race/x/f/f"));
  r.witnesses["race/x/f/f"] = alternating_witness(10);
  auto log = nlohmann::json::parse(render_sarif({r}, "/repo"));
  const auto& res = log["runs"][0]["results"][0];
  CHECK_FALSE(res["properties"].contains("threadFlowLocationsCut"));
  // an absolute path inside SRCROOT is made relative to it
  CHECK(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "scenarios/s.yaml");
  // one outside stays absolute, as a file URI
  ScenarioResult o = scenario("/elsewhere/s.yaml");
  o.findings.push_back(race_finding("race/y"));
  auto other = nlohmann::json::parse(render_sarif({o}, "/repo"));
  const auto& art = other["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(art["uri"] == "file:///elsewhere/s.yaml");
  CHECK_FALSE(art.contains("uriBaseId"));
}

TEST_CASE("sarif: results beyond the per-run cap are cut and counted") {
  ScenarioResult r = scenario("/elsewhere/s #1.yaml");
  for (std::size_t i = 0; i < kSarifMaxResults + 7; ++i)
    r.findings.push_back(race_finding("race/x" + std::to_string(i)));
  auto log = nlohmann::json::parse(render_sarif({r}, "/repo"));
  const auto& run = log["runs"][0];
  CHECK(run["results"].size() == kSarifMaxResults);
  CHECK(run["properties"]["resultsCut"] == 7);
  CHECK(run["invocations"][0]["toolExecutionNotifications"][0]["level"] == "warning");
  const auto& art = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(art["uri"] == "file:///elsewhere/s%20%231.yaml");
  CHECK_FALSE(art.contains("uriBaseId"));
}

TEST_CASE("sarif: every rule has help, the driver a version and an information URI") {
  auto log = nlohmann::json::parse(render_sarif({}, "/repo"));
  const auto& driver = log["runs"][0]["tool"]["driver"];
  CHECK_FALSE(driver["version"].get<std::string>().empty());
  CHECK(driver["informationUri"].get<std::string>().rfind("https://", 0) == 0);
  CHECK(driver["rules"].size() == kFindingKindCount);
  for (const auto& rule : driver["rules"]) {
    CHECK_FALSE(rule["help"]["text"].get<std::string>().empty());
    CHECK_FALSE(rule["help"]["markdown"].get<std::string>().empty());
    // SARIF1001: a rule's name is not its id; SARIF2012: Pascal case
    const std::string name = rule["name"], id = rule["id"];
    CHECK(name != id);
    CHECK(std::isupper(static_cast<unsigned char>(name[0])));
    CHECK(name.find_first_of("_- ") == std::string::npos);
  }
}

namespace {

// Every code-flow location of a result, and how many are essential.
std::pair<std::size_t, std::size_t> flow_locations(const nlohmann::json& res) {
  std::size_t n = 0, essential = 0;
  if (!res.contains("codeFlows")) return {0, 0};
  for (const auto& tf : res["codeFlows"][0]["threadFlows"])
    for (const auto& l : tf["locations"]) ++n, essential += l["importance"] == "essential";
  return {n, essential};
}

}  // namespace

TEST_CASE("sarif: code flows are cut to one cap so the log fits its byte budget") {
  // 40 findings with witnesses of 2,000 locations each: about 40 MB whole
  ScenarioResult r = scenario("scenarios/s.yaml");
  for (int i = 0; i < 40; ++i) {
    std::string key = "race/x" + std::to_string(i) + "/f/f";
    r.findings.push_back(race_finding(key));
    r.witnesses[key] = alternating_witness(2000);
  }
  // one short witness stays whole under the cap
  r.findings.push_back(race_finding("race/short/f/f"));
  r.witnesses["race/short/f/f"] = alternating_witness(6);
  const std::size_t budget = 3'000'000;
  std::string text = render_sarif({r}, "/repo", budget);
  CHECK(text.size() <= budget);
  auto log = nlohmann::json::parse(text);
  const auto& run = log["runs"][0];
  REQUIRE(run["results"].size() == 41);
  const std::size_t cap = run["properties"]["threadFlowLocationsCap"];
  CHECK(cap > 2);
  CHECK(cap < 2000);
  for (std::size_t i = 0; i < 40; ++i) {
    const auto& res = run["results"][i];
    auto [n, essential] = flow_locations(res);
    CHECK(n == cap);
    CHECK(essential == 2);  // the racing accesses survive any cut
    CHECK(res["properties"]["threadFlowLocationsCut"] == 2000 - cap);
  }
  CHECK(flow_locations(run["results"][40]).first == 6);
  CHECK_FALSE(run["results"][40]["properties"].contains("threadFlowLocationsCut"));
  const auto& note = run["invocations"][0]["toolExecutionNotifications"][0];
  CHECK(note["level"] == "note");
  CHECK(note["message"]["text"].get<std::string>().find("at most " + std::to_string(cap) + " locations") !=
        std::string::npos);
  // uncut, the log would not fit
  std::string whole = render_sarif({r}, "/repo", 100'000'000);
  CHECK(whole.size() > budget);
  CHECK_FALSE(nlohmann::json::parse(whole)["runs"][0].contains("properties"));
}

TEST_CASE("sarif: results beyond the byte budget are cut and counted") {
  ScenarioResult r = scenario("scenarios/s.yaml");
  for (int i = 0; i < 3000; ++i) {
    Finding f = race_finding("race/x" + std::to_string(i));
    f.notes = std::vector<std::string>(4, std::string(200, 'n'));
    r.findings.push_back(f);
  }
  const std::size_t budget = 1'000'000;
  std::string text = render_sarif({r}, "/repo", budget);
  CHECK(text.size() <= budget);
  const auto log = nlohmann::json::parse(text);
  const auto& run = log["runs"][0];
  const std::size_t kept = run["results"].size(), cut = run["properties"]["resultsCut"];
  CHECK(kept > 100);
  CHECK(kept + cut == 3000);
  // the first findings are the ones kept
  CHECK(run["results"][0]["properties"]["key"] == "race/x0");
}

TEST_CASE("sarif: a long schedule stays out of the log, its replay command points at it") {
  ScenarioResult r = scenario("scenarios/s.yaml");
  Finding f = race_finding("race/long");
  f.schedule.clear();
  for (int i = 0; i < 200; ++i) f.schedule += (i ? "," : "") + std::to_string(i % 3) + ":7";
  REQUIRE(f.schedule.size() > kLongSchedule);
  r.findings.push_back(f);
  Finding g = race_finding("race/filed");
  g.schedule = f.schedule;
  r.findings.push_back(g);
  r.schedule_files["race/filed"] = "witnesses/race-filed.sched";
  r.findings.push_back(race_finding("race/short"));
  const auto log = nlohmann::json::parse(render_sarif({r}, "/repo"));
  const auto& res = log["runs"][0]["results"];
  const auto& p0 = res[0]["properties"];
  CHECK_FALSE(p0.contains("schedule"));
  CHECK(p0["scheduleLength"] == f.schedule.size());
  CHECK(p0["replay"].get<std::string>().size() < 300);
  CHECK(p0["replay"].get<std::string>().find("--format json") != std::string::npos);
  const auto& p1 = res[1]["properties"];
  CHECK(p1["scheduleFile"] == "witnesses/race-filed.sched");
  CHECK(p1["replay"] == "tools/mhpsim replay scenarios/s.yaml --schedule-file witnesses/race-filed.sched");
  const auto& p2 = res[2]["properties"];
  CHECK(p2["schedule"] == "0,1");
  CHECK(p2["replay"] == "tools/mhpsim replay scenarios/s.yaml --schedule 0,1");
}
