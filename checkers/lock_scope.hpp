// Lock-scope rules (KERNEL_MODEL.md §4, table in checkers/rules/*.yaml): a
// field written without the locks its documented rule requires is reported
// on the execution that does it, whatever the interleaving -- the assertion
// the kernel states only in comments ("Must be called with mem_hotplug_lock
// in write mode"), made into lockdep_assert_held().
#pragma once
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "checkers/checker.hpp"

namespace mhp {

struct LockNeed {
  std::string cls;
  int mode = 0;  // 0 any, 1 read, 2 write
};

struct ScopeRule {
  std::string id, what, source, file;
  int line = 0;
  std::vector<std::string> objects;  // object classes it governs
  std::vector<std::string> eras;
  std::vector<std::string> in, not_in;  // kernel functions on the stack
  std::vector<std::vector<LockNeed>> held;  // alternatives
};

// The embedded rule table; a broken rule file is an InputError.
const std::vector<ScopeRule>& scope_rules();
std::vector<ScopeRule> parse_scope_rules(const std::string& file, const std::string& text);

class LockScopeChecker final : public Checker {
 public:
  LockScopeChecker(const Execution& ex, const std::string& era);
  void on_event(const Event& ev) override;
  std::size_t rule_count() const { return rules_.size(); }

 private:
  void reset() override { reported_.clear(); }
  bool satisfied(const ScopeRule& r, const Event& ev) const;
  bool applies(const ScopeRule& r, const Event& ev) const;
  std::vector<const ScopeRule*> rules_;                           // of this era
  std::unordered_map<ObjId, std::vector<const ScopeRule*>> by_obj_;  // cache: object -> rules
  std::set<std::string> reported_;                                // keys this execution
};

}  // namespace mhp
