#pragma once
// Decodes one raw line of a container log file, as Filebeat's docker-json reader does
// (libbeat/reader/readjson/docker_json.go):
//   Docker json-file: {"log":"text\n","stream":"stdout","attrs":{...},"time":"<RFC 3339>"}
//     `log` without its trailing newline is a partial line (Docker splits lines at 16 KiB).
//   CRI (containerd, CRI-O): <RFC 3339 nano> <stream> <P|F> <text>  (flags only with parse_flags)
// A hand scan, not a JSON parser: the envelope has four known keys; strings are decoded by
// json::decodeString (block-scanned) into one scratch buffer, so nothing is allocated once it has
// grown to the longest line.
#include <cstdint>
#include <string>
#include <string_view>

#include "logship/tail/tail_config.h"

namespace logship::tail {

using ContainerFormat = ContainerConfig::Format;

// One decoded line. Views point into the raw line or into the decoder's scratch buffer (an
// unescaped `log`) and are valid until the next decode.
struct ContainerLine {
  std::string_view content;  // the log text; Docker: decoded, trailing newline kept
  // keep_escaped: Docker's `log` as it is in the line, the JSON string's body without its quotes
  // (`content` stays empty until unescape()); empty when the line was decoded.
  std::string_view escaped;
  std::string_view stream;
  std::string_view attrs;   // Docker `attrs` as raw JSON object text; empty: none or {}
  char timestamp[24] = {};  // `2024-05-01T10:00:00.123Z` (UTC, milliseconds, as Filebeat writes it)
  int64_t timestamp_ms = 0;
  bool partial = false;
  std::string_view error;  // non-empty: not a line of the format (a string literal)
};

class ContainerLineDecoder {
 public:
  // keep_escaped: a Docker `log` that can be copied into the event as it is (json::checkString)
  // is only checked, not decoded (ContainerLine::escaped): the text is escaped again when the event
  // is encoded, so a message no stage reads as text need not be decoded at all.
  ContainerLineDecoder(ContainerFormat format, bool cri_flags, bool keep_escaped = false)
      : format_(format), cri_flags_(cri_flags), keep_escaped_(keep_escaped) {}
  // Returns false (and sets out.error) when the line is not a container log line.
  bool decode(std::string_view raw, ContainerLine& out);
  // Decodes out.escaped into out.content (it was checked: this cannot fail).
  void unescape(ContainerLine& out);

 private:
  bool decodeDocker(std::string_view raw, ContainerLine& out);
  bool decodeCri(std::string_view raw, ContainerLine& out);
  // An RFC 3339 time as ms and the 24-character UTC text Filebeat writes.
  bool timestamp(std::string_view in, char (&text)[24], int64_t& ms);
  bool fastUtcTimestamp(std::string_view in, char (&text)[24], int64_t& ms);

  ContainerFormat format_;
  bool cri_flags_;
  bool keep_escaped_;
  std::string scratch_;    // the decoded strings of the current line
  std::string unescaped_;  // unescape()'s
  static constexpr int64_t kNoSecond = INT64_MIN;
  char second_text_[19] = {};  // `YYYY-MM-DDTHH:MM:SS` of the last timestamp, and its value
  int64_t second_seconds_ = kNoSecond;
};

}  // namespace logship::tail
