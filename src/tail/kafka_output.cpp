#include "logship/tail/kafka_output.h"

#include "logship/common/logging.h"
#include "logship/common/outcome.h"
#include "logship/tail/condition.h"
#include "logship/tail/event.h"

namespace logship::tail {
namespace {

void* toOpaque(AckToken t) { return reinterpret_cast<void*>(static_cast<uintptr_t>(t)); }
AckToken fromOpaque(void* p) { return static_cast<AckToken>(reinterpret_cast<uintptr_t>(p)); }

}  // namespace

std::optional<uint32_t> partitionHash(const Event& event, const std::vector<std::string>& fields,
                                      std::string& scratch) {
  kafka::Fnv1a32 h;
  for (const auto& field : fields) {
    const Entry* e = event.find(field);
    if (!e) return std::nullopt;
    if (e->isString()) {
      h.add(Event::text(*e, scratch));
    } else if (!kafka::hashJsonValue(e->value, h)) {
      return std::nullopt;
    }
  }
  return h.value();
}

KafkaOutputMetrics KafkaOutputMetrics::in(metrics::Registry& r) {
  return {OutputMetrics::in(r).acked,
          &r.counter("logship_tail_events_failed_total", "Events that failed permanently (e.g. too large)"),
          &r.counter("logship_tail_events_retried_total", "Deliveries retried after a retriable error"),
          &r.histogram("logship_tail_event_ack_latency_seconds",
                       "From the event's read time to Kafka's acknowledgement", metrics::latencySecondsBuckets())};
}

void KafkaOutputMetrics::queueDepth(metrics::Registry& r, const std::atomic<size_t>& in_flight,
                                    const std::atomic<size_t>& bytes) {
  r.callbackGauge("logship_tail_kafka_queue_depth", "Events handed to Kafka and not yet acknowledged", {},
                  [&in_flight] { return static_cast<double>(in_flight.load()); });
  r.callbackGauge("logship_tail_kafka_queue_bytes",
                  "Encoded bytes of the events handed to Kafka and not yet acknowledged", {},
                  [&bytes] { return static_cast<double>(bytes.load()); });
}

KafkaOutput::KafkaOutput(const KafkaOutputConfig& config, AckFn on_ack, metrics::Registry& m, TimeSource& time)
    : config_(config),
      on_ack_(std::move(on_ack)),
      time_(time),
      topic_(config.topic),
      key_(config.key),
      last_progress_ns_(time.monotonicTime().time_since_epoch().count()),
      metrics_(KafkaOutputMetrics::in(m)) {
  for (const auto& r : config.topics) rules_.emplace_back(FormatString(r.topic), r.when);
  retry_backoff_ = config.retry_backoff;
  auto props = config.properties;
  // Deliveries that time out come back as retriable errors and are produced again: bound the
  // wait inside librdkafka so that the stall is reported, not hidden.
  props.emplace("message.timeout.ms", "30000");
  props.emplace("topic.metadata.refresh.interval.ms", "10000");
  props.emplace("queue.buffering.max.messages", "1000000");
  // Filebeat's partitioners, unless a `librdkafka: {partitioner: ...}` pass-through asks for librdkafka's.
  const kafka::PartitionConfig* partition = props.count("partitioner") ? nullptr : &config.partition;
  producer_ = std::make_unique<kafka::Producer>(
      props, [this](const kafka::DeliveryReport& r) { onDelivery(r); }, partition, time_);
  KafkaOutputMetrics::queueDepth(m, in_flight_, queued_bytes_);
  log::info(*log::get("kafka"), "kafka output ready", {{"config", kafka::describe(props)}});
}

KafkaOutput::~KafkaOutput() = default;

void KafkaOutput::publish(const Event& event, std::string_view payload, AckToken token) {
  ++in_flight_;
  queued_bytes_ += payload.size();
  topic_buf_.clear();
  bool resolved = false;
  for (const auto& [fmt, when] : rules_) {
    if (when && !when->matches(event)) continue;
    resolved = fmt.evaluate(event, topic_buf_);
    if (resolved) break;
    topic_buf_.clear();
  }
  if (!resolved) resolved = !topic_.empty() && topic_.evaluate(event, topic_buf_);
  if (!resolved || topic_buf_.empty()) {
    // Filebeat drops events whose topic cannot be resolved; we count them as failed.
    log::error(*log::get("kafka"), "cannot resolve topic for event, dropping it", {{"topic", config_.topic}});
    fail(token, config_.topic, RdKafka::ERR__INVALID_ARG, payload.size());
    return;
  }
  key_buf_.clear();
  // A key referencing a missing field is no key (Filebeat: random partition), not a partial one.
  if (!key_.empty() && !key_.evaluate(event, key_buf_)) key_buf_.clear();
  std::optional<uint32_t> partition_hash;
  if (!config_.partition_hash_fields.empty()) {
    partition_hash = partitionHash(event, config_.partition_hash_fields, hash_scratch_);
    if (!partition_hash && !config_.partition_hash_random) {  // Filebeat: "Hashing partition key failed"
      log::error(*log::get("kafka"), "cannot hash the partition.hash.hash fields (missing or not hashable)",
                 {{"topic", topic_buf_}});
      fail(token, topic_buf_, RdKafka::ERR__INVALID_ARG, payload.size());
      return;
    }
  }
  produceOrQueue(topic_buf_, key_buf_, payload, token, event.timestamp_ms, partition_hash);
}

void KafkaOutput::produceOrQueue(const std::string& topic, std::string_view key, std::string_view payload,
                                 AckToken token, int64_t timestamp_ms, std::optional<uint32_t> partition_hash) {
  const auto err = producer_->produce(topic, key, payload, toOpaque(token), timestamp_ms, partition_hash);
  if (err == RdKafka::ERR_NO_ERROR) return;
  const auto disposition = classifyKafka(static_cast<rd_kafka_resp_err_t>(err));
  if (disposition == Disposition::kPermanent) {
    fail(token, topic, err, payload.size());
    return;
  }
  last_topic_ = topic;
  last_error_ = RdKafka::err2str(err);
  metrics_.retried->inc();
  retried_since_.emplace(token, time_.monotonicTime());
  const auto delay = err == RdKafka::ERR__QUEUE_FULL ? std::chrono::milliseconds(10) : retry_backoff_;
  retries_.push_back(Retry{topic, std::string(key), std::string(payload), token, timestamp_ms,
                           time_.monotonicTime() + delay, partition_hash});
}

void KafkaOutput::fail(AckToken token, const std::string& topic, RdKafka::ErrorCode err, size_t bytes) {
  metrics_.failed->inc();
  --in_flight_;
  queued_bytes_ -= bytes;
  retried_since_.erase(token);
  log::error(*log::get("kafka"), "event dropped after a permanent error",
             {{"topic", topic}, {"error", RdKafka::err2str(err)}, {"brokers", producer_->brokers()}});
  on_ack_(token, false);
}

void KafkaOutput::observeAckLatency(AckToken token, int64_t latency_us) {
  double seconds = static_cast<double>(std::max<int64_t>(0, latency_us)) / 1e6;
  if (!retried_since_.empty()) {
    if (auto it = retried_since_.find(token); it != retried_since_.end()) {
      seconds = std::chrono::duration<double>(time_.monotonicTime() - it->second).count();
      retried_since_.erase(it);
    }
  }
  metrics_.ack_latency->observe(seconds);
}

void KafkaOutput::onDelivery(const kafka::DeliveryReport& r) {
  const AckToken token = fromOpaque(r.opaque);
  const auto disposition = classifyKafka(static_cast<rd_kafka_resp_err_t>(r.err));
  if (disposition == Disposition::kSuccess || disposition == Disposition::kDuplicate) {
    --in_flight_;
    queued_bytes_ -= r.payload.size();
    metrics_.acked->inc();
    observeAckLatency(token, r.latency_us);
    acked_in_poll_ = true;  // progress is stamped once per poll, not per message
    on_ack_(token, true);
    return;
  }
  const std::string topic(r.topic);
  if (disposition == Disposition::kPermanent) {
    fail(token, topic, r.err, r.payload.size());
    return;
  }
  last_topic_ = topic;
  last_error_ = RdKafka::err2str(r.err);
  metrics_.retried->inc();
  retried_since_.emplace(token, time_.monotonicTime() - std::chrono::microseconds(std::max<int64_t>(0, r.latency_us)));
  retries_.push_back(Retry{topic, std::string(r.key), std::string(r.payload), token, r.timestamp_ms,
                           time_.monotonicTime() + retry_backoff_, r.partition_hash});
}

void KafkaOutput::poll(std::chrono::milliseconds wait) {
  const int waited = retries_.empty() ? static_cast<int>(wait.count()) : 0;
  producer_->poll(waited);
  const auto now = time_.monotonicTime();
  while (!retries_.empty() && retries_.front().due <= now) {
    Retry r = std::move(retries_.front());
    retries_.pop_front();
    const auto err = producer_->produce(r.topic, r.key, r.payload, toOpaque(r.token), r.timestamp_ms, r.partition_hash);
    if (err == RdKafka::ERR_NO_ERROR) continue;
    if (classifyKafka(static_cast<rd_kafka_resp_err_t>(err)) == Disposition::kPermanent) {
      fail(r.token, r.topic, err, r.payload.size());
      continue;
    }
    last_error_ = RdKafka::err2str(err);
    r.due = now + (err == RdKafka::ERR__QUEUE_FULL ? std::chrono::milliseconds(10) : retry_backoff_);
    retries_.push_front(std::move(r));
    break;
  }
  if (!retries_.empty() && waited == 0 && wait.count() > 0)
    producer_->poll(std::min<int>(static_cast<int>(wait.count()), 50));
  if (in_flight_ == 0 || acked_in_poll_) {
    acked_in_poll_ = false;
    markProgress(now);
  } else {
    reportStall(now);
  }
}

void KafkaOutput::reportStall(Clock::time_point now) {
  if (now - lastProgress() < std::chrono::seconds(5) || now - last_stall_log_ < std::chrono::seconds(5)) return;
  last_stall_log_ = now;
  const std::string topic = last_topic_.empty() ? config_.topic : last_topic_;
  const std::string why = producer_->probeTopic(topic, 1000);
  log::error(
      *log::get("kafka"),
      "cannot deliver events to Kafka; reading is paused once the queue is full and resumes by itself",
      {{"topic", topic},
       {"brokers", producer_->brokers()},
       {"reason", why.empty() ? (last_error_.empty() ? std::string("no acknowledgement yet") : last_error_) : why},
       {"waiting_events", static_cast<uint64_t>(in_flight_.load())},
       {"stalled_seconds",
        static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(now - lastProgress()).count())}});
}

bool KafkaOutput::healthy() const {
  return in_flight_ == 0 || time_.monotonicTime() - lastProgress() < unhealthy_after_;
}

}  // namespace logship::tail
