// A shard "I/N" as --shard takes it and the JSON result line writes it.
#include <stdexcept>

#include "tools/report/result.hpp"

namespace mhp {

std::optional<Shard> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  try {
    std::size_t a = 0, b = 0;
    const std::string is = text.substr(0, slash), ns = text.substr(slash + 1);
    const std::uint64_t i = std::stoull(is, &a), n = std::stoull(ns, &b);
    if (a != is.size() || b != ns.size() || is[0] == '-' || ns[0] == '-' || n == 0 || i >= n) return std::nullopt;
    return Shard{i, n};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string shard_text(const Shard& s) { return std::to_string(s.first) + "/" + std::to_string(s.second); }

}  // namespace mhp
