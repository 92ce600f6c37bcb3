#include "logship/tail/file_identity.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

namespace logship::tail {

uint64_t fnv1a(const void* data, size_t len, uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = seed;
  for (size_t i = 0; i < len; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t FileIdentity::hash() const {
  const uint64_t parts[4] = {dev, inode, fp_len, fp_hash};
  return fnv1a(parts, sizeof(parts));
}

std::string FileIdentity::key() const { return std::to_string(dev) + "-" + std::to_string(inode); }

namespace {

bool readPrefix(int fd, char* buf, size_t want, size_t& got) {
  got = 0;
  while (got < want) {
    const ssize_t n = ::pread(fd, buf + got, want - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Identify identify(int fd, FileIdentity& out) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Identify::kIoError;
  out.dev = static_cast<uint64_t>(st.st_dev);
  out.inode = static_cast<uint64_t>(st.st_ino);
  char buf[kFingerprintBytes];
  size_t got = 0;
  if (!readPrefix(fd, buf, kFingerprintBytes, got)) return Identify::kIoError;
  // Only bytes that appending cannot change: the first line, or the first kFingerprintBytes of a
  // longer one. Hashing whatever the file held when first seen (its size) would give a file that
  // starts short a second identity, and its events second ids, once it grows.
  const void* nl = std::memchr(buf, '\n', got);
  const size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf) + 1 : got;
  if (!nl && got < kFingerprintBytes) return Identify::kTooShort;
  out.fp_len = static_cast<uint32_t>(len);
  out.fp_hash = fnv1a(buf, len);
  return Identify::kOk;
}

bool fingerprintMatches(int fd, const FileIdentity& expected) {
  if (expected.fp_len == 0) return true;
  char buf[kFingerprintBytes];
  size_t got = 0;
  if (!readPrefix(fd, buf, expected.fp_len, got)) return false;
  return got == expected.fp_len && fnv1a(buf, got) == expected.fp_hash;
}

}  // namespace logship::tail
