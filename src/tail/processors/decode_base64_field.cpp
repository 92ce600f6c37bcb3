// decode_base64_field: `field: {from, to}`, ignore_missing, fail_on_error, as libbeat's (Go's
// base64.RawStdEncoding after trailing `=` are trimmed; CR and LF are skipped as Go does).
#include <cstdint>

#include "string_field_decoder.h"

namespace logship::tail::processors {
namespace {

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool base64Decode(std::string_view in, std::string& out, std::string& error) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  uint32_t bits = 0;
  int nbits = 0, in_quantum = 0;
  size_t last = 0;  // index of the last character read
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r' || in[i] == '\n') continue;
    const int v = base64Value(in[i]);
    if (v < 0) {
      error = "illegal base64 data at input byte " + std::to_string(i);
      return false;
    }
    last = i;
    in_quantum = (in_quantum + 1) % 4;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push_back(static_cast<char>((bits >> nbits) & 0xFF));
    }
  }
  if (in_quantum == 1) {  // one character cannot hold a byte
    error = "illegal base64 data at input byte " + std::to_string(last);
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<const Processor> parseDecodeBase64Field(const config::Node& node) {
  const config::Node field = node.child("field");
  FromTo ft{field.child("from").str(), field.child("to").str()};
  if (ft.from.empty()) node.fail("decode_base64_field needs field.from");
  return std::make_unique<StringFieldDecoder>(
      std::vector<FromTo>{ft}, parseFromToOptions(node), &base64Decode,
      StringFieldDecoderTexts{"failed to decode base64 fields in processor: ", "could not fetch base64 value for key: ",
                              "error trying to decode "});
}

}  // namespace logship::tail::processors
