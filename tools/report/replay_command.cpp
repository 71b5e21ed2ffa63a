// The replay command a report prints for a finding's witness.
#include "tools/report/report.hpp"

namespace mhp {

namespace {
// A schedule recorded with a choice point at every access replays only so.
std::string replay_of(const std::string& file, bool all_points) {
  return "tools/mhpsim replay " + file + (all_points ? " --all-choice-points" : "");
}
}  // namespace

std::string replay_command_text(const std::string& file, const std::string& schedule, bool all_points) {
  if (schedule.size() <= kLongSchedule) return replay_command(file, schedule, all_points);
  std::size_t cut = schedule.rfind(',', 120);
  return replay_of(file, all_points) + " --schedule " + schedule.substr(0, cut) + ",... (" +
         std::to_string(schedule.size()) + " characters: the whole schedule is in --format json)";
}

std::string replay_command_file(const std::string& file, const std::string& schedule_file, bool all_points) {
  return replay_of(file, all_points) + " --schedule-file " + schedule_file;
}

std::string replay_command(const std::string& file, const std::string& schedule, bool all_points) {
  return replay_of(file, all_points) + " --schedule " + (schedule.empty() ? "''" : schedule);
}

}  // namespace mhp
