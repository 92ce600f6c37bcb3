#pragma once
// Binary-to-text encodings (RFC 4648) for processors that print digests and ids: written into a
// caller's buffer, no allocation. Each returns the number of chars written.
#include <cstddef>
#include <cstdint>

namespace logship::tail::processors {

inline constexpr char kBase64Std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Room needed for n bytes: hex 2n, base32 8*ceil(n/5), base64 4*ceil(n/3).
constexpr size_t hexLength(size_t n) { return 2 * n; }
constexpr size_t base32Length(size_t n) { return 8 * ((n + 4) / 5); }
constexpr size_t base64Length(size_t n) { return 4 * ((n + 2) / 3); }

size_t encodeHex(const uint8_t* in, size_t n, char* out);     // lower case
size_t encodeBase32(const uint8_t* in, size_t n, char* out);  // padded with '='
size_t encodeBase64(const uint8_t* in, size_t n, char* out, const char* alphabet, bool pad);

}  // namespace logship::tail::processors
