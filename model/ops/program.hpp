// Step programs as data: an operation is a tree of steps (C++ primitives),
// calls (a kernel function frame around steps), lock regions, for_each
// loops, and single lock calls (acquire, release) for code that takes a lock
// in one place and drops it in another. An era is a set of programs; a variant edits a copy
// (model/ops/variant.hpp).
//
// One file per part: lock_table.cpp (the lockable locks), parse.cpp (op
// files), catalogue.cpp (eras and the embedded programs), bind.cpp,
// interpreter.cpp with lock_dispatch.cpp (running a program), show.cpp
// (`ops show`).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "model/engine/stacks.hpp"
#include "model/kernel/eras.hpp"
#include "model/kernel/op_state.hpp"
#include "model/ops/lock_table.hpp"
#include "model/support/embedded.hpp"

namespace mhp {

struct OpNode {
  // Acquire, Release: one lock call, held on past the node (no body); they
  // need not balance, which is what checkers/lock_misuse.cpp checks. Label:
  // an error label of a call's or lock region's `unwind:`.
  enum class Kind { Step, Call, Lock, ForEach, Acquire, Release, Label };
  Kind kind = Kind::Step;
  std::string
      name;  // step: the kernel function; call: kernel function; lock, acquire, release: lock name; for_each: what
  std::string impl;      // step: the primitive that models it (default: name)
  std::string mode;      // lock, acquire, release: "read" or "write"
  std::string via;       // lock, acquire: kernel function that takes it (mem_hotplug_begin)
  std::string done;      // lock, release: kernel function that drops it (mem_hotplug_done)
  bool trylock = false;  // lock: trylock, else the op restarts (lock_device_hotplug_sysfs); acquire: trylock and retry
  std::vector<OpNode> body;  // call, lock, for_each, label: their steps; step: its `otherwise:` steps
  // Failure exits. `fails:` (step, call): the errnos the kernel function can
  // return here, the first when the modelled check itself fails; a scenario
  // can inject only these (like ALLOW_ERROR_INJECTION). `goto:` (step, call):
  // the error label the caller jumps to when it fails, found in an enclosing
  // call's or lock region's `unwind:`, whose labels run from there to the end
  // (the fall-through of the kernel's labels) before the error returns
  // further; without `goto:` the error is returned as it is.
  std::vector<int> fails;
  std::string goto_label;
  std::vector<OpNode> unwind;  // call, lock: Label nodes, in source order
  std::string file;
  int line = 0;
  Primitive prim = nullptr;
  LockId lock = LockId::MemHotplug;
  FnId fn = 0, via_fn = 0, done_fn = 0;  // set by bind()
  // Set by bind() too, so running a node compares no strings:
  bool write = false;  // lock, acquire, release: mode "write"
  // call: a notifier chain callback's, run only when the scenario registered
  // it (`notifier:`, model/kernel/memory_chain.hpp); None runs always
  MemoryNotifier notifier = MemoryNotifier::None;
  // call: a memory_notify(ACTION) step the catalogue expanded with the era's
  // chain; a scenario that does not model the chain runs it as the bare step
  bool memory_chain = false;
  // call: `inline: true`, its steps are the era's inline file of the
  // function (filled in by the catalogue)
  bool inline_body = false;
  // Set on the nodes of such a call's chain: the callback they belong to
  // (None for the chain's own), so a `fail:` there can be refused when the
  // scenario would never run them.
  bool in_chain = false;
  MemoryNotifier callback = MemoryNotifier::None;
  std::uint8_t loop = 0;  // for_each: index of name in loop_kinds() (LoopKind)
};

struct OpProgram {
  std::string op, era, source, file;
  std::vector<std::string> eras;    // every era the file declares
  std::vector<std::string> params;  // thread fields the op needs: device, pfn, range
  std::vector<OpNode> steps;
  FnId op_fn = 0;      // set by bind(): the op's own frame...
  bool named = false;  // ...unless its program starts with a call of that name
  // Declared by the op file's top-level fields (the same in every file of
  // the op), so behaviour follows the file, not the op's name:
  // `devres: map | release`: a ZONE_DEVICE map or unmap, whose start and end
  // rule R13 checks (memremap.hpp)
  enum class Devres : std::uint8_t { None, Map, Release } devres = Devres::None;
  bool block_unit = false;       // `unit: memory_block`: works on whole memory blocks
  bool zone_from_pages = false;  // `zone: from_pages`: a thread may not name a zone
  // `device: private`: the thread's device must be device-private (the CPU
  // fault on a device-private entry); `device: hmm`: private or coherent
  // (lib/test_hmm.c's driver, either type)
  enum class Device : std::uint8_t { Any, Private, Hmm } device = Device::Any;
  // `mhp_flags: [memmap_on_memory]`: a thread may ask for MHP_MEMMAP_ON_MEMORY.
  // Per file, unlike the three above: the flag exists only in some eras.
  bool memmap_on_memory = false;
  // `pages: pfn | range | device | device_sections`: the struct pages the
  // op may touch are its thread's pfn, pfn range or device's pfns widened to
  // whole subsections, or sections before v5.3 (absent: any page). Per
  // file, as an era may reach further. The kernel checks it at every page
  // access (model/kernel/page_footprint.hpp), and an access to a page no
  // other thread may touch is no choice point.
  enum class Pages : std::uint8_t { Any, Pfn, Range, Device, DeviceSections } pages = Pages::Any;
  // `observer: true`: the op only loads, nothing waits for it, and no item
  // of its one `for_each: pfn` loop depends on another (a /proc/kpageflags
  // read). A dfs search may then be split into one search per pfn that
  // explores that item and runs the others without choice points
  // (`explore.observers: per_pfn`); an observer that does anything but load
  // there is a model error. Per file, like `pages:`.
  bool observer = false;
  // `chain: memory_chain`: not an op but the callbacks of the era's memory
  // notifier chain, one `call: memory_notify(ACTION)` per action; the
  // catalogue puts each into the ops' memory_notify(ACTION) steps.
  bool chain = false;
  // `inline: true`: not an op but the body of the kernel function `op`
  // names, shared by the ops that call it; the catalogue puts the era's
  // body into every op's `step: OP` (model/ops/sparse_remove_section/).
  bool inlined = false;
  std::vector<OpNode> unwind;  // an inline file's `unwind:`, the call's labels
};

// What a for_each may iterate over; LoopKind in the same order.
const std::vector<std::string>& loop_kinds();
enum LoopKind : std::uint8_t {
  kLoopPfn,
  kLoopPageblock,
  kLoopZonePageblock,
  kLoopDevicePfn,
  kLoopCompoundPage,
  kLoopSection
};

class OpCatalog {
 public:
  // Loads every embedded model/ops file; a broken file is an InputError.
  static const OpCatalog& get();
  const OpProgram* find(const std::string& era, const std::string& op) const;
  std::vector<std::string> eras() const;
  std::vector<std::string> ops(const std::string& era) const;
  // The notifiers the era's memory chain program names, in table order.
  std::vector<MemoryNotifier> notifiers(const std::string& era) const;
  // Parses one op file (exposed for tests).
  static OpProgram parse(const std::string& file, const std::string& text);
  // Builds a catalogue from op files; files of one op that declare different
  // devres, unit or zone are an InputError (exposed for tests).
  static OpCatalog load(const std::vector<EmbeddedOpFile>& files);

 private:
  std::map<std::pair<std::string, std::string>, OpProgram> programs_;
  std::map<std::string, OpProgram> chains_;                           // era -> its memory chain program
  std::map<std::pair<std::string, std::string>, OpProgram> inlines_;  // (era, function) -> its shared body
};

// Finds a step or call by name (not lock regions); nullptr if none.
const OpNode* find_node(const std::vector<OpNode>& nodes, const std::string& name);
// Interns the kernel-function names of a program into an execution's stacks.
void bind(OpProgram& p, StackTable& stacks);
// Runs a bound program on the current simulated thread.
void run_program(Kernel& k, const OpProgram& p, OpState& st);
// `mhpsim ops show`: the program with its lock regions, as indented text.
std::string show_program(const OpProgram& p);

}  // namespace mhp
