#include "binary_text.h"

namespace logship::tail::processors {

size_t encodeHex(const uint8_t* in, size_t n, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[in[i] >> 4];
    out[2 * i + 1] = kDigits[in[i] & 15];
  }
  return 2 * n;
}

size_t encodeBase32(const uint8_t* in, size_t n, char* out) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 5) {
    const size_t len = n - i < 5 ? n - i : 5;
    uint64_t block = 0;
    for (size_t j = 0; j < 5; ++j) block = (block << 8) | (j < len ? in[i + j] : 0);
    const size_t chars = (len * 8 + 4) / 5;  // chars that carry bits; the rest is padding
    for (size_t j = 0; j < 8; ++j) out[o++] = j < chars ? kAlphabet[(block >> (35 - 5 * j)) & 31] : '=';
  }
  return o;
}

size_t encodeBase64(const uint8_t* in, size_t n, char* out, const char* alphabet, bool pad) {
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    const size_t len = n - i < 3 ? n - i : 3;
    uint32_t block = uint32_t{in[i]} << 16;
    if (len > 1) block |= uint32_t{in[i + 1]} << 8;
    if (len > 2) block |= in[i + 2];
    for (size_t j = 0; j < 4; ++j) {
      if (j <= len) {
        out[o++] = alphabet[(block >> (18 - 6 * j)) & 63];
      } else if (pad) {
        out[o++] = '=';
      }
    }
  }
  return o;
}

}  // namespace logship::tail::processors
