#include <gtest/gtest.h>

#include "logship/stash/cluster_runner.h"
#include "logship/stash/config.h"
#include "support/paths.h"

namespace logship::stash {
namespace {

using logship::testing::TempDir;
using logship::testing::writeFile;

LoadedConfig loadText(const std::string& yaml, TempDir& dir, const HostOverrides& o = {}) {
  const auto file = dir / "stash.yml";
  writeFile(file, yaml);
  return loadStashConfig(file.string(), o);
}

std::string errorOf(const std::string& yaml) {
  TempDir dir;
  try {
    loadText(yaml, dir);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(StashConfig, ReferenceGoStashYamlLoadsWithDefaults) {
  const auto file = logship::testing::sharedDir() / "reference-configs" / "go-stash.yml";
  const auto loaded = loadStashConfig(file.string());
  EXPECT_TRUE(loaded.unknown_keys.empty()) << loaded.unknown_keys.front();
  const auto& c = loaded.config;
  ASSERT_EQ(c.clusters.size(), 1u);
  const auto& k = c.clusters[0].kafka;
  EXPECT_EQ(k.name, "go-stash");
  EXPECT_EQ(k.brokers, std::vector<std::string>{"kafka:9092"});
  EXPECT_EQ(k.topics, std::vector<std::string>{"courseware-log"});
  EXPECT_EQ(k.group, "pro");
  EXPECT_EQ(k.offset, "last");
  // go-stash's goroutine count is accepted and --check says it changes nothing here.
  ASSERT_EQ(loaded.no_effect_keys.size(), 1u);
  EXPECT_EQ(loaded.no_effect_keys[0].rfind("Clusters[0].Input.Kafka.Consumers: accepted, has no effect", 0), 0u)
      << loaded.no_effect_keys[0];
  EXPECT_EQ(k.min_bytes, 10240);
  EXPECT_EQ(k.max_bytes, 10485760);
  const auto& f = c.clusters[0].filters;
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].action, "drop");
  ASSERT_EQ(f[0].conditions.size(), 2u);
  EXPECT_EQ(f[0].conditions[0].type, "contains");
  EXPECT_EQ(f[0].conditions[0].op, "and");  // default
  EXPECT_EQ(f[0].conditions[1].type, "match");
  EXPECT_EQ(f[1].fields.size(), 14u);
  EXPECT_EQ(f[1].fields.back(), "@metadata");
  EXPECT_EQ(f[2].field, "message");
  EXPECT_EQ(f[2].target, "data");
  const auto& es = c.clusters[0].es;
  EXPECT_EQ(es.hosts, std::vector<std::string>{"http://elasticsearch:9200"});
  EXPECT_EQ(es.index, "courseware-{{yyyy-MM-dd}}");
  EXPECT_EQ(es.doc_type, "doc");
  EXPECT_EQ(es.max_chunk_bytes, 15728640);
  EXPECT_FALSE(es.compress);
  EXPECT_EQ(es.time_zone, "");
  EXPECT_EQ(c.grace_period, std::chrono::seconds(10));
  EXPECT_EQ(c.clusters[0].dead_letter.invalid_json, "dead_letter");
}

TEST(StashConfig, HostOverridesReplaceHostsOfEveryCluster) {
  const auto file = logship::testing::sharedDir() / "reference-configs" / "go-stash.yml";
  const auto loaded = loadStashConfig(file.string(), {{"http://127.0.0.1:9200"}, {"127.0.0.1:9092"}});
  EXPECT_EQ(loaded.config.clusters[0].es.hosts, std::vector<std::string>{"http://127.0.0.1:9200"});
  EXPECT_EQ(loaded.config.clusters[0].kafka.brokers, std::vector<std::string>{"127.0.0.1:9092"});
}

TEST(StashConfig, KeysAreCaseInsensitiveAndExtensionsRead) {
  TempDir dir;
  const auto c = loadText(R"(
clusters:
  - input:
      KAFKA:
        brokers: [a:1, b:2]
        topic: single
        topicspattern: "^logs-.*"
        group: g
        offset: First
        librdkafka: {fetch.wait.max.ms: "50"}
        Log: {Level: error, Encoding: json, Mode: console}
        Prometheus: {Host: 127.0.0.1, Port: 9101, Path: /m}
        Mode: dev
    filters:
      - action: drop
        conditions:
          - {key: a, value: "x.*", type: regex, op: or}
    deadletter: {topic: dead, invalidjson: wrap}
    output:
      elasticsearch:
        hosts: [h1]
        index: idx
        timezone: Asia/Shanghai
        compress: true
        maxchunkbytes: 1MiB
        flushinterval: 250ms
        maxinflight: 2
        apikey: secret
gracePeriod: 3s
)",
                          dir)
                     .config;
  const auto& k = c.clusters[0].kafka;
  EXPECT_EQ(k.brokers.size(), 2u);
  EXPECT_EQ(k.topics, std::vector<std::string>{"single"});
  EXPECT_EQ(k.topics_pattern, "^logs-.*");
  EXPECT_EQ(k.offset, "first");
  EXPECT_EQ(k.librdkafka.at("fetch.wait.max.ms"), "50");
  EXPECT_EQ(c.clusters[0].filters[0].conditions[0].type, "regex");
  EXPECT_EQ(c.clusters[0].filters[0].conditions[0].op, "or");
  EXPECT_EQ(c.clusters[0].dead_letter.topic, "dead");
  EXPECT_EQ(c.clusters[0].dead_letter.invalid_json, "wrap");
  EXPECT_EQ(c.clusters[0].es.max_chunk_bytes, 1048576);
  EXPECT_EQ(c.clusters[0].es.flush_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(c.clusters[0].es.max_in_flight, 2);
  EXPECT_TRUE(c.clusters[0].es.compress);
  EXPECT_EQ(c.grace_period, std::chrono::seconds(3));
  EXPECT_TRUE(c.prometheus.enabled);
  EXPECT_EQ(c.prometheus.port, 9101);
  EXPECT_EQ(c.prometheus.path, "/m");
  EXPECT_EQ(c.log_level, "error");
  EXPECT_EQ(c.log_encoding, "json");
}

TEST(StashConfig, UnknownKeysAreReportedNotFatal) {
  TempDir dir;
  const auto loaded = loadText(R"(
Clusters:
  - Input: {Kafka: {Brokers: [a], Topics: [t], Group: g, Bogus: 1}}
    Output: {ElasticSearch: {Hosts: [h], Index: i}}
Extra: true
)",
                               dir);
  ASSERT_EQ(loaded.unknown_keys.size(), 2u);
  EXPECT_EQ(loaded.unknown_keys[0], "Clusters[0].Input.Kafka.Bogus");
  EXPECT_EQ(loaded.unknown_keys[1], "Extra");
}

TEST(StashConfig, MissingRequiredKeysNameFileLineAndKey) {
  const std::string base = "Clusters:\n  - Input:\n      Kafka:\n        Brokers: [a]\n        Topics: [t]\n";
  auto e = errorOf(base + "    Output: {ElasticSearch: {Hosts: [h], Index: i}}\n");
  EXPECT_NE(e.find("stash.yml:"), std::string::npos) << e;
  EXPECT_NE(e.find("Group"), std::string::npos) << e;
  e = errorOf(base + "        Group: g\n    Output: {ElasticSearch: {Index: i}}\n");
  EXPECT_NE(e.find("Hosts"), std::string::npos) << e;
  e = errorOf(base + "        Group: g\n    Output: {ElasticSearch: {Hosts: [h]}}\n");
  EXPECT_NE(e.find("Index"), std::string::npos) << e;
  e = errorOf(
      "Clusters:\n  - Input: {Kafka: {Topics: [t], Group: g}}\n    Output: {ElasticSearch: {Hosts: [h], Index: i}}\n");
  EXPECT_NE(e.find("Brokers"), std::string::npos) << e;
  EXPECT_NE(errorOf("GracePeriod: 1s\n").find("Clusters"), std::string::npos);
}

TEST(StashConfig, BadValuesFailWithLine) {
  const std::string head = "Clusters:\n  - Input: {Kafka: {Brokers: [a], Topics: [t], Group: g}}\n";
  auto e = errorOf(head + "    Output: {ElasticSearch: {Hosts: [h], Index: i, TimeZone: Mars/Base}}\n");
  EXPECT_NE(e.find("stash.yml:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("TimeZone"), std::string::npos) << e;
  e = errorOf(head + "    Filters: [{Action: explode}]\n    Output: {ElasticSearch: {Hosts: [h], Index: i}}\n");
  EXPECT_NE(e.find("Action"), std::string::npos) << e;
  e = errorOf(head +
              "    Filters: [{Action: drop, Conditions: [{Key: a, Value: b, Type: like}]}]\n"
              "    Output: {ElasticSearch: {Hosts: [h], Index: i}}\n");
  EXPECT_NE(e.find("Type"), std::string::npos) << e;
  e = errorOf(head + "    Output: {ElasticSearch: {Hosts: [h], Index: i, MaxChunkBytes: lots}}\n");
  EXPECT_NE(e.find("MaxChunkBytes"), std::string::npos) << e;
  e = errorOf("Clusters: [\n");
  EXPECT_NE(e.find("invalid YAML"), std::string::npos) << e;
}

// Each bad value names file, line and key; a CA file that cannot be loaded is refused at --check
// time instead of being accepted and never used.
TEST(StashConfig, EveryBadValueNamesFileLineAndKey) {
  const std::string head = "Clusters:\n  - Input: {Kafka: {Brokers: [a], Topics: [t], Group: g}}\n";
  struct Case {
    std::string output;  // the ElasticSearch map's extra keys
    std::string key;
  };
  const std::vector<Case> cases = {
      {"CaFile: /nonexistent/ca.pem", "Clusters[0].Output.ElasticSearch.CaFile"},
      {"FlushInterval: 1e300s", "Clusters[0].Output.ElasticSearch.FlushInterval"},
      {"MaxChunkBytes: 1e40", "Clusters[0].Output.ElasticSearch.MaxChunkBytes"},
      {"Timeout: never", "Clusters[0].Output.ElasticSearch.Timeout"},
  };
  for (const auto& c : cases) {
    const auto e = errorOf(head + "    Output: {ElasticSearch: {Hosts: [h], Index: i, " + c.output + "}}\n");
    EXPECT_NE(e.find("stash.yml:3:"), std::string::npos) << e;
    EXPECT_NE(e.find(c.key + ":"), std::string::npos) << e;
  }
  const auto e = errorOf(head +
                         "    Output:\n      ElasticSearch:\n        Hosts: ['http://ok:9200', 'ftp://es:21']\n"
                         "        Index: i\n");
  EXPECT_NE(e.find("stash.yml:5:"), std::string::npos) << e;
  EXPECT_NE(e.find("Clusters[0].Output.ElasticSearch.Hosts[1]: expected an http:// or https:// URL"), std::string::npos)
      << e;
  const auto bad_ca_dir = TempDir();
  writeFile(bad_ca_dir / "ca.pem", "not a certificate\n");
  const auto bad_ca = errorOf(
      head + "    Output: {ElasticSearch: {Hosts: [h], Index: i, CaFile: " + (bad_ca_dir / "ca.pem").string() + "}}\n");
  EXPECT_NE(bad_ca.find("CaFile: cannot load CA certificates"), std::string::npos) << bad_ca;
}

// go-queue's CaFile and the extensions for SCRAM and mTLS become librdkafka's SASL_SSL settings;
// files that cannot be read and half a client certificate fail with file, line and key.
TEST(StashConfig, KafkaTlsAndSaslKeysMapToLibrdkafka) {
  TempDir dir;
  const std::string ca = "/etc/ssl/certs/ca-certificates.crt";  // any loadable PEM bundle (Debian's)
  const auto yaml = [&](const std::string& kafka) {
    return "Clusters:\n  - Input:\n      Kafka:\n        Brokers: [a]\n        Topics: [t]\n        Group: g\n" +
           kafka + "    Output: {ElasticSearch: {Hosts: [h], Index: i}}\n";
  };
  const auto loaded = loadText(yaml("        Username: u\n        Password: p\n        Mechanism: SCRAM-SHA-512\n"
                                    "        CaFile: " +
                                    ca + "\n"),
                               dir);
  auto props = consumerProperties(loaded.config.clusters[0]);
  EXPECT_EQ(props["security.protocol"], "sasl_ssl");
  EXPECT_EQ(props["sasl.mechanisms"], "SCRAM-SHA-512");
  EXPECT_EQ(props["ssl.ca.location"], ca);
  EXPECT_EQ(props.count("enable.ssl.certificate.verification"), 0u) << "verification must stay on";
  const auto plain = loadText(yaml("        Username: u\n        Password: p\n"), dir);
  props = consumerProperties(plain.config.clusters[0]);
  EXPECT_EQ(props["security.protocol"], "sasl_plaintext");  // go-queue: SASL/PLAIN without TLS
  EXPECT_EQ(props["sasl.mechanisms"], "PLAIN");
  auto e = errorOf(yaml("        CertFile: /nonexistent/c.pem\n        KeyFile: /nonexistent/k.pem\n"));
  EXPECT_NE(e.find("stash.yml:7:"), std::string::npos) << e;
  EXPECT_NE(e.find("Clusters[0].Input.Kafka.CertFile: cannot read"), std::string::npos) << e;
  e = errorOf(yaml("        CertFile: " + ca + "\n"));
  EXPECT_NE(e.find("Clusters[0].Input.Kafka.CertFile: CertFile and KeyFile go together"), std::string::npos) << e;
  e = errorOf(yaml("        Mechanism: SCRAM-SHA-512\n"));
  EXPECT_NE(e.find("Clusters[0].Input.Kafka.Mechanism: needs Username"), std::string::npos) << e;
  e = errorOf(yaml("        Username: u\n        Mechanism: GSSAPI\n"));
  EXPECT_NE(e.find("Clusters[0].Input.Kafka.Mechanism"), std::string::npos) << e;
}

TEST(StashConfig, GoZeroKeysWithoutEffectAreNamed) {
  TempDir dir;
  const auto loaded = loadText(R"(
Clusters:
  - Input:
      Kafka:
        Brokers: [a]
        Topics: [t]
        Group: g
        Conns: 2
        Processors: 16
        Log: {Level: error, Mode: file, Path: /var/log/stash}
        Telemetry: {Name: stash}
    Output: {ElasticSearch: {Hosts: [h], Index: i}}
)",
                               dir);
  std::string all;
  for (const auto& k : loaded.no_effect_keys) all += k + "\n";
  for (const char* key :
       {"Clusters[0].Input.Kafka.Conns: ", "Clusters[0].Input.Kafka.Processors: ", "Clusters[0].Input.Kafka.Log.Mode: ",
        "Clusters[0].Input.Kafka.Log.Path: ", "Clusters[0].Input.Kafka.Telemetry: "}) {
    EXPECT_NE(all.find(key), std::string::npos) << key << " in\n" << all;
  }
  EXPECT_EQ(all.find("Kafka.Log.Level:"), std::string::npos) << all;  // has its effect
  EXPECT_EQ(loaded.config.log_level, "error");
  EXPECT_TRUE(loaded.unknown_keys.empty());
}

}  // namespace
}  // namespace logship::stash
