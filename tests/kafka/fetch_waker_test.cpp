// FetchWaker on librdkafka's mock cluster: it sends its wake-up (ListOffsets to the leaders) only
// while an assigned partition has messages beyond the consumer's position, and never while the
// consumer is caught up. (What the wake-up buys, the fetch that no longer waits for the broker
// thread's 1 s idle wake-up, is a rate: measured in bench/stash_bench.sh, docs/benchmarks.md.)
#include "logship/kafka/fetch_waker.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "kafka/mock_cluster.h"
#include "support/poll.h"

namespace logship::kafka {
namespace {

using namespace std::chrono_literals;

void produce(const std::string& bootstraps, const std::string& topic, int n) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", bootstraps, err);
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  ASSERT_TRUE(p) << err;
  for (int i = 0; i < n; ++i) {
    std::string v = "message-" + std::to_string(i);
    ASSERT_EQ(p->produce(topic, 0, RdKafka::Producer::RK_MSG_COPY, v.data(), v.size(), nullptr, 0, 0, nullptr),
              RdKafka::ERR_NO_ERROR);
  }
  ASSERT_EQ(p->flush(10000), RdKafka::ERR_NO_ERROR);
}

// A consumer of partition 0 from the start, with a pre-fetch queue of only a few messages.
std::unique_ptr<RdKafka::KafkaConsumer> consumer(const std::string& bootstraps, const std::string& topic) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", bootstraps, err);
  conf->set("group.id", "fetch-waker-test", err);
  conf->set("queued.min.messages", "10", err);
  conf->set("enable.auto.commit", "false", err);
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  EXPECT_TRUE(c) << err;
  std::vector<RdKafka::TopicPartition*> parts{
      RdKafka::TopicPartition::create(topic, 0, RdKafka::Topic::OFFSET_BEGINNING)};
  c->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  return c;
}

// Consumes until `n` messages were delivered in total; false after 20 s.
bool consumeUpTo(RdKafka::KafkaConsumer& c, int& delivered, int n) {
  return logship::testing::pollUntil(
      [&] {
        std::unique_ptr<RdKafka::Message> m(c.consume(50));
        if (m && m->err() == RdKafka::ERR_NO_ERROR) ++delivered;
        return delivered >= n;
      },
      20s, 0ms);
}

TEST(FetchWaker, WakesTheLeadersWhileThereIsMoreToFetch) {
  kafka::testing::MockKafka mock(1);
  mock.createTopic("w", 1, 1);
  produce(mock.bootstraps(), "w", 500);
  auto c = consumer(mock.bootstraps(), "w");
  int delivered = 0;
  ASSERT_TRUE(consumeUpTo(*c, delivered, 5));  // fetched once: the high watermark (500) is known
  FetchWaker waker(*c, 1ms);
  waker.poke();
  EXPECT_TRUE(logship::testing::pollUntil([&] { return waker.wakes() >= 1; }, 10s));
  ASSERT_TRUE(consumeUpTo(*c, delivered, 500));
  EXPECT_EQ(delivered, 500);
  waker.stop();
  c->close();
}

TEST(FetchWaker, SendsNothingWhileTheConsumerIsCaughtUp) {
  kafka::testing::MockKafka mock(1);
  mock.createTopic("w", 1, 1);
  produce(mock.bootstraps(), "w", 20);
  auto c = consumer(mock.bootstraps(), "w");
  int delivered = 0;
  ASSERT_TRUE(consumeUpTo(*c, delivered, 20));
  // Position 20 = high watermark 20: nothing to fetch, so no poke may cost a request. Each poke
  // is handled before the next is taken (min_interval 1 ms), so 50 pokes are 50 decisions.
  FetchWaker waker(*c, 1ms);
  for (int i = 0; i < 50; ++i) {
    waker.poke();
    std::unique_ptr<RdKafka::Message> m(c->consume(2));  // time for the waker to decide
  }
  waker.stop();
  EXPECT_EQ(waker.wakes(), 0u);
  c->close();
}

}  // namespace
}  // namespace logship::kafka
