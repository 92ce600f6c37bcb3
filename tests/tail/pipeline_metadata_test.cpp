// What processors and decoded lines put under @metadata joins the event's one @metadata object
// (libbeat keeps it in event.Meta, the JSON codec writes it beside beat/type/version); an `_id`
// among it is the document id instead of the file-and-offset one.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>
#include <string>

#include "logship/common/logging.h"
#include "tail/processor_pipeline.h"

namespace logship::tail {
namespace {

// The payload's @metadata object, after checking the payload holds exactly one such key.
std::string metadataOf(const std::string& payload) {
  EXPECT_EQ(payload.find("\"@metadata\""), payload.rfind("\"@metadata\"")) << payload;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(payload).get(doc), simdjson::SUCCESS) << payload;
  simdjson::dom::element meta;
  if (doc["@metadata"].get(meta) != simdjson::SUCCESS) return {};
  return simdjson::minify(meta);
}

TEST(PipelineMetadata, ProcessorKeysJoinTheOneMetadataObject) {
  ProcessorPipeline pipeline("- add_fields: {target: '@metadata', fields: {index: app-logs, pipeline: p1}}\n");
  EXPECT_EQ(metadataOf(pipeline.payload("a line")),
            R"({"beat":"filebeat","type":"_doc","version":"8.6.2","_id":"0000000000000007-0","index":"app-logs",)"
            R"("pipeline":"p1"})");
}

TEST(PipelineMetadata, AProcessorsIdReplacesTheFileAndOffsetId) {
  ProcessorPipeline pipeline("- fingerprint: {fields: [message], target_field: '@metadata._id'}\n");
  const std::string meta = metadataOf(pipeline.payload("a line"));
  EXPECT_EQ(meta.find("0000000000000007-0"), std::string::npos) << meta;
  // The same text gives the same id at another offset: the fingerprint decides.
  EXPECT_EQ(metadataOf(pipeline.payload("a line")), meta);
  EXPECT_NE(meta.find(R"("_id":")"), std::string::npos) << meta;
}

TEST(PipelineMetadata, TheEncodersOwnMembersStay) {
  ProcessorPipeline pipeline("- add_fields: {target: '@metadata', fields: {beat: other, version: '1', topic: t}}\n");
  EXPECT_EQ(metadataOf(pipeline.payload("x")),
            R"({"beat":"filebeat","type":"_doc","version":"8.6.2","_id":"0000000000000007-0","topic":"t"})");
}

TEST(PipelineMetadata, ADecodedMetadataObjectIsMerged) {
  ProcessorPipeline pipeline("- decode_json_fields: {fields: [message], target: ''}\n");
  const std::string payload = pipeline.payload(R"({"@metadata":{"index":"from-line","type":"x"},"level":"info"})");
  EXPECT_EQ(metadataOf(payload),
            R"({"beat":"filebeat","type":"_doc","version":"8.6.2","_id":"0000000000000007-0","index":"from-line"})");
  EXPECT_NE(payload.find(R"("level":"info")"), std::string::npos) << payload;
}

TEST(PipelineMetadata, WithoutProcessorsTheIdIsTheFileAndOffset) {
  ProcessorPipeline pipeline("[]\n");
  pipeline.payload("first");
  EXPECT_EQ(metadataOf(pipeline.payload("second")),
            R"({"beat":"filebeat","type":"_doc","version":"8.6.2","_id":"0000000000000007-6"})");
}

TEST(PipelineMetadata, DecodeJsonFieldsDocumentIdIsTheDocumentId) {
  ProcessorPipeline pipeline("- decode_json_fields: {fields: [message], target: '', document_id: rid}\n");
  const std::string payload = pipeline.payload(R"({"rid":"req-42","msg":"ok"})");
  EXPECT_EQ(metadataOf(payload), R"({"beat":"filebeat","type":"_doc","version":"8.6.2","_id":"req-42"})");
  EXPECT_EQ(payload.find(R"("rid")"), std::string::npos) << payload;
}

JsonConfig underRoot() {
  JsonConfig j;
  j.enabled = j.keys_under_root = true;
  j.target = "";
  j.add_error_key = true;
  return j;
}

TEST(PipelineMetadata, TheInputsDocumentIdIsTheDocumentId) {
  JsonConfig j = underRoot();
  j.document_id = "trace";
  ProcessorPipeline pipeline("[]\n", j);
  const std::string payload = pipeline.payload(R"({"trace":"t-1","level":"info"})");
  EXPECT_EQ(metadataOf(payload), R"({"beat":"filebeat","type":"_doc","version":"8.6.2","_id":"t-1"})");
  EXPECT_EQ(payload.find(R"("trace")"), std::string::npos) << payload;
  // Under json (keys_under_root false) the key is looked up below the target.
  j.keys_under_root = false;
  j.target = "json";
  ProcessorPipeline nested("[]\n", j);
  const std::string under_json = nested.payload(R"({"trace":"t-2","level":"info"})");
  EXPECT_EQ(metadataOf(under_json), R"({"beat":"filebeat","type":"_doc","version":"8.6.2","_id":"t-2"})");
  EXPECT_NE(under_json.find(R"("json":{"level":"info"})"), std::string::npos) << under_json;
}

TEST(PipelineExpandKeys, DottedKeysAndObjectsMergeIntoOneTree) {
  JsonConfig j = underRoot();
  j.expand_keys = true;
  ProcessorPipeline pipeline("[]\n", j);
  // An ECS logger's line: log.level joins the log object the input writes (file, offset).
  const std::string payload = pipeline.payload(R"({"log.level":"info","svc.a":1,"svc":{"b":2},"message":"m"})");
  EXPECT_NE(payload.find(R"("svc":{"a":1,"b":2})"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"("level":"info")"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"("message":"m")"), std::string::npos) << payload;
  EXPECT_EQ(payload.find("\"svc\"", payload.find("\"svc\"") + 1), std::string::npos) << payload;  // one svc
  // A value and an object at one key: a decoding error, the line shipped as text, and the log
  // line says why (the conflict, not the decoder's error of an earlier line).
  auto logger = log::get("tail");
  const auto saved = logger->sinks();
  std::ostringstream logged;
  logger->sinks() = {std::make_shared<spdlog::sinks::ostream_sink_mt>(logged)};
  pipeline.payload("not json");
  const std::string conflict = pipeline.payload(R"({"a":1,"a.b":2})");
  logger->flush();
  logger->sinks() = saved;
  EXPECT_NE(conflict.find(R"("message":"{\"a\":1,\"a.b\":2}")"), std::string::npos) << conflict;
  EXPECT_NE(conflict.find(R"(found conflicting key)"), std::string::npos) << conflict;
  const std::string text = logged.str();
  const size_t second = text.find("cannot decode JSON", text.find("cannot decode JSON") + 1);
  ASSERT_NE(second, std::string::npos) << text;
  EXPECT_NE(text.find("found conflicting key", second), std::string::npos) << text;
}

}  // namespace
}  // namespace logship::tail
