// What a checker reports. A finding's key names the bug, not the run: kind,
// object class and kernel functions, never a pfn, address or counter, so the
// same bug in a thousand executions is one finding with a count and the first
// witness schedule.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/engine/execution.hpp"
#include "model/support/finding_kind.hpp"

namespace mhp {

struct FindingSide {
  std::string title;               // "read by task walker (T1):"
  std::vector<std::string> stack;  // innermost first
  std::vector<std::string> locks;  // "mem_hotplug_lock (write)"
  std::int64_t event = -1;         // index of the event in its execution (-1: none), for traces
};

struct Finding {
  FindingKind kind = FindingKind::Warn;
  std::string key;
  std::string title;               // "BUG: ..." line
  std::string summary;             // one line for JSON and CI logs
  std::vector<std::string> notes;  // classification, rule, case
  // lockorder: lockdep's "Chain exists of" and "Possible unsafe locking
  // scenario" lines (print_circular_lock_scenario()), empty for other kinds
  std::vector<std::string> unsafe_scenario;
  std::vector<FindingSide> sides;
  // Parts of the key that reports use, set where the finding is made (no
  // report parses a key).
  std::string rule;                     // scope: the rule id ("R13")
  std::vector<std::string> lock_cycle;  // lockorder: the cycle's lock classes in order, or the one taken recursively
  bool whole_run = false;               // a finding of the run's lock graph (a lock-order cycle), not of one execution
  // witness, set by the runner
  std::uint64_t execution = 0;
  std::string schedule;
  // The schedule was recorded with a choice point at every access (a timing
  // run's; Scenario::page_footprint): its replay needs --all-choice-points.
  bool all_choice_points = false;
  std::uint64_t count = 1;     // executions in which the key appeared
  std::uint64_t position = 0;  // order among the witness execution's findings (0: a whole-run finding)
};

// Helpers shared by checkers to describe a thread at an event.
FindingSide side_at(const Execution& ex, const Event& ev, const std::string& title);
std::vector<std::string> lock_names_of(const Execution& ex, std::uint64_t held, std::uint64_t shared);

}  // namespace mhp
