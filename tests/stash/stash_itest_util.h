#pragma once
// Helpers for the stash integration tests: config files, the daemon as a child process, committed
// offsets of a group. Header-only: each *_itest.cpp is its own program.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "support/es_http.h"
#include "support/kafka_admin.h"
#include "support/paths.h"
#include "support/poll.h"
#include "support/process.h"
#include "support/services_env.h"

namespace logship::testing::stash {

struct StashSetup {
  std::string topic;
  std::string group;
  std::string index_prefix;   // "itest-<random>"; the index format is prefix + "-{{yyyy-MM-dd}}"
  std::string extra_es;       // more keys under Output.ElasticSearch (8-space indent)
  std::string extra_cluster;  // more keys under the cluster (4-space indent)
  // librdkafka passthrough: a dead member's partitions move after 6 s instead of 45 s.
  std::string extra_kafka = "        Librdkafka: {session.timeout.ms: \"6000\", heartbeat.interval.ms: \"1000\"}\n";
  std::string filters = R"(    Filters:
      - Action: drop
        Conditions:
          - Key: k8s_container_name
            Value: "-rpc"
            Type: contains
          - Key: level
            Value: info
            Type: match
            Op: and
      - Action: remove_field
        Fields: [beat, offset, source, "@metadata"]
      - Action: transfer
        Field: message
        Target: data
)";
};

inline std::string configYaml(const ServicesEnv& env, const StashSetup& s) {
  return "Clusters:\n"
         "  - Input:\n"
         "      Kafka:\n"
         "        Name: itest\n"
         "        Brokers: [\"" +
         env.kafka_bootstrap +
         "\"]\n"
         "        Topics: [\"" +
         s.topic +
         "\"]\n"
         "        Group: " +
         s.group +
         "\n"
         "        Offset: first\n" +
         s.extra_kafka + s.filters + s.extra_cluster +
         "    Output:\n"
         "      ElasticSearch:\n"
         "        Hosts: [\"" +
         env.es_url +
         "\"]\n"
         "        Index: \"" +
         s.index_prefix +
         "-{{yyyy-MM-dd}}\"\n"
         "        TimeZone: Asia/Shanghai\n"
         "        FlushInterval: 200ms\n"
         "        BackoffMax: 2s\n" +
         s.extra_es + "GracePeriod: 10s\n";
}

// A Filebeat-shaped event carrying a go-zero JSON line; `n` makes it unique.
inline std::string filebeatEvent(int n, const std::string& ts, const std::string& container = "user-api",
                                 const std::string& level = "error") {
  return R"({"@timestamp":")" + ts + R"(","@metadata":{"beat":"filebeat","type":"_doc"},"k8s_container_name":")" +
         container + R"(","level":")" + level + R"(","beat":{"name":"node-1"},"offset":)" + std::to_string(n * 100) +
         R"(,"source":"/var/log/app/error.log","message":"{\"@timestamp\":\"2022-09-09T07:30:00.000+08:00\",\"level\":\"error\",\"seq\":)" +
         std::to_string(n) + R"(,\"content\":\"line )" + std::to_string(n) + R"(\"}"})";
}

// logship-stash as a child process (tests/support/process.h), output appended to `log`.
class StashProcess {
 public:
  StashProcess(const std::filesystem::path& config, const std::filesystem::path& log)
      : child_({daemonPath("logship-stash").string(), "-f", config.string()}, log) {}
  void kill9() { child_.kill9(); }
  // SIGTERM, then the exit status (or -1 when it did not exit in time, after which it is killed).
  int terminate(std::chrono::seconds timeout) { return child_.terminate(timeout); }
  bool running() { return child_.alive(); }
  int exitStatus() const { return child_.exitStatus(); }  // -1 while running

 private:
  ChildProcess child_;
};

inline std::string randomSuffix() {
  return std::to_string(::getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000007);
}

}  // namespace logship::testing::stash
