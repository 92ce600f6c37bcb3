#include "logship/stash/cluster_runner.h"

#include "logship/common/backoff.h"
#include "logship/common/logging.h"
#include "logship/common/outcome.h"
#include "logship/kafka/consumer.h"
#include "logship/stash/memory_budget.h"

namespace logship::stash {
namespace {

// How long a SASL/TLS refusal by a broker explains the consumer's outage (as the tail's).
constexpr std::chrono::seconds kSecurityFailureWindow{60};

// go-queue's kq uses SASL/PLAIN when Username is set (Mechanism, an extension, picks SCRAM) and
// TLS when CaFile is set (CertFile/KeyFile, extensions, add a client certificate). No fallback:
// with TLS configured librdkafka verifies the chain and the broker's name or does not connect.
void applyKafkaSecurity(const KafkaInputConfig& k, kafka::ClientSettings& s) {
  if (!k.username.empty()) s.sasl = kafka::SaslSettings{k.username, k.password, k.mechanism};
  if (k.ca_file.empty() && k.cert_file.empty()) return;
  kafka::TlsSettings t;
  if (!k.ca_file.empty()) t.ca_location = k.ca_file;
  if (!k.cert_file.empty()) t.certificate_location = k.cert_file;
  if (!k.key_file.empty()) t.key_location = k.key_file;
  if (!k.key_password.empty()) t.key_password = k.key_password;
  s.tls = t;
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

// The index namer's and timestamp filter's clock: none (their direct system_clock::now()) for the
// process' clock, so the per-event path keeps its direct call.
IndexNamer::Clock processorClock(TimeSource& time) {
  if (&time == &RealTimeSource::instance()) return {};
  return [&time] { return time.systemTime(); };
}

}  // namespace

kafka::Properties consumerProperties(const ClusterConfig& c) {
  const KafkaInputConfig& k = c.kafka;
  const MemoryBudget budget = sizeMemory(c.es);
  kafka::ConsumerSettings s;
  s.brokers = k.brokers;
  s.group = k.group;
  s.client_id = k.name.empty() ? "logship-stash" : k.name;
  s.from_earliest = k.offset == "first";
  s.fetch_min_bytes = k.min_bytes;
  s.max_bytes = k.max_bytes;
  s.fetch_max_bytes = budget.fetch_max_bytes;
  s.queued_max_kbytes = budget.queued_max_kbytes;
  s.queued_min_messages = budget.queued_min_messages;
  applyKafkaSecurity(k, s);
  s.passthrough.assign(k.librdkafka.begin(), k.librdkafka.end());
  return kafka::toMap(kafka::consumerProperties(s));
}

std::unique_ptr<DeadLetter> makeDeadLetter(const ClusterConfig& c, TimeSource& time) {
  if (!c.dead_letter.topic.empty()) {
    kafka::ClientSettings s;
    s.brokers = c.dead_letter.brokers.empty() ? c.kafka.brokers : c.dead_letter.brokers;
    if (c.dead_letter.brokers.empty()) applyKafkaSecurity(c.kafka, s);
    return std::make_unique<KafkaDeadLetter>(kafka::toMap(kafka::clientProperties(s)), c.dead_letter.topic, time);
  }
  return std::make_unique<FileDeadLetter>(c.dead_letter.file, time);
}

ClusterSeams realSeams(const ClusterConfig& c, TimeSource& time) {
  ClusterSeams s;
  s.time = &time;
  auto es = std::make_shared<es::EsClient>(esOptions(c.es));
  s.es_version = [es](es::HttpResult& failed) { return es->detectVersion(&failed); };
  s.transport = std::move(es);
  kafka::ConsumerOptions co;
  co.props = consumerProperties(c);
  co.topics = c.kafka.topics;
  co.topics_pattern = c.kafka.topics_pattern;
  co.topics_refresh = c.kafka.topics_refresh;
  s.source = [co, &time](kafka::ConsumerHooks hooks) -> std::unique_ptr<kafka::MessageSource> {
    return std::make_unique<kafka::Consumer>(co, std::move(hooks), time);
  };
  s.dead_letter = [c, &time] { return makeDeadLetter(c, time); };
  return s;
}

ClusterRunnerMetrics ClusterRunnerMetrics::in(metrics::Registry& r, const ClusterConfig& config) {
  const metrics::Labels l{{"cluster", config.name}};
  ClusterRunnerMetrics m;
  m.consumed = &r.counter("logship_stash_consumed_total", "Kafka messages consumed", l);
  m.invalid = &r.counter("logship_stash_invalid_json_total", "Messages whose value is not a JSON object", l);
  m.dead_invalid = &es::BulkWriterMetrics::deadLettered(r, config.name, "invalid_json");
  m.consume_errors = &r.counter("logship_stash_consume_errors_total", "Kafka consumer errors", l);
  m.unassigned = &r.counter("logship_stash_unassigned_messages_total",
                            "Messages of partitions not assigned to this member, left to their owner", l);
  m.pending = &r.gauge("logship_stash_pending_messages", "Consumed messages not yet done", l);
  m.paused = &r.gauge("logship_stash_consumer_paused", "1 while consumption is paused for backpressure", l);
  m.index_latency = &r.histogram("logship_stash_event_index_latency_seconds",
                                 "From the event's read time (Kafka message timestamp) to Elasticsearch's answer",
                                 metrics::latencySecondsBuckets(), l);
  // One series per drop filter, so users see which rule removed what (implicit filters never drop).
  for (size_t i = 0; i < config.filters.size(); ++i) {
    const bool drops = config.filters[i].action == "drop";
    m.dropped.push_back(drops ? &r.counter("logship_stash_dropped_total", "Messages dropped by a filter",
                                           {{"cluster", config.name}, {"filter", "Filters[" + std::to_string(i) + "]"}})
                              : nullptr);
  }
  return m;
}

metrics::Gauge& ClusterRunnerMetrics::lag(metrics::Registry& r, const std::string& cluster, const std::string& topic,
                                          int32_t partition) {
  return r.gauge("logship_stash_consumer_lag", "Messages behind the high watermark",
                 {{"cluster", cluster}, {"topic", topic}, {"partition", std::to_string(partition)}});
}

ClusterRunner::ClusterRunner(const ClusterConfig& config, metrics::Registry& registry,
                             std::chrono::milliseconds unhealthy_after)
    : ClusterRunner(config, registry, unhealthy_after, realSeams(config)) {}

ClusterRunner::ClusterRunner(const ClusterConfig& config, metrics::Registry& registry,
                             std::chrono::milliseconds unhealthy_after, ClusterSeams seams)
    : config_(config),
      registry_(registry),
      unhealthy_after_(unhealthy_after),
      seams_(std::move(seams)),
      time_(*seams_.time),
      dead_letter_(seams_.dead_letter()),
      processor_(config, processorClock(time_)),
      metrics_(ClusterRunnerMetrics::in(registry, config)) {
  doc_.reserve(64 * 1024);
}

ClusterRunner::~ClusterRunner() { stop(std::chrono::steady_clock::now()); }

void ClusterRunner::start() {
  deadline_ = std::chrono::steady_clock::time_point::max();
  thread_ = std::thread([this] { run(); });
}

void ClusterRunner::stop(std::chrono::steady_clock::time_point deadline) {
  deadline_ = deadline;
  stop_.trigger();
  { std::lock_guard<std::mutex> lock(done_mutex_); }
  done_cv_.notify_all();  // a revoke waiting for its in-flight work ends at the new deadline
  if (thread_.joinable()) thread_.join();
}

int64_t ClusterRunner::monotonicMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time_.monotonicTime().time_since_epoch()).count();
}

void ClusterRunner::setReachable(std::atomic<int64_t>& since, bool ok) {
  if (ok) {
    since.store(0, std::memory_order_relaxed);
  } else {
    int64_t expected = 0;
    since.compare_exchange_strong(expected, monotonicMs());
  }
}

admin::HealthStatus ClusterRunner::health(const std::atomic<int64_t>& since, ErrorCode code, const char* what,
                                          const std::string& why) const {
  const int64_t s = since.load();
  const int64_t now = monotonicMs();
  if (s == 0 || now - s < unhealthy_after_.count()) return {};
  return {
      code,
      std::string(what) + " unusable for " + std::to_string((now - s) / 1000) + "s" + (why.empty() ? "" : ": ") + why,
      "{\"cluster\":\"" + config_.name + "\"}"};
}

void ClusterRunner::noteEsAnswer(const es::HttpResult& r) {
  es::EsProblem p = es::describeProblem(r);
  if (p.code == ErrorCode::kOk) {
    if (es_down_since_.load(std::memory_order_relaxed) == 0) return;  // the hot path: nothing to change
    std::lock_guard lock(es_problem_mu_);
    es_problem_ = {};
    setReachable(es_down_since_, true);
    return;
  }
  std::lock_guard lock(es_problem_mu_);
  // Credentials and certificates do not heal by waiting: one error line per new cause (the retries
  // themselves log at warn), naming host and cause.
  if (p.code != ErrorCode::kEsTransport && p.message != es_problem_.message)
    log::error(*log::get("stash"), "elasticsearch refuses logship-stash; nothing is acknowledged until fixed",
               {{"cluster", config_.name}, {"code", static_cast<int64_t>(p.code)}, {"error", p.message}});
  es_problem_ = std::move(p);
  setReachable(es_down_since_, false);
}

std::vector<admin::HealthCheck> ClusterRunner::healthChecks() {
  return {{config_.name + ".elasticsearch",
           [this] {
             std::lock_guard lock(es_problem_mu_);
             const ErrorCode code = es_problem_.code == ErrorCode::kOk ? ErrorCode::kEsTransport : es_problem_.code;
             return health(es_down_since_, code, "elasticsearch", es_problem_.message);
           }},
          {config_.name + ".kafka", [this]() -> admin::HealthStatus {
             if (kafka_fatal_.load())
               return {ErrorCode::kKafkaFatal, "kafka consumer failed fatally; restart logship-stash",
                       "{\"cluster\":\"" + config_.name + "\"}"};
             // librdkafka's text of the last SASL/TLS refusal names the broker and the cause.
             if (auto failure = kafka::recentSecurityFailure(kSecurityFailureWindow))
               return health(kafka_down_since_, failure->code, "kafka", failure->message);
             return health(kafka_down_since_, ErrorCode::kKafkaTransport, "kafka");
           }}};
}

bool ClusterRunner::connectEs() {
  auto logger = log::get("stash");
  BackoffSchedule backoff(config_.es.backoff_initial, std::chrono::milliseconds(10000));
  while (!stop_.triggered()) {
    es::HttpResult failed;
    if (auto v = seams_.es_version(failed)) {
      noteEsAnswer({200, {}, {}, {}});
      const std::string doc_type = v->acceptsDocType() ? config_.es.doc_type : "";
      log::info(*logger, "elasticsearch reachable",
                {{"cluster", config_.name},
                 {"version", v->number},
                 {"distribution", v->distribution},
                 {"doc_type", doc_type}});
      const MemoryBudget budget = sizeMemory(config_.es);
      es::BulkWriterOptions o;
      o.max_chunk_bytes = budget.chunk_bytes;
      o.max_pending_bytes = budget.bulk_pending_bytes;
      o.max_in_flight = config_.es.max_in_flight;
      o.flush_interval = config_.es.flush_interval;
      o.compress = config_.es.compress;
      o.doc_type = doc_type;
      o.backoff_initial = config_.es.backoff_initial;
      o.backoff_max = config_.es.backoff_max;
      o.cluster = config_.name;
      es::BulkCallbacks cb;
      cb.on_done = [this](const std::vector<es::ItemTag>& tags) {
        const int64_t now_ms = time_.unixMillis();
        for (const auto& t : tags) {
          tracker_.done(t.slot, t.epoch, t.offset);
          if (t.read_ms > 0) metrics_.index_latency->observe(static_cast<double>(now_ms - t.read_ms) / 1000.0);
        }
        { std::lock_guard<std::mutex> lock(done_mutex_); }
        done_cv_.notify_all();
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
                    {{"topic", r.topic},
                     {"partition", r.partition},
                     {"offset", r.offset},
                     {"status", r.status},
                     {"error", r.error_type + ": " + r.error_reason}});
          records.push_back(std::move(r));
        }
        return dead_letter_->write(records);
      };
      cb.on_answer = [this](const es::HttpResult& r) { noteEsAnswer(r); };
      writer_ = std::make_unique<es::BulkWriter>(o, *seams_.transport, cb, registry_, time_);
      return true;
    }
    noteEsAnswer(failed);
    const auto delay = backoff.next();
    log::warn(*logger, "elasticsearch not reachable yet",
              {{"cluster", config_.name}, {"retry_in_ms", static_cast<int64_t>(delay.count())}});
    stop_.waitFor(time_, delay);
  }
  return false;
}

void ClusterRunner::run() {
  auto logger = log::get("stash");
  if (!connectEs()) return;
  kafka::ConsumerHooks hooks;
  hooks.assigned = [this](const std::vector<kafka::TopicPartitionRef>& parts) {
    for (const auto& p : parts) tracker_.assign(p.topic, p.partition);
    cached_valid_ = false;
  };
  hooks.revoked = [this](const std::vector<kafka::TopicPartitionRef>& parts) { onRevoked(parts); };
  hooks.reachability = [this](bool ok) { setReachable(kafka_down_since_, ok); };
  consumer_ = seams_.source(std::move(hooks));
  try {
    consumer_->start();
  } catch (const std::exception& e) {
    log::error(*logger, "cannot start kafka consumer", {{"cluster", config_.name}, {"error", e.what()}});
    setReachable(kafka_down_since_, false);
    writer_->drain(std::chrono::steady_clock::now());
    // Consumer creation fails only on the config (a TLS file that cannot be read, a SASL
    // mechanism this librdkafka lacks): running on without consuming would look healthy to a
    // supervisor that only watches the process.
    const auto* error = dynamic_cast<const Error*>(&e);
    if (seams_.fatal && error != nullptr && error->code() == ErrorCode::kConfigInvalid) seams_.fatal(e.what());
    return;
  }
  log::info(*logger, "consuming",
            {{"cluster", config_.name}, {"group", config_.kafka.group}, {"dead_letter", dead_letter_->describe()}});
  auto next_commit = time_.monotonicTime() + config_.kafka.commit_interval;
  kafka::PolledMessage msg;
  while (!stop_.triggered()) {
    if (readyToPoll() && consumer_->poll(100, msg)) handle(msg);
    const auto now = time_.monotonicTime();
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
  log::info(
      *logger,
      complete ? "flushed everything before exit" : "grace period over, unfinished work abandoned (not committed)",
      {{"cluster", config_.name}, {"pending", static_cast<uint64_t>(tracker_.pending())}});
  consumer_->close();
}

bool ClusterRunner::readyToPoll() {
  // librdkafka drops its pre-fetched messages when partitions are paused and fetches them again on
  // resume. A short overload therefore only stops polling (the pre-fetch stays bounded by
  // MaxMemory, the heartbeat thread keeps the membership); one that lasts kPauseAfter pauses the
  // partitions and polls go on, so rebalances and max.poll.interval.ms are served while ES is down.
  constexpr auto kPauseAfter = std::chrono::seconds(1);
  auto logger = log::get("stash");
  const bool full = writer_->overloaded();
  if (!full) {
    overloaded_since_.reset();
    if (consumer_->paused()) {
      consumer_->resume();
      metrics_.paused->set(0);
      log::info(*logger, "resuming consumption", {{"cluster", config_.name}});
    }
    return true;
  }
  if (consumer_->paused()) return true;
  const auto now = time_.monotonicTime();
  if (!overloaded_since_) overloaded_since_ = now;
  if (now - *overloaded_since_ < kPauseAfter) return !writer_->waitUntilNotOverloaded(std::chrono::milliseconds(100));
  consumer_->pause();
  metrics_.paused->set(1);
  log::info(*logger, "bulk queue full, pausing consumption", {{"cluster", config_.name}});
  return true;
}

void ClusterRunner::handle(const kafka::PolledMessage& msg) {
  if (msg.error != 0) {
    metrics_.consume_errors->inc();
    if (msg.error == RD_KAFKA_RESP_ERR__FATAL && !kafka_fatal_.exchange(true))
      log::error(*log::get("stash"), "kafka consumer failed fatally, no more consumption; /healthz is unhealthy",
                 {{"cluster", config_.name}, {"error", msg.error_text}});
    if (classifyKafka(static_cast<rd_kafka_resp_err_t>(msg.error)) == Disposition::kRetry)
      setReachable(kafka_down_since_, false);
    log::warn(*log::get("stash"), "kafka consumer error", {{"cluster", config_.name}, {"error", msg.error_text}});
    return;
  }
  setReachable(kafka_down_since_, true);
  if (!cached_valid_ || cached_partition_ != msg.partition || cached_topic_ != msg.topic) {
    cached_topic_.assign(msg.topic);
    cached_partition_ = msg.partition;
    // Only the rebalance callback makes a partition ours. A message of a partition that is not
    // (one fetched before its revoke) must not be tracked: its slot would become active again and
    // every later commit would send that partition's offset, ahead of what its owner indexed.
    if (!tracker_.handle(cached_topic_, msg.partition, cached_handle_)) {
      metrics_.unassigned->inc();
      log::debug(*log::get("stash"), "message of a partition not assigned here, left to its owner",
                 {{"topic", cached_topic_}, {"partition", msg.partition}, {"offset", msg.offset}});
      return;
    }
    cached_valid_ = true;
  }
  metrics_.consumed->inc();
  const auto h = cached_handle_;
  const int64_t offset = msg.offset;
  tracker_.track(h, offset);
  doc_.clear();
  const ProcessResult r = processor_.process(msg.value, doc_);
  switch (r.kind) {
    case ProcessResult::kDoc:
      if (r.wrapped) metrics_.invalid->inc();
      if (r.meta_id.empty())
        derivedDocumentId(msg.topic, msg.partition, offset, id_);
      else
        id_.assign(r.meta_id);
      writer_->add(r.index, id_, doc_, {h.slot, h.epoch, offset, msg.timestamp_ms});
      break;
    case ProcessResult::kDropped:
      if (r.filter < metrics_.dropped.size() && metrics_.dropped[r.filter]) metrics_.dropped[r.filter]->inc();
      tracker_.done(h.slot, h.epoch, offset);
      break;
    case ProcessResult::kInvalid:
      metrics_.invalid->inc();
      deadLetterInvalid(msg);
      break;
  }
}

void ClusterRunner::deadLetterInvalid(const kafka::PolledMessage& msg) {
  DeadLetterRecord r;
  r.reason = "invalid_json";
  r.cluster = config_.name;
  r.topic.assign(msg.topic);
  r.partition = msg.partition;
  r.offset = msg.offset;
  r.error_type = "invalid_json";
  r.error_reason = "the message value is not a JSON object";
  r.raw.assign(msg.value);
  log::warn(*log::get("stash"), "message is not a JSON object, sent to the dead letter",
            {{"topic", r.topic}, {"partition", r.partition}, {"offset", r.offset}});
  BackoffSchedule backoff(std::chrono::milliseconds(200), std::chrono::milliseconds(10000));
  while (!dead_letter_->write({r})) {
    if (stop_.waitFor(time_, backoff.next())) return;
  }
  metrics_.dead_invalid->inc();
  tracker_.done(cached_handle_.slot, cached_handle_.epoch, r.offset);
}

void ClusterRunner::onRevoked(const std::vector<kafka::TopicPartitionRef>& parts) {
  // Finish what is in flight for these partitions (bounded), commit what is done, forget the rest:
  // unfinished messages are read again by the next owner and `create` makes the replay harmless.
  // The bound is on waiting for the bulk senders' threads: steady clock, as the shutdown deadline.
  // A SIGTERM during the wait moves deadline_ (and wakes it): the wait ends within the grace period.
  writer_->flush();
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  {
    std::unique_lock<std::mutex> lock(done_mutex_);
    auto finished = [&] {
      size_t left = 0;
      for (const auto& p : parts) left += tracker_.pending(p.topic, p.partition);
      return left == 0;
    };
    while (!finished()) {
      const auto until = std::min(limit, deadline_.load());
      if (std::chrono::steady_clock::now() >= until) break;
      done_cv_.wait_until(lock, until);
    }
  }
  commitTick(true);
  for (const auto& p : parts) tracker_.revoke(p.topic, p.partition);
  cached_valid_ = false;
}

void ClusterRunner::commitTick(bool sync) {
  auto points = tracker_.takeCommittable(sync);
  consumer_->commit(points, sync);
  metrics_.pending->set(static_cast<int64_t>(tracker_.pending()));
  consumer_->lag([this](const std::string& topic, int32_t partition, int64_t lag) {
    ClusterRunnerMetrics::lag(registry_, config_.name, topic, partition).set(lag);
  });
}

}  // namespace logship::stash
