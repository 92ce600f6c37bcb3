#pragma once
// Decodes one raw line of a container log file, as Filebeat's docker-json reader does
// (libbeat/reader/readjson/docker_json.go):
//   Docker json-file: {"log":"text\n","stream":"stdout","attrs":{...},"time":"<RFC 3339>"}
//     `log` without its trailing newline is a partial line (Docker splits lines at 16 KiB).
//   CRI (containerd, CRI-O): <RFC 3339 nano> <stream> <P|F> <text>  (flags only with parse_flags)
// A hand scan, not a JSON parser: the envelope has four known keys and `log` is the only value
// that needs unescaping; nothing is allocated once the scratch buffer has grown.
#include <cstdint>
#include <string>
#include <string_view>

#include "logship/tail/tail_config.h"

namespace logship::tail {

using ContainerFormat = ContainerConfig::Format;

// One decoded line. Views point into the raw line or into the decoder's scratch buffer (an
// unescaped `log`) and are valid until the next decode.
struct ContainerLine {
  std::string_view content;  // the log text; Docker: unescaped, trailing newline kept
  std::string_view stream;
  std::string_view attrs;   // Docker `attrs` as raw JSON object text; empty: none or {}
  char timestamp[24] = {};  // `2024-05-01T10:00:00.123Z` (UTC, milliseconds, as Filebeat writes it)
  int64_t timestamp_ms = 0;
  bool partial = false;
  std::string_view error;  // non-empty: not a line of the format (a string literal)
};

class ContainerLineDecoder {
 public:
  ContainerLineDecoder(ContainerFormat format, bool cri_flags) : format_(format), cri_flags_(cri_flags) {}
  // Returns false (and sets out.error) when the line is not a container log line.
  bool decode(std::string_view raw, ContainerLine& out);

 private:
  bool decodeDocker(std::string_view raw, ContainerLine& out);
  bool decodeCri(std::string_view raw, ContainerLine& out);

  ContainerFormat format_;
  bool cri_flags_;
  std::string unescaped_;
};

// Parses an RFC 3339 time into `ms` and the 24-character UTC text Filebeat writes. The common
// container form (`...T..:..:..[.fraction]Z`) is read digit by digit; others (offsets) go through
// the general parser.
bool containerTimestamp(std::string_view in, char (&text)[24], int64_t& ms);

}  // namespace logship::tail
