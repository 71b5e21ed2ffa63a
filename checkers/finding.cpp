#include "checkers/finding.hpp"

#include <algorithm>

namespace mhp {

std::vector<std::string> lock_names_of(const Execution& ex, std::uint64_t held, std::uint64_t shared) {
  std::vector<std::string> out;
  for (unsigned b = 0; b < 64; ++b)
    if (held & (1ULL << b))
      out.push_back(ex.objects().describe(ex.lock_obj(static_cast<std::uint8_t>(b))) +
                    ((shared >> b) & 1 ? " (read)" : " (write)"));
  // Lock bits are numbered in first-acquire order, which differs between
  // workers of a parallel run: list by name so reports do not.
  std::sort(out.begin(), out.end());
  return out;
}

FindingSide side_at(const Execution& ex, const Event& ev, const std::string& title) {
  FindingSide s;
  s.title = title;
  s.stack = ex.stacks().frames(ev.stack);
  s.locks = lock_names_of(ex, ev.held, ev.held_shared);
  s.event = ev.index;
  return s;
}

void FindingSet::merge_execution(std::vector<Finding>&& found, std::uint64_t execution, const std::string& schedule) {
  merge_execution(std::move(found), {}, execution, schedule, nullptr);
}

void FindingSet::merge_execution(std::vector<Finding>&& found, const std::vector<std::size_t>& held,
                                 std::uint64_t execution, const std::string& schedule,
                                 std::vector<std::size_t>* index) {
  ++calls_;  // a key counts once per call, even when two calls name one execution
  auto count = [&](std::size_t i) {
    if (last_[i] == calls_) return;
    ++list_[i].count;
    last_[i] = calls_;
  };
  for (Finding& f : found) {
    auto it = index_.find(f.key);
    if (it == index_.end()) {
      f.execution = execution;
      f.schedule = schedule;
      f.count = 1;
      it = index_.emplace(f.key, list_.size()).first;
      list_.push_back(std::move(f));
      last_.push_back(calls_);
    } else {
      count(it->second);
    }
    if (index) index->push_back(it->second);
  }
  for (std::size_t i : held) count(i);
}

void FindingSet::add_run_finding(Finding&& f) {
  if (index_.count(f.key)) return;
  f.count = 1;
  index_.emplace(f.key, list_.size());
  list_.push_back(std::move(f));
  last_.push_back(0);
}

}  // namespace mhp
