// Kernel-function stacks, interned: a stack is a node in a trie of function
// names, so an Event carries one integer and a report can print the whole
// stack ("memmap_init_zone_device <- pagemap_range <- memremap_pages").
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/engine/event.hpp"

namespace mhp {

using FnId = std::uint32_t;

class StackTable {
 public:
  StackTable() {
    nodes_.push_back({0, 0});
    names_.emplace_back("<root>");
  }
  FnId fn(std::string_view name) {
    auto it = fn_ids_.find(name);  // heterogeneous: no string built per call
    if (it != fn_ids_.end()) return it->second;
    FnId id = static_cast<FnId>(names_.size());
    names_.emplace_back(name);
    fn_ids_.emplace(std::string(name), id);
    return id;
  }
  // The same for a string literal (at a Frame): found by its address first,
  // so a frame costs no string hash; the name is still compared, with the
  // literal's length known at compile time (an inline compare, no strcmp call).
  template <std::size_t N>
  FnId fn(const char (&name)[N]) {
    std::size_t h = (reinterpret_cast<std::uintptr_t>(name) * 0x9e3779b97f4a7c15ULL) >> 56;
    auto& [ptr, id] = by_ptr_[h];
    if (ptr == name && names_[id].size() == N - 1 && std::memcmp(names_[id].data(), name, N - 1) == 0) return id;
    FnId f = fn(std::string_view(name));  // (a char array that is not a literal: its own length)
    ptr = name;
    id = f;
    return f;
  }
  // Every modelled call: a hit in a small open-addressing table, inline.
  StackId push(StackId parent, FnId f) {
    std::uint64_t key = (std::uint64_t(parent) << 32) | f;
    std::size_t mask = children_.size() - 1;
    for (std::size_t i = (key * 0x9e3779b97f4a7c15ULL) >> child_shift_;; i = (i + 1) & mask) {
      if (children_[i].key == key) return children_[i].id;
      if (children_[i].key == kNoChild) return add_child(key);
    }
  }
  // The id of an interned name, or 0 ("<root>") if no frame has used it yet.
  FnId find_fn(std::string_view name) const {
    auto it = fn_ids_.find(name);
    return it == fn_ids_.end() ? 0 : it->second;
  }
  FnId top_fn(StackId s) const { return nodes_[s].fn; }
  StackId parent(StackId s) const { return nodes_[s].parent; }
  const std::string& top_name(StackId s) const { return names_[nodes_[s].fn]; }
  // Innermost first, as the kernel prints a call trace.
  std::vector<std::string> frames(StackId s) const {
    std::vector<std::string> out;
    for (; s != 0; s = nodes_[s].parent) out.push_back(names_[nodes_[s].fn]);
    return out;
  }
  std::string joined(StackId s, const char* sep = " <- ") const {
    std::string out;
    for (auto& f : frames(s)) {
      if (!out.empty()) out += sep;
      out += f;
    }
    return out;
  }

 private:
  struct Node {
    StackId parent;
    FnId fn;
  };
  std::vector<Node> nodes_;
  std::vector<std::string> names_;
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, FnId, NameHash, std::equal_to<>> fn_ids_;
  // (parent << 32 | fn) -> child, never cleared; kNoChild marks a free slot
  struct Child {
    std::uint64_t key;
    StackId id;
  };
  static constexpr std::uint64_t kNoChild = ~0ULL;
  StackId add_child(std::uint64_t key) {
    StackId id = static_cast<StackId>(nodes_.size());
    nodes_.push_back({StackId(key >> 32), FnId(key)});
    if (nodes_.size() * 2 > children_.size()) {  // keep at most half full
      std::vector<Child> old = std::move(children_);
      children_.assign(old.size() * 2, Child{kNoChild, 0});
      --child_shift_;
      for (const Child& c : old)
        if (c.key != kNoChild) place(c);
    }
    place({key, id});
    return id;
  }
  void place(Child c) {
    std::size_t mask = children_.size() - 1;
    std::size_t i = (c.key * 0x9e3779b97f4a7c15ULL) >> child_shift_;
    while (children_[i].key != kNoChild) i = (i + 1) & mask;
    children_[i] = c;
  }
  std::vector<Child> children_ = std::vector<Child>(64, Child{kNoChild, 0});
  unsigned child_shift_ = 64 - 6;                           // log2(children_.size()) high bits of the product
  std::array<std::pair<const char*, FnId>, 256> by_ptr_{};  // fn(literal)'s cache, direct-mapped
};

}  // namespace mhp
