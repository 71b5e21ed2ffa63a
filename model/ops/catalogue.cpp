#include <map>
#include <stdexcept>

#include "model/ops/program.hpp"
#include "model/support/embedded.hpp"
#include "model/support/yaml_util.hpp"

namespace mhp {

const std::vector<std::string>& loop_kinds() {
  static const std::vector<std::string> k = {"pfn",        "pageblock",     "zone_pageblock",
                                             "device_pfn", "compound_page", "section"};
  return k;
}

const OpNode* find_node(const std::vector<OpNode>& nodes, const std::string& name) {
  for (const auto& n : nodes) {
    if ((n.kind == OpNode::Kind::Step || n.kind == OpNode::Kind::Call) && n.name == name) return &n;
    if (const OpNode* f = find_node(n.body, name)) return f;
  }
  return nullptr;
}

namespace {

// The first of the fields every file of an op must declare alike that p
// declares differently from first; nullptr if none.
const char* differing_declaration(const OpProgram& first, const OpProgram& p) {
  if (p.devres != first.devres) return "devres";
  if (p.block_unit != first.block_unit) return "unit";
  if (p.zone_from_pages != first.zone_from_pages) return "zone";
  if (p.device != first.device) return "device";
  return nullptr;
}

void mark_chain(std::vector<OpNode>& nodes, MemoryNotifier callback) {
  for (auto& n : nodes) {
    n.in_chain = true;
    n.callback = n.notifier != MemoryNotifier::None ? n.notifier : callback;
    mark_chain(n.body, n.callback);
  }
}

// memory_notify(ACTION) steps become calls running the callbacks of the era's
// chain for that action (its `call: memory_notify(ACTION)`); the step's
// failure exits stay: a `fail:` there is notifier-error-inject's veto.
void expand_memory_notify(std::vector<OpNode>& nodes, const OpProgram& chain) {
  for (auto& n : nodes) {
    if (n.kind == OpNode::Kind::Step && n.impl == "memory_notify")
      for (const auto& c : chain.steps)
        if (c.kind == OpNode::Kind::Call && c.name == n.name) {
          n.kind = OpNode::Kind::Call;
          n.memory_chain = true;
          n.body = c.body;
          mark_chain(n.body, MemoryNotifier::None);
          n.prim = nullptr;
          n.impl.clear();
          break;
        }
    expand_memory_notify(n.body, chain);
    expand_memory_notify(n.unwind, chain);
  }
}

// `call: FN` nodes with `inline: true` get the era's inline file of FN as
// their steps; an era without one is an error naming the node.
void expand_inline(std::vector<OpNode>& nodes, const std::string& era,
                   const std::map<std::pair<std::string, std::string>, OpProgram>& inlines) {
  for (auto& n : nodes) {
    if (n.inline_body && n.body.empty()) {
      auto it = inlines.find({era, n.name});
      if (it == inlines.end())
        throw std::logic_error(n.file + ":" + std::to_string(n.line) + ": call " + n.name +
                               " is inline but no inline file defines it for era " + era);
      n.body = it->second.steps;
      if (!it->second.unwind.empty()) {
        if (!n.unwind.empty())
          throw std::logic_error(n.file + ":" + std::to_string(n.line) + ": call " + n.name +
                                 " has labels of its own and its inline file too");
        n.unwind = it->second.unwind;
      }
    }
    expand_inline(n.body, era, inlines);
    expand_inline(n.unwind, era, inlines);
  }
}

void collect_notifiers(const std::vector<OpNode>& nodes, std::uint32_t& mask) {
  for (const auto& n : nodes) {
    mask |= notifier_bit(n.notifier);
    collect_notifiers(n.body, mask);
  }
}

}  // namespace

const OpCatalog& OpCatalog::get() {
  static const OpCatalog catalog = load(embedded_op_files());
  return catalog;
}

OpCatalog OpCatalog::load(const std::vector<EmbeddedOpFile>& files) {
  OpCatalog c;
  // A scenario checks a thread's fields by op, whatever its era, so every
  // file of an op must declare the same; the first one read is the reference.
  std::map<std::string, OpProgram> first;
  for (const auto& f : files) {
    OpProgram p = parse(f.path, f.text);
    if (p.chain) {
      for (const auto& era : p.eras)
        if (!c.chains_.emplace(era, p).second)
          throw std::logic_error(std::string(f.path) + ": memory chain already defined for era " + era);
      continue;
    }
    if (p.inlined) {
      for (const auto& era : p.eras)
        if (!c.inlines_.emplace(std::make_pair(era, p.op), p).second)
          throw std::logic_error(std::string(f.path) + ": inline " + p.op + " already defined for era " + era);
      continue;
    }
    auto [it, fresh] = first.emplace(p.op, p);
    if (!fresh)
      if (const char* field = differing_declaration(it->second, p)) {
        const YAML::Node doc = load_yaml(f.path, f.text);
        YamlReader(f.path).fail(doc[field] ? doc[field] : doc, field,
                                "differs from " + it->second.file + " (every file of op " + p.op +
                                    " declares the same devres, unit and zone)");
      }
    for (const auto& era : p.eras) {
      auto key = std::make_pair(era, p.op);
      if (c.programs_.count(key))
        throw std::logic_error(std::string(f.path) + ": op " + p.op + " already defined for era " + era);
      OpProgram copy = p;
      copy.era = era;
      c.programs_.emplace(key, std::move(copy));
    }
  }
  for (auto& [key, p] : c.programs_) {
    expand_inline(p.steps, key.first, c.inlines_);
    auto ch = c.chains_.find(key.first);
    if (ch != c.chains_.end()) expand_memory_notify(p.steps, ch->second);
  }
  return c;
}

std::vector<MemoryNotifier> OpCatalog::notifiers(const std::string& era) const {
  std::vector<MemoryNotifier> v;
  auto ch = chains_.find(era);
  if (ch == chains_.end()) return v;
  std::uint32_t mask = 0;
  collect_notifiers(ch->second.steps, mask);
  for (const auto& i : memory_notifiers())
    if (mask & notifier_bit(i.id)) v.push_back(i.id);
  return v;
}

const OpProgram* OpCatalog::find(const std::string& era, const std::string& op) const {
  auto it = programs_.find({era, op});
  return it == programs_.end() ? nullptr : &it->second;
}

std::vector<std::string> OpCatalog::eras() const {
  std::vector<std::string> v;
  for (const auto& e : known_eras())
    for (auto& [k, p] : programs_)
      if (k.first == e) {
        v.push_back(e);
        break;
      }
  return v;
}

std::vector<std::string> OpCatalog::ops(const std::string& era) const {
  std::vector<std::string> v;
  for (auto& [k, p] : programs_)
    if (k.first == era) v.push_back(k.second);
  return v;
}

}  // namespace mhp
