// Reads of a struct page field that holds no initialised value: the memmap
// was (re)allocated and poisoned and no init function has written the field
// since. Classified by the page's state into the five cases of seed 003
// (David Hildenbrand, Sep 2019), or as a read of a memmap that does not exist.
#pragma once
#include "checkers/checker.hpp"
#include "model/kernel/kernel.hpp"

namespace mhp {

class StalePageChecker final : public Checker {
 public:
  StalePageChecker(const Execution& ex, const Kernel& k) : Checker(ex), k_(k) {}
  void on_event(const Event& ev) override;

 private:
  void reset() override {}
  const Kernel& k_;
};

}  // namespace mhp
