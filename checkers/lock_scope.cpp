#include "checkers/lock_scope.hpp"

#include <algorithm>

#include "model/ops/program.hpp"
#include "model/support/embedded.hpp"
#include "model/support/yaml_util.hpp"

namespace mhp {

namespace {

std::vector<std::string> str_list(const YamlReader& r, const YAML::Node& n, const std::string& f) {
  r.require_seq(n, f);
  std::vector<std::string> v;
  for (std::size_t i = 0; i < n.size(); ++i) v.push_back(r.str(n[i], f + "[" + std::to_string(i) + "]"));
  return v;
}

std::string need_text(const std::vector<LockNeed>& alt) {
  std::string s;
  for (const auto& l : alt) {
    if (!s.empty()) s += " + ";
    s += l.cls + (l.mode == 1 ? " (read)" : l.mode == 2 ? " (write)" : "");
  }
  return s;
}

}  // namespace

std::vector<ScopeRule> parse_scope_rules(const std::string& file, const std::string& text) {
  YamlReader r(file);
  YAML::Node doc = load_yaml(file, text);
  r.allow_keys(doc, "", {"rules"});
  const YAML::Node& rules = r.need(doc, "", "rules");
  r.require_seq(rules, "rules");
  std::vector<ScopeRule> out;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const YAML::Node& n = rules[i];
    std::string p = "rules[" + std::to_string(i) + "]";
    r.allow_keys(n, p, {"id", "what", "objects", "eras", "held", "in", "not_in", "source"});
    ScopeRule rule;
    rule.file = file;
    rule.line = n.Mark().line + 1;
    rule.id = r.str(r.need(n, p, "id"), p + ".id");
    rule.what = r.str(r.need(n, p, "what"), p + ".what");
    rule.source = r.str(r.need(n, p, "source"), p + ".source");
    rule.objects = str_list(r, r.need(n, p, "objects"), p + ".objects");
    const YAML::Node& eras = r.need(n, p, "eras");
    r.require_seq(eras, p + ".eras");
    for (std::size_t j = 0; j < eras.size(); ++j)
      rule.eras.push_back(r.one_of(eras[j], p + ".eras[" + std::to_string(j) + "]", known_eras()));
    if (n["in"]) rule.in = str_list(r, n["in"], p + ".in");
    if (n["not_in"]) rule.not_in = str_list(r, n["not_in"], p + ".not_in");
    const YAML::Node& held = r.need(n, p, "held");
    r.require_seq(held, p + ".held");
    for (std::size_t j = 0; j < held.size(); ++j) {
      std::vector<LockNeed> alt;
      for (const auto& s : str_list(r, held[j], p + ".held[" + std::to_string(j) + "]")) {
        LockNeed l;
        auto colon = s.rfind(':');
        l.cls = s;
        if (colon != std::string::npos && (s.substr(colon + 1) == "read" || s.substr(colon + 1) == "write")) {
          l.cls = s.substr(0, colon);
          l.mode = s.substr(colon + 1) == "read" ? 1 : 2;
        }
        alt.push_back(l);
      }
      rule.held.push_back(alt);
    }
    out.push_back(std::move(rule));
  }
  return out;
}

const std::vector<ScopeRule>& scope_rules() {
  static const std::vector<ScopeRule> rules = [] {
    std::vector<ScopeRule> all;
    for (const auto& f : embedded_rule_files())
      for (auto& r : parse_scope_rules(f.path, f.text)) all.push_back(std::move(r));
    return all;
  }();
  return rules;
}

LockScopeChecker::LockScopeChecker(const Execution& ex, const std::string& era) : Checker(ex) {
  // as ObjTable::direct(): only while small (a real geometry has billions of page fields)
  if (ex.objects().size() <= (1u << 20)) ruled_.assign(ex.objects().size(), kUnknown);
  for (const auto& r : scope_rules()) {
    if (std::find(r.eras.begin(), r.eras.end(), era) == r.eras.end()) continue;
    Rule c{&r, {}, {}};
    for (const auto& alt : r.held) {
      std::vector<std::pair<unsigned, int>> a;
      for (const LockNeed& need : alt) {
        auto it = std::find(classes_.begin(), classes_.end(), need.cls);
        if (it == classes_.end()) it = classes_.insert(classes_.end(), need.cls);
        a.emplace_back(unsigned(it - classes_.begin()), need.mode);
      }
      c.held.push_back(std::move(a));
    }
    rules_.push_back(std::move(c));
  }
  class_mask_.assign(classes_.size(), 0);
}

bool LockScopeChecker::applies(const Rule& c, const Event& ev) const {
  const ScopeRule& r = *c.r;
  if (r.in.empty() && r.not_in.empty()) return true;
  const StackTable& st = ex_.stacks();
  auto on_stack = [&](const std::vector<std::string>& fns) {
    for (const auto& name : fns) {
      FnId id = st.find_fn(name);
      if (id == 0) continue;
      for (StackId s = ev.stack; s != 0; s = st.parent(s))
        if (st.top_fn(s) == id) return true;
    }
    return false;
  };
  return (r.in.empty() || on_stack(r.in)) && !on_stack(r.not_in);
}

bool LockScopeChecker::satisfied(Rule& c, const Event& ev) {
  for (; locks_seen_ < ex_.lock_count(); ++locks_seen_) {  // locks get bits as they are first taken
    auto it = std::find(classes_.begin(), classes_.end(), ex_.lock_class(std::uint8_t(locks_seen_)));
    if (it != classes_.end()) class_mask_[std::size_t(it - classes_.begin())] |= 1ULL << locks_seen_;
  }
  if (c.last_seen == locks_seen_ && c.last_held == ev.held && c.last_shared == ev.held_shared) return c.last_ok;
  c.last_seen = locks_seen_;
  c.last_held = ev.held;
  c.last_shared = ev.held_shared;
  c.last_ok = held_ok(c, ev);
  return c.last_ok;
}

bool LockScopeChecker::held_ok(const Rule& c, const Event& ev) const {
  for (const auto& alt : c.held) {
    bool ok = true;
    for (auto [cls, mode] : alt) {
      std::uint64_t m = ev.held & class_mask_[cls];
      if (mode == 1)
        m &= ev.held_shared;
      else if (mode == 2)
        m &= ~ev.held_shared;
      ok = ok && m != 0;
    }
    if (ok) return true;
  }
  return false;
}

void LockScopeChecker::check(const Event& ev) {
  std::uint16_t& r = ev.obj < ruled_.size() ? ruled_[ev.obj] : by_obj_[ev.obj];  // a fresh entry is kUnknown
  if (r == kUnknown) r = rule_set_of(ev.obj);
  if (r != kUnruled) apply(rule_sets_[r - 2], ev);
}

std::uint16_t LockScopeChecker::rule_set_of(ObjId obj) {
  std::vector<std::uint16_t> v;
  const std::string cls = ex_.objects().class_of(obj);
  for (std::size_t i = 0; i < rules_.size(); ++i)
    if (std::find(rules_[i].r->objects.begin(), rules_[i].r->objects.end(), cls) != rules_[i].r->objects.end())
      v.push_back(std::uint16_t(i));
  if (v.empty()) return kUnruled;
  auto it = std::find(rule_sets_.begin(), rule_sets_.end(), v);
  if (it == rule_sets_.end()) it = rule_sets_.insert(it, std::move(v));
  return std::uint16_t(it - rule_sets_.begin() + 2);
}

void LockScopeChecker::apply(const std::vector<std::uint16_t>& rules, const Event& ev) {
  for (std::uint16_t i : rules) {
    Rule& c = rules_[i];
    if (ev.stack >= c.applies.size()) c.applies.resize(ev.stack + 1, -1);
    if (c.applies[ev.stack] < 0) c.applies[ev.stack] = applies(c, ev);
    if (!c.applies[ev.stack] || satisfied(c, ev)) continue;
    report(i, ev);
  }
}

void LockScopeChecker::report(std::uint16_t rule, const Event& ev) {
  const ScopeRule& r = *rules_[rule].r;
  const FnId fn_id = ex_.stacks().top_fn(ev.stack);
  auto [at, fresh] = key_ids_.try_emplace({rule, ev.obj, fn_id}, 0);
  if (fresh) {  // objects of one class (every page's flags) share their key: one id per key text
    std::string text = "scope/" + r.id + "/" + ex_.objects().class_of(ev.obj) + "/" + ex_.stacks().top_name(ev.stack);
    auto [k, added] = key_index_.try_emplace(text, std::uint32_t(keys_.size()));
    if (added) keys_.push_back(std::move(text));
    at->second = k->second;
  }
  const std::uint32_t id = at->second;
  if (std::find(reported_.begin(), reported_.end(), id) != reported_.end()) return;
  reported_.push_back(id);
  const std::string& key = keys_[id];
  if (found_known(FindingKind::Scope, key)) return;
  const std::string& fn = ex_.stacks().top_name(ev.stack);
  const std::string cls = ex_.objects().class_of(ev.obj);
  const SimThread& t = ex_.threads()[ev.thread];
  std::string need;
  for (const auto& alt : r.held) need += (need.empty() ? "" : " or ") + need_text(alt);
  Finding f;
  f.kind = FindingKind::Scope;
  f.key = key;
  f.rule = r.id;
  f.title = "BUG: mhpsim: lock-scope rule " + r.id + " violated in " + fn;
  f.summary = "write of " + cls + " in " + fn + " without " + need + " (rule " + r.id + ": " + r.what + ")";
  f.notes.push_back("rule " + r.id + " (" + r.file + ":" + std::to_string(r.line) + "): " + r.what + " require " +
                    need);
  f.notes.push_back("source: " + r.source);
  f.sides.push_back(side_at(
      ex_, ev,
      "write to " + ex_.objects().describe(ev.obj) + " by task " + t.name + " (T" + std::to_string(t.id) + "):"));
  found_.push_back(std::move(f));
}

}  // namespace mhp
