// RCU (kernel/rcu/): rcu_read_lock() sections and synchronize_rcu(), which
// returns only after every reader that was inside a section when it started
// has left it. That wait is the happens-before edge RCU gives.
#pragma once
#include <string>

#include "model/engine/execution.hpp"

namespace mhp {

class Rcu {
 public:
  Rcu(Execution& ex, const std::string& name);
  void read_lock();
  void read_unlock();
  void synchronize();
  ObjId obj() const { return obj_; }

 private:
  Execution& ex_;
  ObjId obj_;
};

}  // namespace mhp
