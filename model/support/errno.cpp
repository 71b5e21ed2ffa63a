#include "model/support/errno.hpp"

namespace mhp {

namespace {
struct ErrnoInfo {
  std::string_view name;
  int value;
};
constexpr ErrnoInfo kErrnos[] = {
#define MHP_ERRNO_ROW(name, value) {#name, value},
    MHP_ERRNOS(MHP_ERRNO_ROW)
#undef MHP_ERRNO_ROW
};
}  // namespace

std::optional<int> errno_value(std::string_view name) {
  for (const auto& e : kErrnos)
    if (e.name == name) return e.value;
  return std::nullopt;
}

std::string errno_name(int value) {
  for (const auto& e : kErrnos)
    if (e.value == value) return std::string(e.name);
  return std::to_string(value);
}

std::string errno_return(int value) {
  if (!value) return "0";
  std::string r(1, '-');
  r.append(errno_name(value));
  return r;
}

const std::vector<std::string>& errno_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& e : kErrnos) v.emplace_back(e.name);
    return v;
  }();
  return names;
}

}  // namespace mhp
