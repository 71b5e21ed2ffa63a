// The one explorer loop: runs any search (search.hpp) on a Machine, asking
// it for the next execution until it has none, and records each execution's
// findings, trace and lock dependencies in a RunResult. Around the loop, as
// wrappers: the schedule trie that answers a repeated schedule of a
// memoryless strategy without running it, the progress line, stop requests,
// and --jobs for sampled searches (one worker per job, each with its own
// Machine and search, taking chunks of indices; their results merge).
// A dfs search spreads over jobs itself (dfs_helpers.hpp).
#pragma once
#include <functional>
#include <memory>

#include "model/scenario/scenario.hpp"
#include "tools/cli/run_result.hpp"
#include "tools/cli/search.hpp"

namespace mhp {

using SearchFactory = std::function<std::unique_ptr<Search>()>;

struct Explored {
  RunResult run;
  std::unique_ptr<Search> search;  // the first worker's: it describes the search
};

// workers: searches run side by side, each from make(), with its own Machine
// (sampled searches only). progress: the progress line on stderr.
Explored explore(const Scenario& sc, const SearchSpec& spec, const SearchFactory& make, unsigned workers);

}  // namespace mhp
