#include "model/engine/schedule.hpp"

#include <stdexcept>

namespace mhp {

std::string Schedule::encode() const {
  std::string out;
  for (std::size_t i = 0; i < choices.size();) {
    std::size_t j = i;
    while (j < choices.size() && choices[j] == choices[i]) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(choices[i]);
    out += ':';
    out += std::to_string(j - i);
    i = j;
  }
  return out;
}

Schedule Schedule::decode(const std::string& text, std::uint64_t max_choices) {
  Schedule s;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string tok = text.substr(pos, comma - pos);
    std::size_t colon = tok.find(':');
    auto bad = [&] { return std::invalid_argument("bad schedule token '" + tok + "' (want THREAD:COUNT)"); };
    if (colon == std::string::npos || colon == 0 || colon + 1 == tok.size()) throw bad();
    for (char c : tok)
      if (c != ':' && (c < '0' || c > '9')) throw bad();
    if (colon > 9 || tok.size() - colon - 1 > 9) throw bad();  // out of range, and std::stoul would overflow
    unsigned long t = std::stoul(tok.substr(0, colon));
    unsigned long n = std::stoul(tok.substr(colon + 1));
    if (t >= kMaxThreads || n == 0 || n > 100000000UL) throw bad();
    if (n > max_choices - s.choices.size())
      throw std::invalid_argument("the schedule expands to more than " + std::to_string(max_choices) +
                                  " choices (at token '" + tok + "')");
    s.choices.insert(s.choices.end(), n, static_cast<ThreadId>(t));
    pos = comma + 1;
  }
  return s;
}

}  // namespace mhp
