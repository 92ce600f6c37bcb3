#include <gtest/gtest.h>

#include "logship/es/bulk_batch.h"
#include "logship/es/bulk_response.h"
#include "logship/es/es_client.h"
#include "logship/es/gzip.h"

namespace logship::es {
namespace {

TEST(BulkBatch, CreateActionsWithIndexAndIdAndOptionalType) {
  BulkBatch b;
  b.appendCreate("idx-2022", "t-0-1", "", R"({"a":1})", {1, 2, 3});
  b.appendCreate("i\"x", "id", "doc", R"({"b":2})", {1, 2, 4});
  EXPECT_EQ(b.body(),
            "{\"create\":{\"_index\":\"idx-2022\",\"_id\":\"t-0-1\"}}\n{\"a\":1}\n"
            "{\"create\":{\"_index\":\"i\\\"x\",\"_id\":\"id\",\"_type\":\"doc\"}}\n{\"b\":2}\n");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.doc(1), R"({"b":2})");
  EXPECT_EQ(b.index(0), "idx-2022");
  EXPECT_EQ(b.id(0), "t-0-1");
  EXPECT_EQ(b.tag(1).offset, 4);
  BulkBatch sub;
  sub.appendFrom(b, 1);
  EXPECT_EQ(sub.body(), "{\"create\":{\"_index\":\"i\\\"x\",\"_id\":\"id\",\"_type\":\"doc\"}}\n{\"b\":2}\n");
  EXPECT_EQ(sub.doc(0), R"({"b":2})");
  EXPECT_EQ(sub.id(0), "id");
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.bytes(), 0u);
}

TEST(BulkResponse, NoErrorsFastPath) {
  BulkResponse r;
  ASSERT_TRUE(parseBulkResponse(R"({"took":3,"errors":false,"items":[{"create":{"status":201}}]})", r));
  EXPECT_FALSE(r.errors);
  EXPECT_TRUE(r.items.empty());
}

TEST(BulkResponse, PerItemStatusAndErrorType) {
  BulkResponse r;
  ASSERT_TRUE(parseBulkResponse(R"({"took":3,"errors":true,"items":[
    {"create":{"_index":"i","_id":"1","status":201}},
    {"create":{"_index":"i","_id":"2","status":409,"error":{"type":"version_conflict_engine_exception","reason":"exists"}}},
    {"create":{"_index":"i","_id":"3","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [n]"}}},
    {"index":{"_index":"i","_id":"4","status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}}]})",
                                r));
  ASSERT_TRUE(r.errors);
  ASSERT_EQ(r.items.size(), 4u);
  EXPECT_EQ(r.items[0].status, 201);
  EXPECT_EQ(r.items[1].error_type, "version_conflict_engine_exception");
  EXPECT_EQ(r.items[2].error_reason, "failed to parse field [n]");
  EXPECT_EQ(r.items[3].status, 429);
}

TEST(BulkResponse, GarbageIsNotABulkAnswer) {
  BulkResponse r;
  EXPECT_FALSE(parseBulkResponse("<html>bad gateway</html>", r));
  EXPECT_FALSE(parseBulkResponse(R"({"errors":true})", r));
}

TEST(Version, ParsesElasticsearchAndOpenSearch) {
  auto v = parseVersion(
      R"({"name":"n","version":{"number":"8.11.3","build_flavor":"default"},"tagline":"You Know, for Search"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 8);
  EXPECT_FALSE(v->acceptsDocType());
  v = parseVersion(R"({"version":{"number":"6.8.23"}})");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->acceptsDocType());
  v = parseVersion(R"({"version":{"distribution":"opensearch","number":"2.11.0"}})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->distribution, "opensearch");
  EXPECT_FALSE(v->acceptsDocType());
  EXPECT_FALSE(parseVersion("nope"));
  v = parseNodesVersion(R"({"nodes":{"Wy0y5F6n":{"version":"8.19.21"}}})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 8);
  EXPECT_EQ(v->minor, 19);
}

TEST(Gzip, RoundTrip) {
  std::string in;
  for (int i = 0; i < 1000; ++i) in += "{\"create\":{}}\n{\"n\":" + std::to_string(i) + "}\n";
  std::string z, back;
  gzipCompress(in, z);
  EXPECT_LT(z.size(), in.size() / 3);
  EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x1f);
  ASSERT_TRUE(gzipDecompress(z, back));
  EXPECT_EQ(back, in);
}

}  // namespace
}  // namespace logship::es
