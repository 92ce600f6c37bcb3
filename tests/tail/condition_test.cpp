// range, network and typed equals, with the vectors of libbeat/conditions/*_test.go on its
// httpResponseTestEvent (here `http` is a raw JSON object, as after decode_json_fields).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../../src/tail/condition_network.h"
#include "logship/common/config.h"
#include "logship/tail/condition.h"
#include "logship/tail/event.h"

namespace logship::tail {
namespace {

class ConditionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    e_.setRaw("bytes_out", "28033");
    e_.setString("client_ip", "127.0.0.1");
    e_.setRaw("http", R"({"code":200,"content_length":76985,"phrase":"OK","ok":true,"ratio":"0.6","ips":"10.1.2.3"})");
    e_.setString("ip", "127.0.0.1");
    e_.setRaw("responsetime", "30");
    e_.setString("status", "OK");
    e_.setRaw("proc.cpu.total_p", "0.6");
  }
  bool matches(const std::string& yaml) {
    docs_.push_back(config::Document::loadString("when: " + yaml + "\n", "c.yml", {}));
    return Condition::parse(docs_.back()->root().child("when"))->matches(e_);
  }
  bool refused(const std::string& yaml) {
    try {
      matches(yaml);
    } catch (const config::ConfigError&) {
      return true;
    }
    return false;
  }
  Event e_;
  std::vector<std::unique_ptr<config::Document>> docs_;
};

// equals_test.go: values compare with their own type only.
TEST_F(ConditionTest, EqualsIsTyped) {
  EXPECT_TRUE(matches("{equals: {http.code: 200, status: OK}}"));
  EXPECT_FALSE(matches("{equals: {http.code: '200'}}"));  // a string never equals a number
  EXPECT_FALSE(matches("{equals: {status: 200}}"));
  EXPECT_TRUE(matches("{equals: {http.ok: true}}"));
  EXPECT_FALSE(matches("{equals: {http.ok: 'true'}}"));
  EXPECT_FALSE(matches("{equals: {http.phrase: true}}"));
  EXPECT_FALSE(matches("{equals: {http.code: 201}}"));
  EXPECT_FALSE(matches("{equals: {missing: 1}}"));
  EXPECT_TRUE(refused("{equals: {http.code: 200.5}}"));  // only strings, ints and booleans
}

// range_test.go.
TEST_F(ConditionTest, Range) {
  EXPECT_TRUE(matches("{range: {http.code.gte: 200, http.code.lt: 300}}"));  // closed range, inside raw JSON
  EXPECT_TRUE(matches("{range: {bytes_out.gte: 2800}}"));
  EXPECT_FALSE(matches("{range: {bytes_out.gte: 2800, responsetime.gt: 30}}"));
  EXPECT_TRUE(matches("{range: {responsetime.lte: 30, responsetime.gt: 29.5}}"));
  EXPECT_FALSE(matches("{range: {proc.cpu.total_p.gt: 0.6}}"));
  EXPECT_TRUE(matches("{range: {proc.cpu.total_p.gte: 0.5, http.ratio.gte: 0.5}}"));  // a numeric string too
  EXPECT_FALSE(matches("{range: {status.gte: 0}}"));                                  // not a number
  EXPECT_FALSE(matches("{range: {missing.lt: 1}}"));
  EXPECT_TRUE(refused("{range: {gtr: 0.3}}"));
  EXPECT_TRUE(refused("{range: {http.code.gt: fdfdd}}"));
}

// network_test.go.
TEST_F(ConditionTest, Network) {
  EXPECT_TRUE(matches("{network: {ip: 127.0.0.0/8}}"));
  EXPECT_FALSE(matches("{network: {ip: 192.168.0.0/16}}"));
  EXPECT_FALSE(matches("{network: {status: unicast}}"));  // not an address
  EXPECT_TRUE(matches("{network: {client_ip: loopback, ip: 127.0.0.0/24}}"));
  EXPECT_FALSE(matches("{network: {client_ip: multicast, ip: 127.0.0.0/24}}"));
  EXPECT_FALSE(matches("{network: {does_not_exist: multicast}}"));
  EXPECT_TRUE(matches("{network: {client_ip: [public, loopback]}}"));
  EXPECT_TRUE(matches("{network: {http.ips: private}}"));
  EXPECT_TRUE(refused("{network: {invalid: loop-back}}"));
  EXPECT_TRUE(refused("{network: {bad_cidr: 127.0/8}}"));
}

TEST(NetworkMatcher, NamedRangesAsGo) {
  auto in = [](const char* network, const char* ip) {
    const auto m = NetworkMatcher::parse(network);
    const auto a = parseIp(ip);
    return m && a && m->contains(*a);
  };
  for (const char* ip : {"10.0.0.0", "10.255.255.255", "192.168.0.0", "192.168.255.255", "172.16.0.0", "172.31.255.255",
                         "fd11:3456:789a:1::1"})
    EXPECT_TRUE(in("private", ip)) << ip;
  for (const char* ip : {"192.0.2.1", "2001:db8:ffff:ffff:ffff:ffff:ffff:1", "172.32.0.0"})
    EXPECT_FALSE(in("private", ip)) << ip;
  EXPECT_TRUE(in("loopback", "::1"));
  EXPECT_TRUE(in("loopback", "::ffff:127.0.0.1"));  // IPv4-mapped counts as IPv4
  EXPECT_TRUE(in("unspecified", "0.0.0.0"));
  EXPECT_TRUE(in("unspecified", "::"));
  EXPECT_TRUE(in("multicast", "224.0.0.251"));
  EXPECT_TRUE(in("link_local_multicast", "224.0.0.251"));
  EXPECT_FALSE(in("link_local_multicast", "224.0.1.1"));
  EXPECT_TRUE(in("link_local_multicast", "ff02::1"));
  EXPECT_TRUE(in("interface_local_multicast", "ff01::1"));
  EXPECT_FALSE(in("interface_local_multicast", "224.0.0.1"));
  EXPECT_TRUE(in("link_local_unicast", "169.254.1.1"));
  EXPECT_TRUE(in("link_local_unicast", "fe80::1"));
  EXPECT_TRUE(in("unicast", "8.8.8.8"));
  EXPECT_TRUE(in("global_unicast", "10.0.0.1"));  // Go: private addresses are global unicast
  EXPECT_FALSE(in("unicast", "255.255.255.255"));
  EXPECT_TRUE(in("public", "8.8.8.8"));
  EXPECT_TRUE(in("public", "2001:4860::8888"));
  EXPECT_FALSE(in("public", "192.168.1.1"));
  EXPECT_FALSE(in("public", "255.255.255.255"));
  EXPECT_TRUE(in("192.168.10.1/16", "192.168.0.92"));  // the address is masked to its network
  EXPECT_TRUE(in("fd00::/8", "fd12::1"));
  EXPECT_FALSE(in("::ffff:0:0/96", "10.0.0.1"));  // an IPv6 network never holds an IPv4 address
  EXPECT_FALSE(in("0.0.0.0/0", "::2"));
  EXPECT_TRUE(in("0.0.0.0/0", "1.2.3.4"));
  EXPECT_FALSE(NetworkMatcher::parse("192.168.1.1"));  // no prefix: not a CIDR
  EXPECT_FALSE(NetworkMatcher::parse("10.0.0.0/33"));
  EXPECT_FALSE(parseIp("1.2.3"));
}

}  // namespace
}  // namespace logship::tail
