// A checker observes the event stream of each execution and collects findings;
// it never changes the model (DESIGN.md: data flows one way).
#pragma once
#include <vector>

#include "checkers/finding.hpp"
#include "model/engine/execution.hpp"

namespace mhp {

class Checker : public EventObserver {
 public:
  explicit Checker(const Execution& ex) : ex_(ex) {}
  void on_execution_begin() override { found_.clear(); reset(); }
  // Findings of the execution that just ended; the runner takes them.
  std::vector<Finding>& found() { return found_; }

 protected:
  virtual void reset() = 0;
  const Execution& ex_;
  std::vector<Finding> found_;
};

}  // namespace mhp
