#pragma once
// The `network` condition's matchers, as libbeat/conditions/network.go: a CIDR ("10.0.0.0/8",
// "fd00::/8") or one of Go's named ranges (loopback, unicast / global_unicast, multicast,
// interface_local_multicast, link_local_unicast, link_local_multicast, private, public,
// unspecified). Addresses are parsed as Go's net.ParseIP (IPv4, IPv6, IPv4-mapped IPv6).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logship::tail {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};  // IPv4 as ::ffff:a.b.c.d, as Go holds it
  bool v4 = false;                  // an IPv4 address (written either way)
};

std::optional<IpAddress> parseIp(std::string_view text);

class NetworkMatcher {
 public:
  // A named range or a CIDR; nullopt when it is neither (libbeat: "failed to parse CIDR").
  static std::optional<NetworkMatcher> parse(std::string_view text);
  bool contains(const IpAddress& ip) const;

 private:
  enum class Named : uint8_t {
    kNone,
    kLoopback,
    kUnicast,
    kLinkLocalUnicast,
    kInterfaceLocalMulticast,
    kLinkLocalMulticast,
    kMulticast,
    kUnspecified,
    kPrivate,
    kPublic
  };
  Named named_ = Named::kNone;
  IpAddress network_;  // CIDR: masked address
  int prefix_ = 0;     // CIDR: bits, counted on the 16-byte form for IPv6, the 4-byte one for IPv4
};

}  // namespace logship::tail
