#include "model/support/yaml_util.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace mhp {

namespace {
std::string fmt_number(double v) {
  char b[32];
  snprintf(b, sizeof b, "%g", v);
  return b;
}
}  // namespace

void YamlReader::fail(const YAML::Node& n, const std::string& field, const std::string& msg) const {
  YAML::Mark m = n.Mark();
  int line = m.line >= 0 ? m.line + 1 : 0;
  int col = m.column >= 0 ? m.column + 1 : 0;
  throw InputError(file_, line, col, field, msg);
}

void YamlReader::require_map(const YAML::Node& n, const std::string& field) const {
  if (!n.IsMap()) fail(n, field, "expected a mapping");
}

void YamlReader::require_seq(const YAML::Node& n, const std::string& field) const {
  if (!n.IsSequence()) fail(n, field, "expected a list");
}

void YamlReader::allow_keys(const YAML::Node& n, const std::string& field,
                            std::initializer_list<const char*> keys) const {
  require_map(n, field);
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string k = it->first.Scalar();
    bool ok = std::any_of(keys.begin(), keys.end(), [&](const char* a) { return k == a; });
    if (!ok) {
      std::string list;
      for (const char* a : keys) list += std::string(list.empty() ? "" : ", ") + a;
      fail(it->first, field.empty() ? k : field + "." + k, "unknown field (allowed: " + list + ")");
    }
  }
}

YAML::Node YamlReader::need(const YAML::Node& map, const std::string& path, const char* key) const {
  YAML::Node n = map[key];
  if (!n) fail(map, path.empty() ? key : path + "." + key, "missing required field");
  return n;
}

std::string YamlReader::str(const YAML::Node& n, const std::string& field) const {
  if (!n.IsScalar()) fail(n, field, "expected a string");
  return n.Scalar();
}

double YamlReader::number(const YAML::Node& n, const std::string& field, double lo, double hi) const {
  if (!n.IsScalar()) fail(n, field, "expected a number");
  const std::string& s = n.Scalar();
  char* end = nullptr;
  double v = s.empty() ? 0 : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || v != v) fail(n, field, "expected a number, got '" + s + "'");
  if (v < lo || v > hi) fail(n, field, "must be between " + fmt_number(lo) + " and " + fmt_number(hi));
  return v;
}

std::uint64_t YamlReader::u64(const YAML::Node& n, const std::string& field, std::uint64_t lo,
                              std::uint64_t hi) const {
  if (!n.IsScalar()) fail(n, field, "expected an integer");
  const std::string& s = n.Scalar();
  std::uint64_t v = 0;
  bool ok = !s.empty();
  int base = 10;
  std::size_t i = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, i = 2;
  for (; ok && i < s.size(); ++i) {
    char c = s[i];
    int d = (c >= '0' && c <= '9') ? c - '0' : (base == 16 && c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (base == 16 && c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0 || v > (UINT64_MAX - d) / base) ok = false;
    else v = v * base + d;
  }
  if (!ok) fail(n, field, "expected a non-negative integer, got '" + s + "'");
  if (v < lo || v > hi)
    fail(n, field, "value " + s + " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

bool YamlReader::boolean(const YAML::Node& n, const std::string& field) const {
  std::string s = n.IsScalar() ? n.Scalar() : "";
  if (s == "true") return true;
  if (s == "false") return false;
  fail(n, field, "expected true or false");
}

std::string YamlReader::one_of(const YAML::Node& n, const std::string& field,
                               const std::vector<std::string>& choices) const {
  std::string s = str(n, field);
  if (std::find(choices.begin(), choices.end(), s) == choices.end()) {
    std::string list;
    for (auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    fail(n, field, "'" + s + "' is not one of: " + list);
  }
  return s;
}

YAML::Node load_yaml(const std::string& file, const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file, e.mark.line + 1, e.mark.column + 1, "<document>", "YAML syntax error: " + e.msg);
  }
}

}  // namespace mhp
