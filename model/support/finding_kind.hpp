// What kind of bug a finding reports, as an enum generated from the one list
// in finding_kinds.def. The kernel model (WARN()s), the checkers, the
// scenario parser and the reports all name kinds through it.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mhp {

enum class FindingKind : std::uint8_t {
#define MHP_FINDING_KIND(id, rule, name, text, source) id,
#include "model/support/finding_kinds.def"
};

namespace detail {
struct FindingKindInfo {
  std::string_view name, rule, text, source;
};
inline constexpr FindingKindInfo kFindingKinds[] = {
#define MHP_FINDING_KIND(id, rule, name, text, source) {name, rule, text, source},
#include "model/support/finding_kinds.def"
};
}  // namespace detail

inline constexpr std::size_t kFindingKindCount = std::size(detail::kFindingKinds);

// "race", "lockorder", ...: as scenario files and reports spell the kind.
inline std::string finding_kind_name(FindingKind k) {
  return std::string(detail::kFindingKinds[static_cast<std::size_t>(k)].name);
}
// The SARIF rule's name, in Pascal case ("DataRace"); its id is the name above.
inline std::string finding_kind_rule_name(FindingKind k) {
  return std::string(detail::kFindingKinds[static_cast<std::size_t>(k)].rule);
}
// The one-line description of the kind (SARIF rules).
inline std::string finding_kind_text(FindingKind k) {
  return std::string(detail::kFindingKinds[static_cast<std::size_t>(k)].text);
}
// Where the kind is detected: source file and mechanism (SARIF rule help).
inline std::string finding_kind_source(FindingKind k) {
  return std::string(detail::kFindingKinds[static_cast<std::size_t>(k)].source);
}
// The kind a name spells; nullopt if none.
inline std::optional<FindingKind> finding_kind_of(std::string_view name) {
  for (std::size_t i = 0; i < kFindingKindCount; ++i)
    if (detail::kFindingKinds[i].name == name) return static_cast<FindingKind>(i);
  return std::nullopt;
}
// Every kind's name, in list order (for error messages that list them).
inline const std::vector<std::string>& finding_kind_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& k : detail::kFindingKinds) v.emplace_back(k.name);
    return v;
  }();
  return names;
}

}  // namespace mhp
