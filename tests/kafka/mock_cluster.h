#pragma once
// librdkafka's in-process mock cluster with several brokers, for partitioning tests: partition
// leaders can be placed on a broker or removed (leader -1, what a controller reports when no
// in-sync replica of a dead broker's partition is left).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <string>

namespace logship::kafka::testing {

class MockKafka {
 public:
  explicit MockKafka(int brokers) {
    char err[256];
    handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), err, sizeof err);
    cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
  }
  ~MockKafka() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(handle_);
  }
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;

  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }
  // Partition p led by broker p % brokers + 1.
  void createTopic(const std::string& topic, int partitions, int brokers) {
    rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
    for (int p = 0; p < partitions; ++p) setLeader(topic, p, p % brokers + 1);
  }
  void setLeader(const std::string& topic, int partition, int broker) {
    rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, broker);
  }
  void setBrokerDown(int broker, bool down) {
    if (down)
      rd_kafka_mock_broker_set_down(cluster_, broker);
    else
      rd_kafka_mock_broker_set_up(cluster_, broker);
  }
  // Messages stored in a partition (its high watermark), asked as any client would; -1 on error.
  int64_t highWatermark(const std::string& topic, int partition) const {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps().c_str(), err, sizeof err);
    rd_kafka_t* client = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    int64_t low = -1, high = -1;
    if (rd_kafka_query_watermark_offsets(client, topic.c_str(), partition, &low, &high, 5000) !=
        RD_KAFKA_RESP_ERR_NO_ERROR)
      high = -1;
    rd_kafka_destroy(client);
    return high;
  }

 private:
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace logship::kafka::testing
