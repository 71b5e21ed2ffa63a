// Lock-scope rules (docs/KERNEL_REFERENCE.md §4, table in checkers/rules/*.yaml): a
// field written without the locks its documented rule requires is reported
// on the execution that does it, whatever the interleaving -- the assertion
// the kernel states only in comments ("Must be called with mem_hotplug_lock
// in write mode"), made into lockdep_assert_held().
#pragma once
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "checkers/checker.hpp"
#include "model/engine/obj_table.hpp"

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
  std::vector<std::string> in, not_in;      // kernel functions on the stack
  std::vector<std::vector<LockNeed>> held;  // alternatives
};

// The embedded rule table; a broken rule file is an InputError.
const std::vector<ScopeRule>& scope_rules();
std::vector<ScopeRule> parse_scope_rules(const std::string& file, const std::string& text);

class LockScopeChecker final : public Checker {
 public:
  LockScopeChecker(const Execution& ex, const std::string& era);
  // Most writes are of objects no rule governs (every page field but
  // page->flags): the object's entry in ruled_ says so, before any
  // register is saved; an object of a small registry whose rules are known
  // goes to them without a lookup by id.
  void on_event(const Event& ev) override {
    if (ev.obj < ruled_.size()) {
      const std::uint16_t r = ruled_[ev.obj];
      if (r == kUnruled) return;
      if (r != kUnknown) return apply(rule_sets_[r - 2], ev);
    }
    check(ev);
  }
  std::uint32_t kinds() const override { return kind_bit(EvKind::Write); }
  std::size_t rule_count() const { return rules_.size(); }

 private:
  // A rule with its lock classes as indices into class_mask_, and whether its
  // in:/not_in: test holds per stack: stacks are interned, and a function
  // first interned later only appears in stacks interned later, so the answer
  // for a stack never changes.
  struct Rule {
    const ScopeRule* r;
    std::vector<std::vector<std::pair<unsigned, int>>> held;  // (class index, mode) per need
    std::vector<std::int8_t> applies;                         // per StackId: -1 unknown, 0, 1
    // satisfied()'s last answer: a thread writes many fields under one set
    // of locks. Asked again only when new lock bits came (locks_seen_).
    std::uint64_t last_held = 0, last_shared = 0;
    std::size_t last_seen = ~std::size_t(0);
    bool last_ok = false;
  };
  void reset() override { reported_.clear(); }
  [[gnu::noinline]] void check(const Event& ev);  // first write of an object, or one of a large registry
  std::uint16_t rule_set_of(ObjId obj);           // kUnruled or k + 2 for rule_sets_[k]
  [[gnu::noinline]] void apply(const std::vector<std::uint16_t>& rules, const Event& ev);
  bool satisfied(Rule& r, const Event& ev);
  bool held_ok(const Rule& r, const Event& ev) const;
  bool applies(const Rule& r, const Event& ev) const;  // on_event() keeps the answer per stack
  // Out of line and cold: the per-write path stays small (no finding on its stack).
  [[gnu::cold, gnu::noinline]] void report(std::uint16_t rule, const Event& ev);
  std::vector<Rule> rules_;                // of this era
  std::vector<std::string> classes_;       // lock classes the rules name
  std::vector<std::uint64_t> class_mask_;  // per class: its lock bits
  std::size_t locks_seen_ = 0;             // lock bits folded into class_mask_
  // Per object: kUnknown, kUnruled, or k + 2 for the rules rule_sets_[k]
  // (rules_ indices; objects of one class share one list: every page's
  // flags). A small registry's objects have their entry in ruled_, a large
  // registry's (billions of page fields) in by_obj_.
  static constexpr std::uint16_t kUnknown = 0, kUnruled = 1;
  std::vector<std::uint16_t> ruled_;
  ObjTable<std::uint16_t> by_obj_;
  std::vector<std::vector<std::uint16_t>> rule_sets_;
  // Finding keys built once per (rule, object, writing function): a write
  // that breaks a rule in every execution then costs a lookup, not a string.
  std::map<std::tuple<std::uint16_t, ObjId, FnId>, std::uint32_t> key_ids_;
  std::map<std::string, std::uint32_t> key_index_;  // key text -> key id
  std::vector<std::string> keys_;                   // by key id
  std::vector<std::uint32_t> reported_;             // key ids this execution
};

}  // namespace mhp
