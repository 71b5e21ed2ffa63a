// A schedule is the list of threads chosen at each choice point of one execution.
// It is what a finding carries as its witness and what `mhpsim replay` re-runs.
// Text form: run-length "thread:count" pairs, e.g. "0:12,1:3,0:40". Compact
// form (schedule files, `replay --schedule-file`): "mhpsim-schedule-1:" then
// base64url of each run's thread and count - 1 as LEB128 varints: two
// thirds of the text form for a real geometry's 3 x 10^5 runs, less for
// short runs.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/engine/event.hpp"

namespace mhp {

struct Schedule {
  std::vector<ThreadId> choices;
  std::string encode() const;
  // Throws std::invalid_argument with a message naming the bad token.
  // max_choices bounds the expanded length (std::invalid_argument above it):
  // "0:100000000,1:100000000,..." would otherwise allocate gigabytes.
  static Schedule decode(const std::string& text, std::uint64_t max_choices = UINT64_MAX);
  std::string encode_compact() const;
  // Either form; whitespace (a wrapped file's newlines) is ignored.
  static Schedule decode_any(const std::string& text, std::uint64_t max_choices = UINT64_MAX);
};

}  // namespace mhp
