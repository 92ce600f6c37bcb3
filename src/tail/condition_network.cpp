#include "condition_network.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace logship::tail {
namespace {

const uint8_t* v4Bytes(const IpAddress& ip) { return ip.bytes.data() + 12; }

bool inV4(const IpAddress& ip, uint8_t a, uint8_t b, int bits) {
  if (!ip.v4) return false;
  const uint32_t addr = (uint32_t{v4Bytes(ip)[0]} << 24) | (uint32_t{v4Bytes(ip)[1]} << 16) |
                        (uint32_t{v4Bytes(ip)[2]} << 8) | v4Bytes(ip)[3];
  const uint32_t net = (uint32_t{a} << 24) | (uint32_t{b} << 16);
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (addr & mask) == (net & mask);
}

bool isLoopback(const IpAddress& ip) {
  if (ip.v4) return v4Bytes(ip)[0] == 127;
  for (size_t i = 0; i < 15; ++i)
    if (ip.bytes[i] != 0) return false;
  return ip.bytes[15] == 1;
}

bool isUnspecified(const IpAddress& ip) {
  const size_t from = ip.v4 ? 12 : 0;
  for (size_t i = from; i < 16; ++i)
    if (ip.bytes[i] != 0) return false;
  return true;
}

bool isMulticast(const IpAddress& ip) { return ip.v4 ? (v4Bytes(ip)[0] & 0xf0) == 0xe0 : ip.bytes[0] == 0xff; }
bool isLinkLocalUnicast(const IpAddress& ip) {
  return ip.v4 ? inV4(ip, 169, 254, 16) : ip.bytes[0] == 0xfe && (ip.bytes[1] & 0xc0) == 0x80;
}
bool isLinkLocalMulticast(const IpAddress& ip) {
  return ip.v4 ? inV4(ip, 224, 0, 24) : ip.bytes[0] == 0xff && (ip.bytes[1] & 0x0f) == 0x02;
}
bool isInterfaceLocalMulticast(const IpAddress& ip) {
  return !ip.v4 && ip.bytes[0] == 0xff && (ip.bytes[1] & 0x0f) == 0x01;
}
bool isBroadcast(const IpAddress& ip) { return ip.v4 && std::memcmp(v4Bytes(ip), "\xff\xff\xff\xff", 4) == 0; }
// RFC 1918 and RFC 4193 (fd00::/8, as libbeat's privateIPv6).
bool isPrivate(const IpAddress& ip) {
  if (ip.v4) return inV4(ip, 10, 0, 8) || inV4(ip, 172, 16, 12) || inV4(ip, 192, 168, 16);
  return ip.bytes[0] == 0xfd;
}
// Go's IsGlobalUnicast.
bool isGlobalUnicast(const IpAddress& ip) {
  return !isBroadcast(ip) && !isUnspecified(ip) && !isLoopback(ip) && !isMulticast(ip) && !isLinkLocalUnicast(ip);
}
bool isLocalOrPrivate(const IpAddress& ip) {
  return isPrivate(ip) || isLoopback(ip) || isUnspecified(ip) || isBroadcast(ip) || isLinkLocalUnicast(ip) ||
         isLinkLocalMulticast(ip) || isInterfaceLocalMulticast(ip);
}

}  // namespace

std::optional<IpAddress> parseIp(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  ip.bytes[10] = ip.bytes[11] = 0xff;
  if (inet_pton(AF_INET, buf, ip.bytes.data() + 12) == 1) {
    ip.v4 = true;
    return ip;
  }
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) return std::nullopt;
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  ip.v4 = std::memcmp(ip.bytes.data(), mapped, 12) == 0;  // Go's To4() succeeds on these
  return ip;
}

std::optional<NetworkMatcher> NetworkMatcher::parse(std::string_view text) {
  static const std::pair<std::string_view, Named> kNamed[] = {
      {"loopback", Named::kLoopback},
      {"unicast", Named::kUnicast},
      {"global_unicast", Named::kUnicast},
      {"link_local_unicast", Named::kLinkLocalUnicast},
      {"interface_local_multicast", Named::kInterfaceLocalMulticast},
      {"link_local_multicast", Named::kLinkLocalMulticast},
      {"multicast", Named::kMulticast},
      {"unspecified", Named::kUnspecified},
      {"private", Named::kPrivate},
      {"public", Named::kPublic},
  };
  NetworkMatcher m;
  for (const auto& [name, kind] : kNamed) {
    if (text == name) {
      m.named_ = kind;
      return m;
    }
  }
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto ip = parseIp(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const std::string_view bits = text.substr(slash + 1);
  int prefix = -1;
  const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  // Go's ParseCIDR: an IPv4 address takes at most /32 (written as IPv4), an IPv6 one /128.
  const bool written_v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  if (ec != std::errc() || end != bits.data() + bits.size() || bits.empty() || prefix < 0 ||
      prefix > (written_v4 ? 32 : 128))
    return std::nullopt;
  m.network_ = *ip;
  m.network_.v4 = written_v4;
  m.prefix_ = written_v4 ? prefix + 96 : prefix;
  for (int i = 0; i < 16; ++i) {  // mask the address, as Go's ParseCIDR returns the network
    const int keep = std::max(0, std::min(8, m.prefix_ - 8 * i));
    m.network_.bytes[static_cast<size_t>(i)] &= static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  return m;
}

bool NetworkMatcher::contains(const IpAddress& ip) const {
  switch (named_) {
    case Named::kLoopback:
      return isLoopback(ip);
    case Named::kUnicast:
      return isGlobalUnicast(ip);
    case Named::kLinkLocalUnicast:
      return isLinkLocalUnicast(ip);
    case Named::kInterfaceLocalMulticast:
      return isInterfaceLocalMulticast(ip);
    case Named::kLinkLocalMulticast:
      return isLinkLocalMulticast(ip);
    case Named::kMulticast:
      return isMulticast(ip);
    case Named::kUnspecified:
      return isUnspecified(ip);
    case Named::kPrivate:
      return isPrivate(ip);
    case Named::kPublic:
      return !isLocalOrPrivate(ip);
    case Named::kNone:
      break;
  }
  // Go's IPNet.Contains: an IPv4 network holds IPv4 addresses only, an IPv6 one IPv6 only.
  if (ip.v4 != network_.v4) return false;
  for (int i = 0; i < 16; ++i) {
    const int keep = std::max(0, std::min(8, prefix_ - 8 * i));
    const auto mask = static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
    if ((ip.bytes[static_cast<size_t>(i)] & mask) != network_.bytes[static_cast<size_t>(i)]) return false;
  }
  return true;
}

}  // namespace logship::tail
