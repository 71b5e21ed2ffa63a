// The fuzz targets (tests/fuzz/targets.hpp) on the inputs fuzzing once broke
// them with (tests/data/fuzz/TARGET/): each is now refused with an InputError
// or parses; any other exception fails here (the sanitizers of the fuzz build
// catch the memory errors these inputs caused).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/fuzz/targets.hpp"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void feed(mhp::fuzz::Target t, const std::string& s) { t(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

}  // namespace

TEST_CASE("fuzz targets: every regression input of tests/data/fuzz is refused cleanly or parses") {
  const fs::path dir = fs::path(MHPSIM_SOURCE_DIR) / "tests/data/fuzz";
  std::size_t inputs = 0;
  for (const auto& name : mhp::fuzz::target_names()) {
    mhp::fuzz::Target t = mhp::fuzz::target_named(name);
    REQUIRE(static_cast<bool>(t));
    if (!fs::is_directory(dir / name)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir / name)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      INFO("input ", f.string());
      CHECK_NOTHROW(feed(t, read(f)));
      ++inputs;
    }
  }
  // the directory holds every target's regressions; none there would test nothing
  CHECK(inputs > 0);
}

TEST_CASE("fuzz targets: empty, broken and binary input is refused with an InputError") {
  for (const auto& name : mhp::fuzz::target_names()) {
    INFO("target ", name);
    mhp::fuzz::Target t = mhp::fuzz::target_named(name);
    REQUIRE(static_cast<bool>(t));
    CHECK_NOTHROW(feed(t, ""));
    CHECK_NOTHROW(feed(t, "{{{: ]"));
    CHECK_NOTHROW(feed(t, std::string("\0\xff\xfe", 3)));
  }
  CHECK_FALSE(static_cast<bool>(mhp::fuzz::target_named("nonesuch")));
}
