// The go-stash handler end to end (index before filters, @metadata, implicit filters) and --dry-run.
#include <gtest/gtest.h>

#include <sstream>

#include "logship/stash/pipeline.h"
#include "logship/stash/stash_app.h"
#include "support/paths.h"

namespace logship::stash {
namespace {

ClusterConfig referenceCluster() {
  const auto file = logship::testing::sharedDir() / "reference-configs" / "go-stash.yml";
  auto c = loadStashConfig(file.string()).config.clusters.at(0);
  c.es.time_zone = "Asia/Shanghai";
  return c;
}

const char* kFilebeatEvent =
    R"({"@timestamp":"2022-09-08T23:30:00.000Z","@metadata":{"beat":"filebeat","_id":"abc-1"},)"
    R"("k8s_container_name":"user-api","level":"info","beat":{"name":"x"},"offset":42,"source":"/var/log/a.log",)"
    R"("message":"{\"@timestamp\":\"2022-09-09T07:30:00.000+08:00\",\"level\":\"error\",\"content\":\"boom\"}"})";

TEST(Processor, ReferenceConfigEndToEnd) {
  Processor p(referenceCluster());
  std::string doc;
  auto r = p.process(kFilebeatEvent, doc);
  ASSERT_EQ(r.kind, ProcessResult::kDoc);
  EXPECT_EQ(r.index, "courseware-2022-09-09");
  EXPECT_EQ(r.meta_id, "abc-1");  // taken before remove_field drops @metadata
  EXPECT_EQ(doc, R"({"@timestamp":"2022-09-08T23:30:00.000Z","k8s_container_name":"user-api","level":"info",)"
                 R"("data":{"@timestamp":"2022-09-09T07:30:00.000+08:00","level":"error","content":"boom"}})");
}

TEST(Processor, ReferenceDropFilter) {
  Processor p(referenceCluster());
  std::string doc;
  EXPECT_EQ(p.process(R"({"k8s_container_name":"user-rpc","level":"info"})", doc).kind, ProcessResult::kDropped);
  EXPECT_EQ(p.process(R"({"k8s_container_name":"user-rpc","level":"error"})", doc).kind, ProcessResult::kDoc);
}

TEST(Processor, ReportsWhichFilterDropped) {
  auto c = referenceCluster();
  FilterConfig second;
  second.action = "drop";
  second.conditions = {Condition{"level", "debug", "match", "and"}};
  c.filters.insert(c.filters.begin() + 1, second);
  Processor p(c);
  std::string doc;
  auto first = p.process(R"({"k8s_container_name":"user-rpc","level":"info"})", doc);
  ASSERT_EQ(first.kind, ProcessResult::kDropped);
  EXPECT_EQ(first.filter, 0u);
  auto later = p.process(R"({"k8s_container_name":"user-api","level":"debug"})", doc);
  ASSERT_EQ(later.kind, ProcessResult::kDropped);
  EXPECT_EQ(later.filter, 1u);
}

TEST(Processor, IndexIsComputedBeforeFilters) {
  auto c = referenceCluster();
  c.es.index = "x-{.level}-{{yyyy}}";
  FilterConfig rm;
  rm.action = "remove_field";
  rm.fields = {"level", "@timestamp"};
  c.filters = {rm};
  Processor p(c);
  std::string doc;
  auto r = p.process(R"({"level":"warn","@timestamp":"2019-05-01T00:00:00Z"})", doc);
  ASSERT_EQ(r.kind, ProcessResult::kDoc);
  EXPECT_EQ(r.index, "x-warn-2019");
  // @timestamp was removed by the filter, then defaulted to now by the implicit filter.
  EXPECT_NE(doc.find("\"@timestamp\":\""), std::string::npos);
  EXPECT_EQ(doc.find("warn"), std::string::npos);
}

TEST(Processor, MetadataIsNeverIndexed) {
  auto c = referenceCluster();
  c.filters.clear();
  Processor p(c);
  std::string doc;
  auto r = p.process(R"({"@metadata":{"_id":"i\"d"},"@timestamp":"t","a":1})", doc);
  EXPECT_EQ(r.meta_id, "i\"d");
  EXPECT_EQ(doc, R"({"@timestamp":"t","a":1})");
}

TEST(Processor, InvalidJsonIsInvalidOrWrapped) {
  auto c = referenceCluster();
  Processor p(c);
  std::string doc;
  EXPECT_EQ(p.process("not json", doc).kind, ProcessResult::kInvalid);
  c.dead_letter.invalid_json = "wrap";
  Processor w(c);
  auto r = w.process("plain line", doc);
  ASSERT_EQ(r.kind, ProcessResult::kDoc);
  EXPECT_TRUE(r.wrapped);
  EXPECT_EQ(doc.rfind(R"({"message":"plain line","tags":["_jsonparsefailure"],"@timestamp":")", 0), 0u) << doc;
}

TEST(DocumentId, DerivedFromTopicPartitionOffset) {
  std::string id;
  derivedDocumentId("courseware-log", 3, 123456, id);
  EXPECT_EQ(id, "courseware-log-3-123456");
}

TEST(DryRun, OneLinePerKeptEventAndMalformedLinesDoNotStopTheRun) {
  std::istringstream in(std::string(kFilebeatEvent) + "\n" +
                        R"({"k8s_container_name":"a-rpc","level":"info"})"
                        "\n"
                        "garbage\n" +
                        R"({"@timestamp":"2022-09-08T10:00:00Z","level":"error"})"
                        "\r\n");
  std::ostringstream out, err;
  runDryRun(referenceCluster(), in, out, err);
  const std::string o = out.str();
  EXPECT_EQ(o,
            R"({"index":"courseware-2022-09-09","id":"abc-1","doc":{"@timestamp":"2022-09-08T23:30:00.000Z",)"
            R"("k8s_container_name":"user-api","level":"info","data":{"@timestamp":"2022-09-09T07:30:00.000+08:00",)"
            R"("level":"error","content":"boom"}}})"
            "\n"
            R"({"index":"courseware-2022-09-08","id":null,"doc":{"@timestamp":"2022-09-08T10:00:00Z","level":"error"}})"
            "\n");
  EXPECT_NE(err.str().find("line 3"), std::string::npos);
}

TEST(CommandLine, ParsesFlagsAndAliases) {
  auto cl = parseCommandLine({"-c", "x.yml", "--check", "--es-hosts=http://a:1,http://b:2"});
  EXPECT_EQ(cl.config_file, "x.yml");
  EXPECT_TRUE(cl.check);
  EXPECT_EQ(cl.overrides.es_hosts.size(), 2u);
  EXPECT_EQ(parseCommandLine({"-f=y.yml"}).config_file, "y.yml");
  EXPECT_THROW(parseCommandLine({"--nope"}), std::invalid_argument);
  EXPECT_THROW(parseCommandLine({"-f"}), std::invalid_argument);
}

}  // namespace
}  // namespace logship::stash
