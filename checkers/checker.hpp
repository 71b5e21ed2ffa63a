// A checker observes the event stream of each execution and collects findings;
// it never changes the model (DESIGN.md: data flows one way).
#pragma once
#include <string>
#include <vector>

#include "checkers/finding.hpp"
#include "model/engine/execution.hpp"

namespace mhp {

// Finding keys the runner already holds with their first witness: for those
// it only counts the execution, so a checker need not write the report text.
class KnownKeys {
 public:
  virtual ~KnownKeys() = default;
  virtual bool has(const std::string& key) const = 0;
  // Whether the runner counts the executions of a held key (a kind-and-key
  // finding for each), or keeps only the first finding of a key.
  virtual bool counts() const { return true; }
};

class Checker : public EventObserver {
 public:
  explicit Checker(const Execution& ex) : ex_(ex) {}
  void on_execution_begin() override {
    found_.clear();
    reset();
  }
  // Findings of the execution that just ended; the runner takes them.
  std::vector<Finding>& found() { return found_; }
  void set_known(const KnownKeys* k) { known_ = k; }

 protected:
  virtual void reset() = 0;
  // A finding whose key the runner holds already: kind and key only, or
  // nothing if the runner does not count it.
  bool found_known(FindingKind kind, const std::string& key) {
    if (!known_ || !known_->has(key)) return false;
    if (!known_->counts()) return true;
    Finding f;
    f.kind = kind;
    f.key = key;
    found_.push_back(std::move(f));
    return true;
  }
  const Execution& ex_;
  std::vector<Finding> found_;
  const KnownKeys* known_ = nullptr;
};

}  // namespace mhp
