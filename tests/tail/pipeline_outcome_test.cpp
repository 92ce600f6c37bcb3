// The pipeline as a pure stage: what it makes of a message (publish / filtered / dropped) without
// an ack tracker or an output; and the harvester's Shipper, which acts on that outcome.
#include <gtest/gtest.h>

#include "logship/common/config.h"
#include "logship/tail/event.h"
#include "logship/tail/harvester.h"
#include "logship/tail/pipeline.h"
#include "logship/tail/processors.h"
#include "tail/tail_test_util.h"

namespace logship::tail {
namespace {

Message message(std::string_view text, uint64_t offset) {
  Message m;
  m.text = text;
  m.offset = offset;
  m.end_offset = offset + text.size() + 1;
  return m;
}

struct DropGetProcessors {
  DropGetProcessors() {
    doc = config::Document::loadString("processors:\n  - drop_event: {when: {regexp: {message: \"^GET \"}}}\n", "p.yml",
                                       {});
    std::vector<std::string> warnings;
    list = parseProcessors(doc->root().child("processors"), warnings);
  }
  std::unique_ptr<config::Document> doc;
  std::vector<ProcessorConfig> list;
};

TEST(PipelineOutcome, PublishFilteredAndDroppedWithoutAckTrackerOrOutput) {
  InputConfig input;
  input.paths = {"/x/*.log"};
  input.exclude_lines = {"^DEBUG"};
  const DropGetProcessors global;
  metrics::Registry registry;
  const PipelineMetrics pm = PipelineMetrics::in(registry);
  Pipeline pipeline(input, global.list, AgentInfo{"h", "id", "eph"}, pm);
  const HarvesterContext ctx{"/x/app.log", 7};

  const PipelineOutcome shipped = pipeline.process(message("POST /a", 0), ctx);
  ASSERT_EQ(shipped.kind, PipelineOutcome::Kind::kPublish);
  EXPECT_NE(shipped.payload.find("\"message\":\"POST /a\""), std::string_view::npos) << shipped.payload;
  ASSERT_NE(shipped.event, nullptr);
  EXPECT_EQ(shipped.event->find("log.file.path")->value, "/x/app.log");
  EXPECT_FALSE(shipped.event->timestamp_.empty());

  const PipelineOutcome filtered = pipeline.process(message("DEBUG noise", 8), ctx);
  EXPECT_EQ(filtered.kind, PipelineOutcome::Kind::kFiltered);
  EXPECT_TRUE(filtered.payload.empty());
  const PipelineOutcome dropped = pipeline.process(message("GET /health", 20), ctx);
  EXPECT_EQ(dropped.kind, PipelineOutcome::Kind::kDropped);

  EXPECT_EQ(pm.events->value(), 1u);
  EXPECT_EQ(pm.bytes->value(), shipped.payload.size());
  EXPECT_EQ(pm.filtered->value(), 1u);
  EXPECT_EQ(pm.dropped->value(), 1u);
}

TEST(Shipper, PublishesTrackedEventsAndSkipsTheOthers) {
  InputConfig input;
  input.paths = {"/x/*.log"};
  input.exclude_lines = {"^DEBUG"};
  metrics::Registry registry;
  Pipeline pipeline(input, {}, AgentInfo{"h", "id", "eph"}, PipelineMetrics::in(registry));
  AckTracker acks;
  testing::RecordingOutput output([&acks](AckToken t, bool) { acks.ack(t); }, false);
  const Shipper shipper{pipeline, acks, output};
  const HarvesterContext ctx{"/x/app.log", 7};
  const auto file = acks.open(0);

  shipper.ship(message("one", 0), ctx, file);        // 0..4
  shipper.ship(message("DEBUG two", 4), ctx, file);  // 4..14, filtered
  ASSERT_EQ(output.payloads.size(), 1u);
  EXPECT_EQ(acks.committed(file), 0u);  // the filtered line waits behind the unacked one
  EXPECT_EQ(acks.inflight(), 1u);
  output.ackAll();
  EXPECT_EQ(acks.committed(file), 14u);
  EXPECT_EQ(acks.pending(file), 0u);
}

}  // namespace
}  // namespace logship::tail
