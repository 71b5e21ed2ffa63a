// Baselines: a file of accepted findings, like a list of known lockdep
// splats. `mhpsim baseline PATHS -o FILE` writes one from a run; `mhpsim run
// --baseline FILE` drops the findings it accepts from the report (and from
// the exit code) and fails on any other finding. An entry is (scenario file,
// kind, key); the file is stored relative to the baseline's directory, so a
// checkout can live anywhere. Format: docs/REPORT_FORMATS.md.
#pragma once
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tools/cli/run.hpp"

namespace mhp {

class Baseline {
 public:
  // InputError naming file, line and field on anything malformed.
  static Baseline load(const std::string& path);
  // The same from the file's text (`path` names it in errors and anchors the
  // relative file names).
  static Baseline parse(const std::string& path, const std::string& text);
  // Drops the accepted findings from r.findings, records them in
  // r.suppressed/suppressed_findings, and adds the "baseline" expectation: no
  // finding left (r.ok false otherwise).
  void apply(ScenarioResult& r) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::string dir_;                                                      // the baseline file's directory, canonical
  std::set<std::tuple<std::string, std::string, std::string>> entries_;  // canonical file, kind, key
};

// The baseline file accepting every finding of `results`, for a file at `path`.
std::string write_baseline(const std::vector<ScenarioResult>& results, const std::string& path);

}  // namespace mhp
