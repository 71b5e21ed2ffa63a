// Lock-scope edits of a step program, written in a scenario's `variant:`.
//   move: STEP, after: STEP | before: STEP   -- move a step (into or out of a lock region)
//   wrap: STEP | {from: STEP, to: STEP}, lock: L, mode: read|write [via, done]
//                                            -- put a lock region around consecutive steps
// An edit that names a step or lock that does not exist is an InputError at
// the edit's position in the scenario file.
#pragma once
#include <string>

#include "model/ops/program.hpp"

namespace mhp {

struct VariantEdit {
  enum class Kind { Move, Wrap };
  Kind kind = Kind::Move;
  std::string op;
  std::string step;       // move: the step moved
  std::string anchor;     // move: the step it goes next to
  bool after = true;
  std::string from, to;   // wrap: first and last step (siblings)
  std::string lock, mode, via, done;
  // where the edit was written, for errors
  std::string file;
  int line = 0, col = 0;
};

void apply_edit(OpProgram& p, const VariantEdit& e);

}  // namespace mhp
