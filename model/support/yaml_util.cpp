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

// Edit distance with adjacent transpositions counted as one edit (optimal
// string alignment), for "did you mean" on a misspelled choice: "rnu" is one
// edit from "run", as a typist sees it.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], prev2[j - 2] + 1);
    }
    prev2.swap(prev);
    prev.swap(row);
  }
  return prev[b.size()];
}
}  // namespace

std::string join_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

std::string did_you_mean(const std::string& s, const std::vector<std::string>& choices) {
  // The closest choice within a third of its length (at least one edit), if
  // only one is that close.
  std::string best;
  std::size_t best_d = std::string::npos, ties = 0;
  for (const auto& c : choices) {
    std::size_t d = edit_distance(s, c);
    if (d < best_d)
      best = c, best_d = d, ties = 0;
    else if (d == best_d)
      ++ties;
  }
  if (best.empty() || ties || best_d > std::max<std::size_t>(1, best.size() / 3)) return "";
  return best;
}

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

std::uint64_t YamlReader::u64(const YAML::Node& n, const std::string& field, std::uint64_t lo, std::uint64_t hi) const {
  if (!n.IsScalar()) fail(n, field, "expected an integer");
  const std::string& s = n.Scalar();
  std::uint64_t v = 0;
  bool ok = !s.empty();
  int base = 10;
  std::size_t i = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, i = 2;
  for (; ok && i < s.size(); ++i) {
    char c = s[i];
    int d = (c >= '0' && c <= '9')                 ? c - '0'
            : (base == 16 && c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (base == 16 && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                   : -1;
    if (d < 0 || v > (UINT64_MAX - d) / base)
      ok = false;
    else
      v = v * base + d;
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
    std::string list = join_list(choices);
    std::string hint = did_you_mean(s, choices);
    fail(n, field, "'" + s + "' is not one of: " + list + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
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
