#include "go_strconv.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstring>

namespace logship::tail::processors {

std::string goSyntaxError(std::string_view fn, std::string_view s, bool range) {
  return "strconv." + std::string(fn) + ": parsing \"" + std::string(s) +
         "\": " + (range ? "value out of range" : "invalid syntax");
}

bool goParseInt(std::string_view s, int bits, int64_t& out, std::string* error) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  uint64_t magnitude = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (digits.empty() || r.ec == std::errc::invalid_argument || r.ptr != digits.data() + digits.size()) {
    if (error) *error = goSyntaxError("ParseInt", s);
    return false;
  }
  const uint64_t limit = bits == 32 ? (1ull << 31) : (1ull << 63);
  if (r.ec == std::errc::result_out_of_range || magnitude > limit || (!negative && magnitude == limit)) {
    if (error) *error = goSyntaxError("ParseInt", s, true);
    return false;
  }
  out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

bool goParseDouble(std::string_view s, double& out) {
  std::string_view t = s;
  if (t.size() > 1 && t[0] == '+' && t[1] != '-') t.remove_prefix(1);  // Go takes a sign of either kind
  const auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  // Infinity and NaN parse in Go but cannot be written as JSON numbers: not numbers here.
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty() && std::isfinite(out);
}

std::optional<bool> goParseBool(std::string_view s) {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"})
    if (s == t) return true;
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"})
    if (s == f) return false;
  return std::nullopt;
}

bool isIpAddress(std::string_view s) {
  char text[64];  // the longest IPv6 text is 45 characters
  if (s.empty() || s.size() >= sizeof(text)) return false;
  std::memcpy(text, s.data(), s.size());
  text[s.size()] = '\0';
  unsigned char addr[16];
  return ::inet_pton(AF_INET, text, addr) == 1 || ::inet_pton(AF_INET6, text, addr) == 1;
}

namespace {
template <typename F>
std::string formatGoFloat(F v) {
  char buf[64];
  const double a = std::fabs(static_cast<double>(v));
  const auto fmt = (a == 0 || (a >= 1e-6 && a < 1e21)) ? std::chars_format::fixed : std::chars_format::scientific;
  const auto r = std::to_chars(buf, buf + sizeof(buf), v, fmt);
  return std::string(buf, r.ptr);
}
}  // namespace

std::string goFloat(float v) { return formatGoFloat(v); }
std::string goFloat(double v) { return formatGoFloat(v); }

}  // namespace logship::tail::processors
