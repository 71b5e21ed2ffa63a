#include "model/engine/schedule.hpp"

#include <algorithm>
#include <cstring>
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

namespace {
constexpr const char* kCompactTag = "mhpsim-schedule-1:";
constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}  // namespace

std::string Schedule::encode_compact() const {
  std::string bytes;
  auto varint = [&](std::uint64_t v) {
    for (; v >= 0x80; v >>= 7) bytes += char(0x80 | (v & 0x7f));
    bytes += char(v);
  };
  for (std::size_t i = 0; i < choices.size();) {
    std::size_t j = i;
    while (j < choices.size() && choices[j] == choices[i]) ++j;
    varint(choices[i]);
    varint(j - i - 1);
    i = j;
  }
  std::string out = kCompactTag;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t w = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) w |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) w |= std::uint8_t(bytes[i + 2]);
    const std::size_t n = std::min<std::size_t>(bytes.size() - i, 3) + 1;  // base64 characters of these bytes
    for (std::size_t k = 0; k < n; ++k) out += kBase64[(w >> (18 - 6 * k)) & 63];
  }
  return out;
}

Schedule Schedule::decode_any(const std::string& text, std::uint64_t max_choices) {
  std::string t;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') t += c;
  const std::string tag = kCompactTag;
  if (t.compare(0, tag.size(), tag) != 0) return decode(t, max_choices);
  std::string bytes;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = tag.size(); i < t.size(); ++i) {
    const char* p = std::strchr(kBase64, t[i]);
    if (!p || !t[i]) throw std::invalid_argument(std::string("bad character '") + t[i] + "' in a compact schedule");
    acc = (acc << 6) | std::uint32_t(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += char((acc >> bits) & 0xff);
    }
  }
  Schedule s;
  std::size_t pos = 0;
  auto varint = [&]() -> std::uint64_t {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= bytes.size() || shift > 56) throw std::invalid_argument("a compact schedule cut short or corrupt");
      const std::uint8_t b = std::uint8_t(bytes[pos++]);
      v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (pos < bytes.size()) {
    const std::uint64_t thread = varint();
    const std::uint64_t n = varint() + 1;
    if (thread >= kMaxThreads || n > 100000000UL)
      throw std::invalid_argument("a compact schedule names thread " + std::to_string(thread) + " or a run of " +
                                  std::to_string(n) + " choices (out of range)");
    if (n > max_choices - s.choices.size())
      throw std::invalid_argument("the schedule expands to more than " + std::to_string(max_choices) + " choices");
    s.choices.insert(s.choices.end(), n, static_cast<ThreadId>(thread));
  }
  return s;
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
