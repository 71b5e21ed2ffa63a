// Lock-scope edits of a step program, written in a scenario's `variant:` or
// in a variant file (docs/SCENARIOS.md "Variant edits" has the full reference).
// REGION names one lock region: `LOCK` or `{lock: LOCK, via: FUNCTION}` (either
// key may be left out), with `around: STEP` choosing the innermost such region
// around STEP; without `around` exactly one region of the op must match, else
// the error lists the candidates.
//   move: STEP, after|before: STEP      move a step (into or out of a lock region), reorder
//   wrap: STEP | {from, to}, lock, mode [via, done]
//                                       put a lock region around consecutive sibling steps
//   unwrap: REGION [around: STEP]       drop the region (its body stays)
//   set_mode: REGION [around], mode     change its mode (write -> read, [duyck-defer-2018])
//   set_trylock: REGION [around], trylock: true|false
//                                       take a mutex by trylock-and-retry, or block
//   drop: REGION, around: STEP | {from, to} [done, via]
//                                       release the lock around those steps of the
//                                       region's body: the region splits in two, the
//                                       first dropped by `done` (default: the
//                                       region's own), the second re-taken by `via`
//                                       (default: the region's own)
//   replace_lock: LOCK, with: LOCK2 [mode, via, done]
//                                       every LOCK region of the op takes LOCK2 instead
//                                       (mem_hotplug_lock -> mem_hotplug_range_lock, [duyck-defer-2018])
//   replace: STEP, impl: PRIMITIVE [as: FUNCTION]
//                                       the step is modelled by another primitive
//                                       (and named FUNCTION in stacks)
//   insert: PRIMITIVE | {step: FUNCTION, impl: PRIMITIVE}, after|before: STEP
//                                       add a step, named FUNCTION in stacks
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
  enum class Kind {
    Move,
    Wrap,
    Unwrap,
    SetMode,
    SetTrylock,
    Drop,
    ReplaceLock,
    Replace,
    Insert,
    InsertAcquire,
    InsertRelease,
    Remove
  };
  Kind kind = Kind::Move;
  std::string op;
  std::string
      step;  // move/replace/remove: the step; insert: the new step's name; unwrap/set_mode/set_trylock: `around`
  std::string anchor;  // move/insert/insert_acquire/insert_release: the step it goes next to
  bool after = true;
  std::string from, to;    // wrap, drop: first and last step (siblings)
  std::string region_via;  // unwrap/set_mode/set_trylock/drop: the region's `via` (empty: any)
  std::string lock, mode, via, done;
  bool trylock = false;              // insert_acquire, set_trylock
  std::string with;                  // replace_lock: the new lock
  std::string impl;                  // replace, insert: the primitive
  std::string as;                    // replace: the step's new name (empty: keep)
  std::vector<std::string> threads;  // `thread:`: only these threads' program (empty: every thread of op)
  // where the edit was written, for errors
  std::string file;
  int line = 0, col = 0;
};

void apply_edit(OpProgram& p, const VariantEdit& e);

}  // namespace mhp
