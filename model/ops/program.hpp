// Step programs as data: an operation is a tree of steps (C++ primitives),
// calls (a kernel function frame around steps) and lock regions. An era is a
// set of programs; a variant edits a copy (model/ops/variant.hpp).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "model/engine/stacks.hpp"
#include "model/kernel/op_state.hpp"

namespace mhp {

struct OpNode {
  enum class Kind { Step, Call, Lock };
  Kind kind = Kind::Step;
  std::string name;  // step: primitive; call: kernel function; lock: lock name
  std::string mode;  // lock: "read" or "write"
  std::string via;   // lock: kernel function that takes it (mem_hotplug_begin)
  std::string done;  // lock: kernel function that drops it (mem_hotplug_done)
  std::vector<OpNode> body;
  std::string file;
  int line = 0;
  Primitive prim = nullptr;
  FnId fn = 0, via_fn = 0, done_fn = 0;  // set by bind()
};

struct OpProgram {
  std::string op, era, source, file;
  std::vector<std::string> params;  // thread fields the op needs: device, pfn
  std::vector<OpNode> steps;
};

// Locks a region may name, with the modes each allows.
bool lock_mode_valid(const std::string& lock, const std::string& mode);
const std::vector<std::string>& lock_names();

class OpCatalog {
 public:
  // Loads every embedded model/ops file; a broken file is an InputError.
  static const OpCatalog& get();
  const OpProgram* find(const std::string& era, const std::string& op) const;
  std::vector<std::string> eras() const;
  std::vector<std::string> ops(const std::string& era) const;
  // Parses one op file (exposed for tests).
  static OpProgram parse(const std::string& file, const std::string& text);

 private:
  std::map<std::pair<std::string, std::string>, OpProgram> programs_;
};

// Interns the kernel-function names of a program into an execution's stacks.
void bind(OpProgram& p, StackTable& stacks);
// Runs a bound program on the current simulated thread.
void run_program(Kernel& k, const OpProgram& p, OpState& st);
// `mhpsim ops show`: the program with its lock regions, as indented text.
std::string show_program(const OpProgram& p);

}  // namespace mhp
