#include "model/kernel/eras.hpp"

namespace mhp {

const std::vector<std::string>& known_eras() {
  // Oldest first. v6 is v6.13 (the first era modelled after the current
  // kernel); the long-term-stable releases and the newest mainline release
  // are eras of their own, each the code of one point release.
  static const std::vector<std::string> e = {"v4.19", "v4.20", "v5.0", "v5.3",  "v5.4", "v5.10", "v5.14",
                                             "v5.15", "v6.1",  "v6.6", "v6.12", "v6",   "v7.1"};
  return e;
}

}  // namespace mhp
