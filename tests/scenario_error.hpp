// Test helper: the InputError a scenario text raises, or "" if it parses.
#pragma once
#include <string>

#include "model/scenario/scenario.hpp"

namespace mhp::test {

inline std::string scenario_error(const std::string& text) {
  try {
    parse_scenario("x.yaml", text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace mhp::test
