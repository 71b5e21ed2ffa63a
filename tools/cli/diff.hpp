// `mhpsim diff A B`: what a lock-scope change breaks and what it speeds up.
// A and B are two scenario files, or one scenario under two variant files.
// Both are explored as `run` does and timed in virtual time; the report lists
// the findings only in A, only in B and in both, and the makespan per
// operation and in all, A against B. B having a finding A has not is a
// regression: exit 1 (usable as a CI gate on a lock-scope change).
#pragma once
#include <iosfwd>
#include <string>

#include "tools/cli/run.hpp"

namespace mhp {

struct DiffInput {
  std::string a_file, b_file;        // scenario files (the same one with variants)
  std::string a_variant, b_variant;  // variant files, "-" for none, "" for the file's own
};

// Returns the exit code: 0 (B adds no finding), 1 (it does).
int diff_scenarios(const DiffInput& in, const RunOptions& opt, const std::string& format, std::ostream& out);

}  // namespace mhp
