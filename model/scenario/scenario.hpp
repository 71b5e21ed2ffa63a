// A scenario file (scenarios/*.yaml): machine, devices, threads with their
// operations, the variant (lock-scope edits), how to explore, and what must
// be found. Parsing resolves every op against its era and applies the edits,
// so a scenario that parses can run. Field reference: docs/SCENARIOS.md.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/kernel/kernel.hpp"
#include "model/ops/program.hpp"
#include "model/ops/variant.hpp"
#include "model/support/finding_kind.hpp"
#include "model/timing/cost_table.hpp"

namespace mhp {

// A thread's `fail:`: the nth time kernel function `at` runs in this
// thread's op it returns -err instead (errno 0 until checked against the
// program: then the step's first `fails:` errno unless one was given).
struct FailSpec {
  std::string at, errno_name, field;
  std::uint32_t nth = 1;
  int line = 0, col = 0;  // where `fail:` names it, for errors
  int err = 0;
};

struct ThreadSpec {
  std::string name;
  std::string op;
  std::string program;  // key in Scenario::programs when edits name this thread (else op)
  std::vector<FailSpec> fail;
  OpArgs args;
  int after = -1;      // index of a thread this one starts after (devm ordering, sequential set-up)
  int line = 0;        // line of the thread in the scenario file (reports point at it)
  double start_s = 0;  // timing runs: the thread starts this many seconds of virtual time late
  // The struct pages the thread's program may touch, [pages_lo, pages_hi),
  // from its op file's `pages:`; pages_any: every page (no declaration, or
  // a variant inserted or replaced a primitive in its program).
  bool pages_any = true;
  Pfn pages_lo = 0, pages_hi = 0;
  // Its op file declares `observer: true` and no variant added code or a
  // lock to its program (only moves, unwraps, drops and removals keep it):
  // a dfs search may explore its pfn loop one item at a time
  // (`explore.observers: per_pfn`).
  bool observer = false;
};

struct ExpectSpec {
  FindingKind kind = FindingKind::Warn;
  std::string key;  // glob: * and ?
  int line = 0;     // line in the scenario file
  // Why it is expected (one at most): the upstream fix that later removed it,
  // the newest era that still has it, or the model limitation behind it.
  std::string fixed_by, still_in, limitation;
  // required: false: the finding is allowed and its reason stated, but a run
  // that misses it still passes -- a rare window that random sampling reaches
  // only sometimes, proved by a dedicated scenario of its own.
  bool required = true;
};

// `timing:`: how a timing run is set up (mhpsim time, diff) and what its
// makespan must be.
struct TimingSpec {
  bool present = false;
  unsigned cpus = 0;             // 0: one simulated CPU per thread
  std::vector<CostEntry> costs;  // overrides of model/timing/costs.yaml
  bool has_makespan = false;
  double makespan_min_s = 0, makespan_max_s = 0;
  std::string speedup_over;  // a scenario file (relative to this one) whose makespan / ours must be in range
  double speedup_min = 0, speedup_max = 0;
  int line = 0;
};

struct Scenario {
  std::string file, name, description, era;
  int name_line = 0, expect_line = 0;  // lines of `name:` and `expect:` (0: absent)
  Geometry geo;
  std::uint32_t boot_sections = 0;  // initial.boot_sections
  Pfn boot_pages = 0;               // initial.boot_pages
  std::uint32_t nodes = 1;          // initial.nodes
  std::uint32_t anon_pages = 0;     // initial.anon_pages: the test process's anonymous mapping
  std::uint32_t cpuless_nodes = 0;  // initial.cpuless_nodes: a bit per node without CPUs
  std::vector<FirmwareHole> holes;  // initial.holes
  // initial.notifiers: the memory notifier chain's callbacks (notifier_bit()
  // of each, and of None: the chain is modelled); 0 when absent: not modelled
  std::uint32_t notifiers = 0;
  std::vector<PgmapDesc> devices;
  std::vector<ThreadSpec> threads;
  std::string variant = "-";
  std::vector<VariantEdit> edits;
  std::map<std::string, OpProgram> programs;  // op (or op@thread) -> program after edits
  std::string strategy = "random";            // random, pct, pos
  unsigned depth = 3;                         // pct: bug depth d
  // dfs: preemption bound; unset: 2 for reduce none, unbounded for dpor
  std::optional<unsigned> bound;
  std::string reduce = "none";  // dfs: none (bounded), sleep (unbounded) or dpor (bounded if bound is set)
  std::uint64_t executions = 1000;
  std::uint64_t seed = 1;
  // explore.step_budget; unset: derived from the size (step_budget.hpp)
  std::uint64_t step_budget = 100000;
  bool step_budget_set = false;
  bool shrink = true;  // explore.shrink: shrink witnesses (off for real geometries: seconds per replay)
  // Accesses to struct pages no other thread's op may touch make no choice
  // point (model/kernel/page_footprint.hpp); off: `--all-choice-points`,
  // which schedules recorded that way need again to replay.
  bool page_footprint = true;
  // explore.observers: per_pfn: a dfs search runs one search per pfn of each
  // observer thread's loop (ThreadSpec::observer), the other pfns without
  // choice points (tools/cli/search_dfs.cpp)
  bool observers_per_pfn = false;
  bool check_invariants = false;  // explore.check_invariants: model invariants after every execution
  std::vector<ExpectSpec> expect;
  bool other_findings_allowed = true;
  // expect.complete: a dfs run must end with its search complete (a proof);
  // its line, 0 when absent
  bool expect_complete = false;
  int expect_complete_line = 0;
  TimingSpec timing;
};

// variant_file/variant_text: a variant file whose `variant:` replaces the
// scenario's (mhpsim diff SCENARIO --variants A B); "-" as file: no variant at
// all. A scenario's own `variant:` is a mapping or the path of a variant file
// (relative to the scenario's directory).
Scenario parse_scenario(const std::string& file, const std::string& text, const std::string& variant_file = "",
                        const std::string& variant_text = "");
Scenario load_scenario(const std::string& path, const std::string& variant_file = "");  // InputError if unreadable
// `initial.notifiers: default`: the era's default-on callbacks
// (memory_chain.hpp), as a distribution kernel boots.
std::uint32_t default_memory_notifiers(const std::string& era);
MachineSpec machine_of(const Scenario& sc);

// A variant file on its own (`mhpsim ops show OP --variant FILE`):
// `variant: {name, edits}`, `description:` and `era:` optional.
struct VariantSpec {
  std::string file, name, era;  // era: "" when the file names none
  int era_line = 0, era_col = 0;
  std::vector<VariantEdit> edits;
};
VariantSpec parse_variant_file(const std::string& file, const std::string& text);
// Whether a YAML text is a scenario (has `threads:`) rather than a variant file.
bool is_scenario_text(const std::string& text);
std::string read_input_file(const std::string& path);  // InputError if unreadable
bool glob_match(const std::string& pattern, const std::string& s);

}  // namespace mhp
