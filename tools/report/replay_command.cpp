// The replay command a report prints for a finding's witness.
#include "tools/report/report.hpp"

namespace mhp {

std::string replay_command_text(const std::string& file, const std::string& schedule) {
  if (schedule.size() <= kLongSchedule) return replay_command(file, schedule);
  std::size_t cut = schedule.rfind(',', 120);
  return "tools/mhpsim replay " + file + " --schedule " + schedule.substr(0, cut) + ",... (" +
         std::to_string(schedule.size()) + " characters: the whole schedule is in --format json)";
}

std::string replay_command_file(const std::string& file, const std::string& schedule_file) {
  return "tools/mhpsim replay " + file + " --schedule-file " + schedule_file;
}

std::string replay_command(const std::string& file, const std::string& schedule) {
  return "tools/mhpsim replay " + file + " --schedule " + (schedule.empty() ? "''" : schedule);
}

}  // namespace mhp
