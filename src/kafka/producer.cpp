#include "logship/kafka/producer.h"

#include "logship/common/error.h"

namespace logship::kafka {

class Producer::DrCb : public RdKafka::DeliveryReportCb {
 public:
  DrCb(Producer& owner, DeliveryFn fn) : owner_(owner), fn_(std::move(fn)) {}
  void dr_cb(RdKafka::Message& m) override {
    DeliveryReport r;
    r.opaque = m.msg_opaque();
    HashedMessage* hashed = nullptr;
    if (owner_.partition_ && owner_.partition_->hash_from_message) {
      hashed = static_cast<HashedMessage*>(r.opaque);
      r.opaque = hashed->opaque;
      if (hashed->has_hash) r.partition_hash = hashed->hash;
    }
    r.err = m.err();
    // Only failures need the topic (retries, logs); topic_name() builds a std::string, so keep it
    // alive for the callback's duration (a view of the temporary sent retries to a garbage topic).
    if (r.err != RdKafka::ERR_NO_ERROR) {
      topic_ = m.topic_name();
      r.topic = topic_;
    }
    if (m.key()) r.key = *m.key();
    r.payload = std::string_view(static_cast<const char*>(m.payload()), m.len());
    r.partition = m.partition();
    r.offset = m.offset();
    r.timestamp_ms = m.timestamp().timestamp;
    r.latency_us = m.latency();
    fn_(r);
    if (hashed) owner_.release(hashed);
  }

 private:
  Producer& owner_;
  DeliveryFn fn_;
  std::string topic_;
};

Producer::Producer(const Properties& props, DeliveryFn on_delivery, const PartitionConfig* partition, TimeSource& time)
    : dr_(std::make_unique<DrCb>(*this, std::move(on_delivery))), time_(time) {
  auto conf = makeConf(props);
  std::string err;
  if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(dr_.get()), err) != RdKafka::Conf::CONF_OK)
    throw Error(ErrorCode::kInternal, "cannot install the delivery report callback", err);
  if (partition) {
    // librdkafka's sticky partitioning bypasses the partitioner for messages without a key: it
    // sends them to one random (available) partition for sticky.partitioning.linger.ms, then
    // another. That is Filebeat's per-event random partition in coarser steps, and it keeps
    // batches per partition large (measured: ~7 % less CPU per event than per-event random).
    // Round robin, group_events, field hashes and reachable_only (librdkafka's sticky pick may
    // land on a leaderless partition) must see every message: sticky off there.
    const bool every_message = partition->strategy == PartitionConfig::Strategy::kRoundRobin ||
                               partition->group_events > 1 || partition->hash_from_message || partition->reachable_only;
    if (every_message && !props.count("sticky.partitioning.linger.ms") &&
        conf->set("sticky.partitioning.linger.ms", "0", err) != RdKafka::Conf::CONF_OK)
      throw Error(ErrorCode::kInternal, "cannot turn off sticky partitioning", err);
    // On the default topic conf (which already holds the topic-level properties set above), so
    // that every topic handle gets it; topicHandle() gives each topic its own Partitioner.
    partition_ = *partition;
    partitioners_.emplace_back(*partition_, time_);
    rd_kafka_conf_t* global = conf->c_ptr_global();
    rd_kafka_topic_conf_t* tconf = rd_kafka_conf_get_default_topic_conf(global);
    if (!tconf) {
      tconf = rd_kafka_topic_conf_new();
      rd_kafka_conf_set_default_topic_conf(global, tconf);  // takes ownership
    }
    rd_kafka_topic_conf_set_partitioner_cb(tconf, &Partitioner::callback);
    rd_kafka_topic_conf_set_opaque(tconf, &partitioners_.front());
  }
  if (auto it = props.find("bootstrap.servers"); it != props.end()) brokers_ = it->second;
  producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!producer_) throw Error(ErrorCode::kKafkaFatal, "cannot create Kafka producer", err);
}

Producer::~Producer() = default;

rd_kafka_topic_t* Producer::topicHandle(const std::string& topic) {
  if (last_topic_name_ && *last_topic_name_ == topic) return last_topic_;
  auto it = topics_.find(topic);
  if (it == topics_.end()) {
    rd_kafka_topic_conf_t* tconf = rd_kafka_default_topic_conf_dup(producer_->c_ptr());
    if (partition_) {
      partitioners_.emplace_back(*partition_, time_);
      rd_kafka_topic_conf_set_opaque(tconf, &partitioners_.back());
    }
    rd_kafka_topic_t* handle = rd_kafka_topic_new(producer_->c_ptr(), topic.c_str(), tconf);  // frees tconf
    if (!handle) return nullptr;
    it = topics_.emplace(topic, std::unique_ptr<rd_kafka_topic_t, TopicDeleter>(handle)).first;
  }
  last_topic_name_ = &it->first;
  last_topic_ = it->second.get();
  return last_topic_;
}

HashedMessage* Producer::wrap(void* opaque, std::optional<uint32_t> hash) {
  HashedMessage* m;
  if (free_hashed_.empty()) {
    m = &hashed_.emplace_back();
  } else {
    m = free_hashed_.back();
    free_hashed_.pop_back();
  }
  m->opaque = opaque;
  m->hash = hash.value_or(0);
  m->has_hash = hash.has_value();
  return m;
}

RdKafka::ErrorCode Producer::produce(const std::string& topic, std::string_view key, std::string_view payload,
                                     void* opaque, int64_t timestamp_ms, std::optional<uint32_t> partition_hash,
                                     int32_t partition) {
  rd_kafka_topic_t* rkt = topicHandle(topic);
  if (!rkt) return RdKafka::ERR__INVALID_ARG;
  HashedMessage* hashed = partition_ && partition_->hash_from_message ? wrap(opaque, partition_hash) : nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_->c_ptr(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
      RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
      RD_KAFKA_V_OPAQUE(hashed ? static_cast<void*>(hashed) : opaque), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && hashed) release(hashed);  // no delivery report will come
  return static_cast<RdKafka::ErrorCode>(err);
}

int Producer::poll(int timeout_ms) { return producer_->poll(timeout_ms); }

std::string Producer::probeTopic(const std::string& topic, int timeout_ms) {
  // Through the cached handle: a handle created elsewhere would carry another topic opaque.
  rd_kafka_topic_t* rkt = topicHandle(topic);
  if (!rkt) return "invalid topic: " + std::string(rd_kafka_err2str(rd_kafka_last_error()));
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t code = rd_kafka_metadata(producer_->c_ptr(), 0, rkt, &raw, timeout_ms);
  std::unique_ptr<const rd_kafka_metadata_t, void (*)(const rd_kafka_metadata_t*)> md(raw, &rd_kafka_metadata_destroy);
  if (code != RD_KAFKA_RESP_ERR_NO_ERROR) return "brokers unreachable (" + std::string(rd_kafka_err2str(code)) + ")";
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || t.err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
      return "topic does not exist (create it; auto-creation is off on the broker)";
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) return "topic error: " + std::string(rd_kafka_err2str(t.err));
    if (t.partition_cnt == 0) return "topic has no partitions";
    return {};
  }
  return "topic does not exist";
}

}  // namespace logship::kafka
