#include "json_array.h"

namespace logship::tail::processors {
namespace {

constexpr size_t npos = std::string_view::npos;

// The end of the string whose opening quote is at raw[pos].
size_t stringEnd(std::string_view raw, size_t pos) {
  for (size_t i = pos + 1; i < raw.size(); ++i) {
    if (raw[i] == '\\') {
      ++i;
    } else if (raw[i] == '"') {
      return i + 1;
    }
  }
  return npos;
}

// The end of the array or object opening at raw[pos]: brackets are counted, strings skipped.
size_t containerEnd(std::string_view raw, size_t pos) {
  int depth = 0;
  for (size_t i = pos; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '"') {
      i = stringEnd(raw, i);
      if (i == npos) return npos;
      --i;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && --depth == 0) {
      return i + 1;
    }
  }
  return npos;
}

}  // namespace

size_t skipJsonSpace(std::string_view raw, size_t pos) {
  while (pos < raw.size() && (raw[pos] == ' ' || raw[pos] == '\t' || raw[pos] == '\n' || raw[pos] == '\r')) ++pos;
  return pos;
}

size_t jsonValueEnd(std::string_view raw, size_t pos) {
  if (pos >= raw.size()) return npos;
  const char c = raw[pos];
  if (c == '"') return stringEnd(raw, pos);
  if (c == '[' || c == '{') return containerEnd(raw, pos);
  // A number or a literal (true, false, null): up to the next delimiter.
  size_t i = pos;
  while (i < raw.size() && raw[i] != ',' && raw[i] != ']' && raw[i] != '}' && raw[i] != ' ' && raw[i] != '\t' &&
         raw[i] != '\n' && raw[i] != '\r') {
    ++i;
  }
  return i == pos ? npos : i;
}

}  // namespace logship::tail::processors
