#pragma once
// A file's identity: device + inode, plus a fingerprint (hash of its first bytes, up to
// kFingerprintBytes) so that an inode reused by a new file is not mistaken for the old one.
#include <cstdint>
#include <string>

namespace logship::tail {

inline constexpr uint32_t kFingerprintBytes = 256;

struct FileIdentity {
  uint64_t dev = 0;
  uint64_t inode = 0;
  uint32_t fp_len = 0;   // bytes hashed (less than kFingerprintBytes for small files)
  uint64_t fp_hash = 0;  // FNV-1a of those bytes

  bool sameInode(const FileIdentity& o) const { return dev == o.dev && inode == o.inode; }
  // Stable across restarts; used in @metadata._id.
  uint64_t hash() const;
  std::string key() const;  // "dev-inode", the registry key
};

uint64_t fnv1a(const void* data, size_t len, uint64_t seed = 14695981039346656037ull);

// Reads dev/inode with fstat and fingerprints the first min(size, kFingerprintBytes) bytes.
// Returns false on I/O errors.
bool identify(int fd, FileIdentity& out);
// True when the first `expected.fp_len` bytes of `fd` still hash to `expected.fp_hash`
// (a truncated file shorter than fp_len is a different file).
bool fingerprintMatches(int fd, const FileIdentity& expected);

}  // namespace logship::tail
