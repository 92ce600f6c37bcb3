#include "logship/kafka/producer.h"

#include "logship/common/error.h"

namespace logship::kafka {

class Producer::DrCb : public RdKafka::DeliveryReportCb {
 public:
  explicit DrCb(DeliveryFn fn) : fn_(std::move(fn)) {}
  void dr_cb(RdKafka::Message& m) override {
    DeliveryReport r;
    r.opaque = m.msg_opaque();
    r.err = m.err();
    // topic_name() returns a temporary std::string: keep it alive for the callback's duration
    // (a view of the temporary sent retries to a garbage topic name).
    topic_ = m.topic_name();
    r.topic = topic_;
    if (m.key()) r.key = *m.key();
    r.payload = std::string_view(static_cast<const char*>(m.payload()), m.len());
    r.partition = m.partition();
    r.offset = m.offset();
    r.timestamp_ms = m.timestamp().timestamp;
    fn_(r);
  }

 private:
  DeliveryFn fn_;
  std::string topic_;
};

Producer::Producer(const Properties& props, DeliveryFn on_delivery) : dr_(std::make_unique<DrCb>(std::move(on_delivery))) {
  auto conf = makeConf(props);
  std::string err;
  if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(dr_.get()), err) != RdKafka::Conf::CONF_OK)
    throw Error(ErrorCode::kInternal, "cannot install the delivery report callback", err);
  if (auto it = props.find("bootstrap.servers"); it != props.end()) brokers_ = it->second;
  producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!producer_) throw Error(ErrorCode::kKafkaFatal, "cannot create Kafka producer", err);
}

Producer::~Producer() = default;

rd_kafka_topic_t* Producer::topicHandle(const std::string& topic) {
  if (last_topic_name_ && *last_topic_name_ == topic) return last_topic_;
  auto it = topics_.find(topic);
  if (it == topics_.end()) {
    std::string err;
    std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(producer_.get(), topic, nullptr, err));
    if (!handle) return nullptr;
    it = topics_.emplace(topic, std::move(handle)).first;
  }
  last_topic_name_ = &it->first;
  last_topic_ = it->second->c_ptr();
  return last_topic_;
}

RdKafka::ErrorCode Producer::produce(const std::string& topic, std::string_view key, std::string_view payload,
                                     void* opaque, int64_t timestamp_ms) {
  rd_kafka_topic_t* rkt = topicHandle(topic);
  if (!rkt) return RdKafka::ERR__INVALID_ARG;
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_->c_ptr(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
      RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
      RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
  return static_cast<RdKafka::ErrorCode>(err);
}

int Producer::poll(int timeout_ms) { return producer_->poll(timeout_ms); }

int Producer::outqLen() const { return producer_->outq_len(); }

bool Producer::flush(int timeout_ms) { return producer_->flush(timeout_ms) == RdKafka::ERR_NO_ERROR; }

std::string Producer::probeTopic(const std::string& topic, int timeout_ms) {
  std::string err;
  std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(producer_.get(), topic, nullptr, err));
  if (!handle) return "invalid topic: " + err;
  RdKafka::Metadata* raw = nullptr;
  const auto code = producer_->metadata(false, handle.get(), &raw, timeout_ms);
  std::unique_ptr<RdKafka::Metadata> md(raw);
  if (code != RdKafka::ERR_NO_ERROR) return "brokers unreachable (" + RdKafka::err2str(code) + ")";
  for (const auto* t : *md->topics()) {
    if (t->topic() != topic) continue;
    if (t->err() == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART || t->err() == RdKafka::ERR__UNKNOWN_TOPIC)
      return "topic does not exist (create it; auto-creation is off on the broker)";
    if (t->err() != RdKafka::ERR_NO_ERROR) return "topic error: " + RdKafka::err2str(t->err());
    if (t->partitions()->empty()) return "topic has no partitions";
    return {};
  }
  return "topic does not exist";
}

}  // namespace logship::kafka
