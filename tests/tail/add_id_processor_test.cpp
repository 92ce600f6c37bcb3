// add_id: Elasticsearch's time-based ids, with an injected clock, sequence and address so that
// the byte layout (sequence, timestamp and address interleaved, base64url) is checked exactly.
#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <set>

#include "logship/common/config.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
std::unique_ptr<const Processor> makeAddIdForTest(const config::Node& node, std::function<int64_t()> clock,
                                                  uint32_t first_sequence, std::array<uint8_t, 6> address);
}

namespace logship::tail {
namespace {

class AddIdTest : public ::testing::Test {
 protected:
  void make(const std::string& yaml, uint32_t first_sequence) {
    doc_ = config::Document::loadString("add_id: " + yaml + "\n", "p.yml", {});
    processor_ = processors::makeAddIdForTest(doc_->root().child("add_id"), [this] { return now_ms_; }, first_sequence,
                                              {1, 2, 3, 4, 5, 6});
  }
  std::string next(const std::string& field = "@metadata._id") {
    event_.clear();
    processor_->run(event_);
    const Entry* e = event_.find(field);
    return e ? std::string(e->value) : "<missing>";
  }
  int64_t now_ms_ = 1700000000123;
  std::unique_ptr<config::Document> doc_;
  std::unique_ptr<const Processor> processor_;
  Event event_;
};

// Expected values: the 15 bytes Elasticsearch's TimeBasedUUIDGenerator lays out (seq, seq>>16,
// ts>>16, ts>>24, ts>>32, ts>>40, address[6], ts>>8, seq>>8, ts) in unpadded base64url.
TEST_F(AddIdTest, LaysOutSequenceTimestampAndAddressAsElasticsearch) {
  make("{}", 0x010202);  // the first id takes the next sequence number, 0x010203
  EXPECT_EQ(next(), "AwHlz4sBAQIDBAUGaAJ7");
  EXPECT_EQ(next(), "BAHlz4sBAQIDBAUGaAJ7");
}

TEST_F(AddIdTest, SequenceWrapStepsTheTimestampAndTimeNeverGoesBack) {
  make("{}", 0xffffff);  // wraps to 0 on the first id: the timestamp moves on by one ms
  EXPECT_EQ(next(), "AADlz4sBAQIDBAUGaAB8");
  now_ms_ -= 5000;  // the clock steps back: ids keep the last timestamp, so stay ordered/unique
  EXPECT_EQ(next(), "AQDlz4sBAQIDBAUGaAB8");  // sequence 1, the same timestamp as the last id
}

TEST_F(AddIdTest, TargetFieldAndUniqueIds) {
  make("{target_field: event.id, type: elasticsearch}", 7);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = next("event.id");
    ASSERT_EQ(id.size(), 20u) << id;
    ASSERT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(*processor_->addedFields(), std::vector<std::string>{"event.id"});
}

TEST(AddIdParse, DefaultProcessorFromRegistrySetsMetadataId) {
  auto doc = config::Document::loadString("add_id: {}\n", "p.yml", {});
  auto p = findProcessor("add_id")->parse(doc->root().child("add_id"));
  Event e;
  p->run(e);
  ASSERT_NE(e.find("@metadata._id"), nullptr);
  EXPECT_EQ(e.find("@metadata._id")->value.size(), 20u);
}

TEST(AddIdParse, UnknownTypeIsAConfigErrorNamingTheKey) {
  auto doc = config::Document::loadString("add_id:\n  type: uuid4\n", "p.yml", {});
  try {
    findProcessor("add_id")->parse(doc->root().child("add_id"));
    FAIL() << "accepted type: uuid4";
  } catch (const config::ConfigError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.path(), "add_id.type");
  }
}

}  // namespace
}  // namespace logship::tail
