// libbeat's sections logship-tail has no use for are named by --check with the reason, not as
// unknown keys.
#include <gtest/gtest.h>

#include "logship/tail/tail_config.h"
#include "support/paths.h"

namespace logship::tail {
namespace {

TEST(TailLibbeatKeys, SetupMonitoringAndMaxProcsAreAcceptedWithoutEffect) {
  logship::testing::TempDir dir;
  logship::testing::writeFile(dir / "filebeat.yml",
                              "filebeat.inputs:\n- type: log\n  paths: [/a]\noutput.console: {}\n"
                              "setup.template.enabled: false\nsetup.ilm.enabled: false\n"
                              "monitoring:\n  enabled: true\n  cluster_uuid: x\nmax_procs: 2\n");
  const TailConfig c = loadTailConfig(LoadArgs{(dir / "filebeat.yml").string(), {}, dir.path().string(), {}});
  std::string warnings;
  for (const auto& w : c.warnings) warnings += w + "\n";
  EXPECT_EQ(warnings,
            "setup: accepted, has no effect in logship (there is no Elasticsearch or Kibana to set up for a Kafka "
            "output)\n"
            "monitoring: accepted, has no effect in logship (metrics are served by http.* (/metrics) and summed up in "
            "the log)\n"
            "max_procs: accepted, has no effect in logship (one loop thread reads and encodes; librdkafka has its own "
            "threads)\n");
}

}  // namespace
}  // namespace logship::tail
