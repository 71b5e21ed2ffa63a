// Renderers: the text report in the shape of lockdep/KCSAN splats, and JSON
// lines for CI. Pure functions of a ScenarioResult: same input, same bytes.
#pragma once
#include <string>

#include "tools/cli/run.hpp"

namespace mhp {

std::string render_finding_text(const Finding& f, const ScenarioResult& r);
std::string render_text(const ScenarioResult& r);
std::string render_json(const ScenarioResult& r);  // one object per finding per line

}  // namespace mhp
