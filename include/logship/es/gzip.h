#pragma once
// gzip for request bodies (cpprestsdk ignores request compression on Linux).
#include <string>
#include <string_view>

namespace logship::es {

// Replaces `out` with the gzip stream of `in`. Throws Error(kInternal) on zlib failure.
void gzipCompress(std::string_view in, std::string& out, int level = 1);
// For tests and the null sink: the inflated content of a gzip stream.
bool gzipDecompress(std::string_view in, std::string& out);

}  // namespace logship::es
