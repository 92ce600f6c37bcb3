#include "logship/stash/cluster_runner.h"

#include "logship/common/backoff.h"
#include "logship/common/logging.h"
#include "logship/common/outcome.h"

namespace logship::stash {
namespace {

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// go-queue's kq uses SASL/PLAIN when Username is set.
void addSaslPlain(kafka::Properties& p, const std::string& user, const std::string& password) {
  p["security.protocol"] = "sasl_plaintext";
  p["sasl.mechanisms"] = "PLAIN";
  p["sasl.username"] = user;
  p["sasl.password"] = password;
}

es::EsClientOptions esOptions(const EsOutputConfig& e) {
  es::EsClientOptions o;
  o.hosts = e.hosts;
  o.username = e.username;
  o.password = e.password;
  o.api_key = e.api_key;
  o.timeout = e.request_timeout;
  o.tls_verify = e.tls_verify;
  o.ca_file = e.ca_file;
  return o;
}

}  // namespace

kafka::Properties consumerProperties(const KafkaInputConfig& k) {
  kafka::Properties p;
  p["bootstrap.servers"] = join(k.brokers);
  p["group.id"] = k.group;
  p["client.id"] = k.name.empty() ? "logship-stash" : k.name;
  p["enable.auto.commit"] = "false";
  p["enable.auto.offset.store"] = "false";
  p["auto.offset.reset"] = k.offset == "first" ? "earliest" : "latest";
  p["fetch.min.bytes"] = std::to_string(k.min_bytes);
  // kafka-go's MaxBytes bounds one partition's fetch: librdkafka's max.partition.fetch.bytes.
  p["max.partition.fetch.bytes"] = std::to_string(std::max<int64_t>(k.max_bytes, 1024));
  p["fetch.max.bytes"] = std::to_string(std::max<int64_t>(k.max_bytes * 4, 1024 * 1024));
  p["fetch.wait.max.ms"] = "100";
  p["enable.partition.eof"] = "false";
  if (!k.username.empty()) addSaslPlain(p, k.username, k.password);
  for (const auto& [key, value] : k.librdkafka) p[key] = value;
  return p;
}

std::unique_ptr<DeadLetter> makeDeadLetter(const ClusterConfig& c) {
  if (!c.dead_letter.topic.empty()) {
    kafka::Properties p;
    p["bootstrap.servers"] = join(c.dead_letter.brokers.empty() ? c.kafka.brokers : c.dead_letter.brokers);
    if (!c.kafka.username.empty() && c.dead_letter.brokers.empty()) addSaslPlain(p, c.kafka.username, c.kafka.password);
    return std::make_unique<KafkaDeadLetter>(p, c.dead_letter.topic);
  }
  return std::make_unique<FileDeadLetter>(c.dead_letter.file);
}

ClusterRunner::ClusterRunner(const ClusterConfig& config, metrics::Registry& registry,
                             std::chrono::milliseconds unhealthy_after)
    : config_(config),
      registry_(registry),
      unhealthy_after_(unhealthy_after),
      es_(esOptions(config.es)),
      dead_letter_(makeDeadLetter(config)),
      processor_(config),
      consumed_(registry.counter("logship_stash_consumed_total", "Kafka messages consumed", {{"cluster", config.name}})),
      invalid_(registry.counter("logship_stash_invalid_json_total", "Messages whose value is not a JSON object", {{"cluster", config.name}})),
      dead_invalid_(registry.counter("logship_stash_dead_lettered_total", "Documents sent to the dead letter", {{"cluster", config.name}, {"reason", "invalid_json"}})),
      consume_errors_(registry.counter("logship_stash_consume_errors_total", "Kafka consumer errors", {{"cluster", config.name}})),
      pending_(registry.gauge("logship_stash_pending_messages", "Consumed messages not yet done", {{"cluster", config.name}})),
      paused_(registry.gauge("logship_stash_consumer_paused", "1 while consumption is paused for backpressure", {{"cluster", config.name}})) {
  doc_.reserve(64 * 1024);
  // One series per drop filter, so users see which rule removed what (implicit filters never drop).
  for (size_t i = 0; i < config.filters.size(); ++i) {
    const bool drops = config.filters[i].action == "drop";
    dropped_.push_back(drops ? &registry.counter("logship_stash_dropped_total", "Messages dropped by a filter",
                                                 {{"cluster", config.name}, {"filter", "Filters[" + std::to_string(i) + "]"}})
                             : nullptr);
  }
}

ClusterRunner::~ClusterRunner() { stop(std::chrono::steady_clock::now()); }

void ClusterRunner::start() {
  deadline_ = std::chrono::steady_clock::time_point::max();
  thread_ = std::thread([this] { run(); });
}

void ClusterRunner::stop(std::chrono::steady_clock::time_point deadline) {
  deadline_ = deadline;
  stop_.trigger();
  if (thread_.joinable()) thread_.join();
}

void ClusterRunner::setReachable(std::atomic<int64_t>& since, bool ok) {
  if (ok) {
    since.store(0, std::memory_order_relaxed);
  } else {
    int64_t expected = 0;
    since.compare_exchange_strong(expected, steadyMs());
  }
}

admin::HealthStatus ClusterRunner::health(const std::atomic<int64_t>& since, ErrorCode code, const char* what) const {
  const int64_t s = since.load();
  if (s == 0 || steadyMs() - s < unhealthy_after_.count()) return {};
  return {code, std::string(what) + " unreachable for " + std::to_string((steadyMs() - s) / 1000) + "s",
          "{\"cluster\":\"" + config_.name + "\"}"};
}

std::vector<admin::HealthCheck> ClusterRunner::healthChecks() {
  return {{config_.name + ".elasticsearch", [this] { return health(es_down_since_, ErrorCode::kEsTransport, "elasticsearch"); }},
          {config_.name + ".kafka", [this] { return health(kafka_down_since_, ErrorCode::kKafkaTransport, "kafka"); }}};
}

bool ClusterRunner::connectEs() {
  auto logger = log::get("stash");
  BackoffSchedule backoff(config_.es.backoff_initial, std::chrono::milliseconds(10000));
  while (!stop_.triggered()) {
    if (auto v = es_.detectVersion()) {
      setReachable(es_down_since_, true);
      const std::string doc_type = v->acceptsDocType() ? config_.es.doc_type : "";
      log::info(*logger, "elasticsearch reachable",
                {{"cluster", config_.name}, {"version", v->number}, {"distribution", v->distribution}, {"doc_type", doc_type}});
      es::BulkWriterOptions o;
      o.max_chunk_bytes = static_cast<size_t>(config_.es.max_chunk_bytes);
      o.max_in_flight = config_.es.max_in_flight;
      o.flush_interval = config_.es.flush_interval;
      o.compress = config_.es.compress;
      o.doc_type = doc_type;
      o.backoff_initial = config_.es.backoff_initial;
      o.backoff_max = config_.es.backoff_max;
      o.cluster = config_.name;
      es::BulkCallbacks cb;
      cb.on_done = [this](const std::vector<es::ItemTag>& tags) {
        for (const auto& t : tags) tracker_.done(t.slot, t.epoch, t.offset);
      };
      cb.dead_letter = [this](const std::vector<es::FailedItem>& items) {
        std::vector<DeadLetterRecord> records;
        for (const auto& f : items) {
          DeadLetterRecord r;
          r.reason = "rejected";
          r.cluster = config_.name;
          tracker_.describe(f.tag.slot, r.topic, r.partition);
          r.offset = f.tag.offset;
          r.index = f.index;
          r.id = f.id;
          r.status = f.status;
          r.error_type = f.error_type;
          r.error_reason = f.error_reason;
          r.doc = f.doc;
          log::warn(*log::get("stash"), "document rejected, sent to the dead letter",
                    {{"topic", r.topic}, {"partition", r.partition}, {"offset", r.offset}, {"status", r.status},
                     {"error", r.error_type + ": " + r.error_reason}});
          records.push_back(std::move(r));
        }
        return dead_letter_->write(records);
      };
      cb.on_reachability = [this](bool ok) { setReachable(es_down_since_, ok); };
      writer_ = std::make_unique<es::BulkWriter>(o, es_, cb, registry_);
      return true;
    }
    setReachable(es_down_since_, false);
    const auto delay = backoff.next();
    log::warn(*logger, "elasticsearch not reachable yet", {{"cluster", config_.name}, {"retry_in_ms", static_cast<int64_t>(delay.count())}});
    stop_.waitFor(delay);
  }
  return false;
}

void ClusterRunner::run() {
  auto logger = log::get("stash");
  if (!connectEs()) return;
  kafka::ConsumerOptions co;
  co.props = consumerProperties(config_.kafka);
  co.topics = config_.kafka.topics;
  co.topics_pattern = config_.kafka.topics_pattern;
  co.topics_refresh = config_.kafka.topics_refresh;
  kafka::ConsumerHooks hooks;
  hooks.assigned = [this](const std::vector<kafka::TopicPartitionRef>& parts) {
    for (const auto& p : parts) tracker_.assign(p.topic, p.partition);
    cached_valid_ = false;
  };
  hooks.revoked = [this](const std::vector<kafka::TopicPartitionRef>& parts) { onRevoked(parts); };
  hooks.reachability = [this](bool ok) { setReachable(kafka_down_since_, ok); };
  consumer_ = std::make_unique<kafka::Consumer>(co, hooks);
  try {
    consumer_->start();
  } catch (const std::exception& e) {
    log::error(*logger, "cannot start kafka consumer", {{"cluster", config_.name}, {"error", e.what()}});
    setReachable(kafka_down_since_, false);
    writer_->drain(std::chrono::steady_clock::now());
    return;
  }
  log::info(*logger, "consuming", {{"cluster", config_.name}, {"group", config_.kafka.group},
                                   {"dead_letter", dead_letter_->describe()}});
  auto next_commit = std::chrono::steady_clock::now() + config_.kafka.commit_interval;
  while (!stop_.triggered()) {
    const bool full = writer_->overloaded();
    if (full && !consumer_->paused()) {
      consumer_->pause();
      paused_.set(1);
      log::info(*logger, "bulk queue full, pausing consumption", {{"cluster", config_.name}});
    } else if (!full && consumer_->paused()) {
      consumer_->resume();
      paused_.set(0);
      log::info(*logger, "resuming consumption", {{"cluster", config_.name}});
    }
    auto msg = consumer_->consume(100);
    if (msg) handle(*msg);
    const auto now = std::chrono::steady_clock::now();
    writer_->maybeFlush(now);
    if (now >= next_commit) {
      commitTick(false);
      consumer_->maybeRefreshTopics(now);
      if (kafka_down_since_.load(std::memory_order_relaxed) != 0) consumer_->probe(std::chrono::milliseconds(1000));
      next_commit = now + config_.kafka.commit_interval;
    }
  }
  // SIGTERM: stop consuming, flush within the grace period, commit what is done.
  const bool complete = writer_->drain(deadline_.load());
  commitTick(true);
  log::info(*logger, complete ? "flushed everything before exit" : "grace period over, unfinished work abandoned (not committed)",
            {{"cluster", config_.name}, {"pending", static_cast<uint64_t>(tracker_.pending())}});
  consumer_->close();
}

void ClusterRunner::handle(RdKafka::Message& msg) {
  switch (msg.err()) {
    case RdKafka::ERR_NO_ERROR:
      break;
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__PARTITION_EOF:
      return;
    default:
      consume_errors_.inc();
      if (classifyKafka(static_cast<rd_kafka_resp_err_t>(msg.err())) == Disposition::kRetry) setReachable(kafka_down_since_, false);
      log::warn(*log::get("stash"), "kafka consumer error", {{"cluster", config_.name}, {"error", msg.errstr()}});
      return;
  }
  setReachable(kafka_down_since_, true);
  consumed_.inc();
  const std::string& topic = msg.topic_name();
  if (!cached_valid_ || cached_partition_ != msg.partition() || cached_topic_ != topic) {
    if (!tracker_.handle(topic, msg.partition(), cached_handle_)) cached_handle_ = tracker_.assign(topic, msg.partition());
    cached_topic_ = topic;
    cached_partition_ = msg.partition();
    cached_valid_ = true;
  }
  const auto h = cached_handle_;
  const int64_t offset = msg.offset();
  tracker_.track(h, offset);
  doc_.clear();
  const std::string_view value(static_cast<const char*>(msg.payload()), msg.len());
  const ProcessResult r = processor_.process(value, doc_);
  switch (r.kind) {
    case ProcessResult::kDoc:
      if (r.wrapped) invalid_.inc();
      if (r.meta_id.empty()) derivedDocumentId(topic, msg.partition(), offset, id_);
      else id_.assign(r.meta_id);
      writer_->add(r.index, id_, doc_, {h.slot, h.epoch, offset});
      break;
    case ProcessResult::kDropped:
      if (r.filter < dropped_.size() && dropped_[r.filter]) dropped_[r.filter]->inc();
      tracker_.done(h.slot, h.epoch, offset);
      break;
    case ProcessResult::kInvalid:
      invalid_.inc();
      deadLetterInvalid(msg);
      break;
  }
}

void ClusterRunner::deadLetterInvalid(RdKafka::Message& msg) {
  DeadLetterRecord r;
  r.reason = "invalid_json";
  r.cluster = config_.name;
  r.topic = msg.topic_name();
  r.partition = msg.partition();
  r.offset = msg.offset();
  r.error_type = "invalid_json";
  r.error_reason = "the message value is not a JSON object";
  r.raw.assign(static_cast<const char*>(msg.payload()), msg.len());
  log::warn(*log::get("stash"), "message is not a JSON object, sent to the dead letter",
            {{"topic", r.topic}, {"partition", r.partition}, {"offset", r.offset}});
  BackoffSchedule backoff(std::chrono::milliseconds(200), std::chrono::milliseconds(10000));
  while (!dead_letter_->write({r})) {
    if (stop_.waitFor(backoff.next())) return;
  }
  dead_invalid_.inc();
  tracker_.done(cached_handle_.slot, cached_handle_.epoch, r.offset);
}

void ClusterRunner::onRevoked(const std::vector<kafka::TopicPartitionRef>& parts) {
  // Finish what is in flight for these partitions (bounded), commit what is done, forget the rest:
  // unfinished messages are read again by the next owner and `create` makes the replay harmless.
  writer_->flush();
  const auto limit = std::min(std::chrono::steady_clock::now() + std::chrono::seconds(10), deadline_.load());
  while (std::chrono::steady_clock::now() < limit) {
    size_t left = 0;
    for (const auto& p : parts) left += tracker_.pending(p.topic, p.partition);
    if (left == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  commitTick(true);
  for (const auto& p : parts) tracker_.revoke(p.topic, p.partition);
  cached_valid_ = false;
}

void ClusterRunner::commitTick(bool sync) {
  auto points = tracker_.takeCommittable(sync);
  consumer_->commit(points, sync);
  pending_.set(static_cast<int64_t>(tracker_.pending()));
  consumer_->lag([this](const std::string& topic, int32_t partition, int64_t lag) {
    registry_.gauge("logship_stash_consumer_lag", "Messages behind the high watermark",
                    {{"cluster", config_.name}, {"topic", topic}, {"partition", std::to_string(partition)}})
        .set(lag);
  });
}

}  // namespace logship::stash
