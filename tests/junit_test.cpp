// The JUnit renderer on a fabricated result: a failure message with a newline
// and a control character parses back as one attribute, newline intact.
#include <doctest/doctest.h>

#include <pugixml.hpp>

#include "tools/report/report.hpp"

using namespace mhp;

TEST_CASE("junit: attribute newlines survive parsing, control characters do not break the XML") {
  ScenarioResult r;
  r.file = "scenarios/a.yaml";
  r.name = "synthetic <&\"'>";
  r.ok = false;
  r.expectations.push_back({"baseline", 0, false, "new finding: a\nnew finding: b\x01"});
  const std::string xml = render_junit({r});
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
  CHECK(xml.find("&#10;") != std::string::npos);
  CHECK(xml.find('\x01') == std::string::npos);
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml.c_str()));
  auto suite = doc.child("testsuites").child("testsuite");
  CHECK(std::string(suite.attribute("name").value()) == "synthetic <&\"'>");
  auto failure = suite.child("testcase").child("failure");
  CHECK(std::string(failure.attribute("message").value()) == "new finding: a\nnew finding: b?");
  CHECK(std::string(failure.attribute("type").value()) == "new-finding");
}
