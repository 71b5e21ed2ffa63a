#include "tools/cli/commands.hpp"

#include <algorithm>
#include <filesystem>

#include "model/support/input_error.hpp"

namespace fs = std::filesystem;

namespace mhp {

std::vector<std::string> scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
          found.push_back(e.path().lexically_normal().string());
      std::sort(found.begin(), found.end());
      if (found.empty()) throw InputError(p, 0, 0, "<path>", "directory holds no .yaml scenario");
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(fs::path(p).lexically_normal().string());
    } else {
      throw InputError(p, 0, 0, "<path>", "no such file or directory");
    }
  }
  return out;
}

}  // namespace mhp
