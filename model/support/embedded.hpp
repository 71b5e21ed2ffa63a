// The model/ops/<era>/*.yaml files (and the other YAML data below), embedded at build time (embed.cmake).
#pragma once
#include <string>
#include <vector>

namespace mhp {

struct EmbeddedOpFile {
  const char* path;
  const char* text;
};
const std::vector<EmbeddedOpFile>& embedded_op_files();        // model/ops
const std::vector<EmbeddedOpFile>& embedded_rule_files();      // checkers/rules
const std::vector<EmbeddedOpFile>& embedded_cost_files();      // model/timing
const std::vector<EmbeddedOpFile>& embedded_function_files();  // model/kernel (function_files.yaml)

}  // namespace mhp
