// `mhpsim merge`: joins the JSON reports of shards (`run --shard I/N --format
// json`) into what one run would have printed: per scenario and key the
// counts add up and the witness of the smallest execution index stays; the
// scenario's expectations are checked again on the union. A lock-order cycle
// whose dependencies were only seen in different shards is not found: each
// shard reports the cycles of its own graph.
#pragma once
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace mhp {

struct Scenario;

// Returns the exit code: 0 expectations hold, 1 one fails, 3 bad input.
int merge_reports(const std::vector<std::string>& files, std::ostream& out);

// The same on texts already read (path: the name in errors); `load` gives the
// scenario a report line names (load_scenario for merge_reports).
struct MergeInput {
  std::string path, text;
};
int merge_report_texts(const std::vector<MergeInput>& inputs, std::ostream& out,
                       const std::function<Scenario(const std::string&)>& load);

}  // namespace mhp
