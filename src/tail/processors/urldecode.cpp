// urldecode: `fields: [{from, to}]`, ignore_missing, fail_on_error, as libbeat's urldecode (Go's
// url.QueryUnescape: `+` is a space, `%XX` a byte; a bad escape fails naming it).
#include "string_field_decoder.h"

namespace logship::tail::processors {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool queryUnescape(std::string_view in, std::string& out, std::string& error) {
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size() || hexValue(in[i + 1]) < 0 || hexValue(in[i + 2]) < 0) {
        error = "invalid URL escape \"" + std::string(in.substr(i, 3)) + "\"";
        return false;
      }
      out.push_back(static_cast<char>(hexValue(in[i + 1]) * 16 + hexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<const Processor> parseUrlDecode(const config::Node& node) {
  return std::make_unique<StringFieldDecoder>(
      parseFromToList(node, "urldecode", false), parseFromToOptions(node), &queryUnescape,
      StringFieldDecoderTexts{"failed to decode fields in urldecode processor: ", "could not fetch value for key: ",
                              "error trying to URL-decode "});
}

}  // namespace logship::tail::processors
