// Test helper: run lambdas as simulated threads under a strategy.
#pragma once
#include <functional>
#include <list>
#include <string>
#include <vector>

#include "model/engine/execution.hpp"

namespace mhp::test {

struct Harness {
  Execution ex;
  std::list<std::function<void()>> bodies;  // stable addresses
  std::function<void()> reset = [] {};

  void thread(const std::string& name, std::function<void()> fn) {
    bodies.push_back(std::move(fn));
    ex.add_thread(
        name, [](void* a) { (*static_cast<std::function<void()>*>(a))(); }, &bodies.back());
  }
  Outcome run_once(Strategy& s, std::uint64_t k) {
    reset();
    return ex.run(s, k);
  }
  // Statuses of n random executions.
  std::vector<Outcome::Status> explore(std::uint64_t n, std::uint64_t seed = 1) {
    RandomStrategy s(seed);
    std::vector<Outcome::Status> out;
    for (std::uint64_t k = 0; k < n; ++k) out.push_back(run_once(s, k).status);
    return out;
  }
  static std::size_t count(const std::vector<Outcome::Status>& v, Outcome::Status st) {
    std::size_t c = 0;
    for (auto x : v) c += x == st;
    return c;
  }
};

}  // namespace mhp::test
