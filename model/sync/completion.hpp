// struct completion (kernel/sched/completion.c): pgmap->done. complete()
// orders everything before it with the waiter that consumes it.
#pragma once
#include <string>

#include "model/engine/execution.hpp"

namespace mhp {

class Completion {
 public:
  Completion(Execution& ex, const std::string& name);
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
};

}  // namespace mhp
