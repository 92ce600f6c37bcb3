#pragma once
// A file's identity: device + inode, plus a fingerprint of its first line (hash of the bytes up
// to and including the first newline, at most kFingerprintBytes) so that an inode reused by a new
// file is not mistaken for the old one.
//
// The fingerprint depends only on bytes that never change while the file is appended to, so it is
// the same whenever it is computed: on first sight, after growth, after a rename, after a restart
// that lost the registry. @metadata._id is derived from it, so an event's id never changes for the
// life of the file. A file whose first kFingerprintBytes hold no newline yet cannot be
// fingerprinted (and has no complete line to ship): it is identified once it does.
#include <cstdint>
#include <string>

namespace logship::tail {

inline constexpr uint32_t kFingerprintBytes = 256;

struct FileIdentity {
  uint64_t dev = 0;
  uint64_t inode = 0;
  uint32_t fp_len = 0;   // bytes hashed: the first line with its newline, at most kFingerprintBytes
  uint64_t fp_hash = 0;  // FNV-1a of those bytes

  bool sameInode(const FileIdentity& o) const { return dev == o.dev && inode == o.inode; }
  // Stable across restarts; used in @metadata._id.
  uint64_t hash() const;
  std::string key() const;  // "dev-inode", the registry key
};

uint64_t fnv1a(const void* data, size_t len, uint64_t seed = 14695981039346656037ull);

enum class Identify {
  kOk,        // `out` is the file's identity for its whole life
  kTooShort,  // no newline in the first bytes and fewer than kFingerprintBytes: try again later
  kIoError,
};
// Reads dev/inode with fstat and fingerprints the first line (see above).
Identify identify(int fd, FileIdentity& out);
// True when the first `expected.fp_len` bytes of `fd` still hash to `expected.fp_hash`
// (a truncated file shorter than fp_len is a different file).
bool fingerprintMatches(int fd, const FileIdentity& expected);

}  // namespace logship::tail
