// struct completion (kernel/sched/completion.c): pgmap->done. complete()
// orders everything before it with the waiter that consumes it.
#pragma once
#include <string>

#include "model/engine/execution.hpp"

namespace mhp {

class Completion {
 public:
  // all_only: only complete_all() completes it (a task's exit), so waiting
  // never consumes and a waiter is only ever after the completion
  Completion(Execution& ex, const std::string& name, bool all_only = false);
  void wait();                 // wait_for_completion()
  void complete();             // complete()
  void complete_all();         // complete_all()
  void reset() { done_ = 0; }  // init_completion() / reinit_completion()
  unsigned done() const { return done_; }
  ObjId obj() const { return obj_; }

 private:
  Execution& ex_;
  ObjId obj_;
  unsigned done_ = 0;
  bool all_only_;
};

}  // namespace mhp
