// Strict YAML reading: every field checked for presence, type and value, and
// every unknown field rejected, with the position of the offending node.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "model/support/input_error.hpp"

namespace mhp {

// The one choice a misspelled name most likely meant, or "" when none is
// close enough or two are equally close.
std::string did_you_mean(const std::string& s, const std::vector<std::string>& choices);
// "a, b, c": the choices an error message lists.
std::string join_list(const std::vector<std::string>& v);

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  [[noreturn]] void fail(const YAML::Node& n, const std::string& field, const std::string& msg) const;
  void require_map(const YAML::Node& n, const std::string& field) const;
  void require_seq(const YAML::Node& n, const std::string& field) const;
  // Unknown keys are errors; `field` is the path of the map (e.g. "threads[1]").
  void allow_keys(const YAML::Node& n, const std::string& field, std::initializer_list<const char*> keys) const;
  YAML::Node need(const YAML::Node& map, const std::string& path, const char* key) const;
  std::string str(const YAML::Node& n, const std::string& field) const;
  std::uint64_t u64(const YAML::Node& n, const std::string& field, std::uint64_t lo, std::uint64_t hi) const;
  bool boolean(const YAML::Node& n, const std::string& field) const;
  double number(const YAML::Node& n, const std::string& field, double lo, double hi) const;
  std::string one_of(const YAML::Node& n, const std::string& field, const std::vector<std::string>& choices) const;

 private:
  std::string file_;
};

// Loads a document, turning yaml-cpp's parse errors into InputError.
YAML::Node load_yaml(const std::string& file, const std::string& text);

}  // namespace mhp
