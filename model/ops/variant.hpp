// Lock-scope edits of a step program, written in a scenario's `variant:`
// (docs/SCENARIOS.md has the full reference):
//   move: STEP, after|before: STEP      move a step (into or out of a lock region), reorder
//   wrap: STEP | {from, to}, lock, mode [via, done]
//                                       put a lock region around consecutive sibling steps
//   unwrap: LOCK, around: STEP          drop the innermost LOCK region around STEP (body stays)
//   set_mode: LOCK, around: STEP, mode  change that region's mode (write -> read, [duyck-defer-2018])
//   replace_lock: LOCK, with: LOCK2 [mode, via, done]
//                                       every LOCK region of the op takes LOCK2 instead
//                                       (mem_hotplug_lock -> mem_hotplug_range_lock, [duyck-defer-2018])
//   replace: STEP, impl: PRIMITIVE      the step is modelled by another primitive
//   insert: PRIMITIVE, after|before: STEP   add a step
//   insert_acquire: LOCK, mode [via, trylock], after|before: STEP
//   insert_release: LOCK, mode [done], after|before: STEP
//                                       add one lock call (an `acquire:` or
//                                       `release:` node): a lock taken in one
//                                       place and dropped in another, or not
//   remove: STEP                        delete a step
// An edit that names a step, lock or primitive that does not exist is an
// InputError at the edit's position in the scenario file.
#pragma once
#include <string>
#include <vector>

#include "model/ops/program.hpp"

namespace mhp {

struct VariantEdit {
  enum class Kind { Move, Wrap, Unwrap, SetMode, ReplaceLock, Replace, Insert, InsertAcquire, InsertRelease, Remove };
  Kind kind = Kind::Move;
  std::string op;
  std::string step;       // move/replace/remove: the step; insert: the primitive; unwrap/set_mode: `around`
  std::string anchor;     // move/insert/insert_acquire/insert_release: the step it goes next to
  bool after = true;
  std::string from, to;   // wrap: first and last step (siblings)
  std::string lock, mode, via, done;
  bool trylock = false;   // insert_acquire
  std::string with;       // replace_lock: the new lock
  std::string impl;       // replace: the new primitive
  std::vector<std::string> threads;  // `thread:`: only these threads' program (empty: every thread of op)
  // where the edit was written, for errors
  std::string file;
  int line = 0, col = 0;
};

void apply_edit(OpProgram& p, const VariantEdit& e);

}  // namespace mhp
