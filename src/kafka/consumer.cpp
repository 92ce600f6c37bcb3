#include "logship/kafka/consumer.h"

#include <algorithm>

#include <librdkafka/rdkafka.h>

#include "logship/common/error.h"
#include "logship/common/logging.h"

namespace logship::kafka {

namespace {
std::vector<TopicPartitionRef> refs(const std::vector<RdKafka::TopicPartition*>& parts) {
  std::vector<TopicPartitionRef> out;
  for (auto* p : parts) out.push_back({p->topic(), p->partition()});
  return out;
}
}  // namespace

class Consumer::Rebalance : public RdKafka::RebalanceCb {
 public:
  explicit Rebalance(Consumer& owner) : owner_(owner) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    auto logger = log::get("kafka");
    const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      log::info(*logger, "partitions assigned", {{"count", static_cast<int64_t>(partitions.size())}});
      if (owner_.hooks_.assigned) owner_.hooks_.assigned(refs(partitions));
      if (cooperative)
        consumer->incremental_assign(partitions);
      else
        consumer->assign(partitions);
      if (owner_.paused_) consumer->pause(partitions);
    } else {
      log::info(*logger, "partitions revoked", {{"count", static_cast<int64_t>(partitions.size())}});
      if (owner_.hooks_.revoked) owner_.hooks_.revoked(refs(partitions));
      if (cooperative)
        consumer->incremental_unassign(partitions);
      else
        consumer->unassign();
    }
  }

 private:
  Consumer& owner_;
};

class Consumer::Events : public RdKafka::EventCb {
 public:
  explicit Events(Consumer& owner) : owner_(owner) {}
  void event_cb(RdKafka::Event& event) override {
    logger_.event_cb(event);
    if (event.type() == RdKafka::Event::EVENT_ERROR &&
        (event.err() == RdKafka::ERR__ALL_BROKERS_DOWN || event.err() == RdKafka::ERR__TRANSPORT ||
         securityFailureCode(static_cast<int>(event.err()), event.str()) != ErrorCode::kOk) &&
        owner_.hooks_.reachability) {
      owner_.hooks_.reachability(false);
    }
  }

 private:
  Consumer& owner_;
  EventLogger logger_;
};

Consumer::Consumer(ConsumerOptions options, ConsumerHooks hooks, TimeSource& time)
    : options_(std::move(options)), hooks_(std::move(hooks)), time_(time) {
  rebalance_ = std::make_unique<Rebalance>(*this);
  events_ = std::make_unique<Events>(*this);
  if (!options_.topics_pattern.empty()) pattern_ = std::make_unique<RE2>(options_.topics_pattern, RE2::Quiet);
}

Consumer::~Consumer() { close(); }

void Consumer::start() {
  auto conf = makeConf(options_.props);
  std::string err;
  if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(rebalance_.get()), err) != RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(events_.get()), err) != RdKafka::Conf::CONF_OK)
    throw Error(ErrorCode::kInternal, "cannot install kafka callbacks", err);
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer_) throw Error(ErrorCode::kConfigInvalid, "cannot create kafka consumer", err);
  waker_ = std::make_unique<FetchWaker>(*consumer_);
  subscribe(resolveTopics());
  next_refresh_ = time_.monotonicTime() + options_.topics_refresh;
}

std::vector<std::string> Consumer::matchTopics(const RE2& pattern, const std::vector<std::string>& all) {
  std::vector<std::string> out;
  for (const auto& t : all) {
    if (t.rfind("__", 0) == 0) continue;
    if (RE2::PartialMatch(t, pattern)) out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Consumer::resolveTopics() {
  std::vector<std::string> topics = options_.topics;
  if (pattern_) {
    RdKafka::Metadata* md = nullptr;
    if (consumer_->metadata(true, nullptr, &md, 10000) == RdKafka::ERR_NO_ERROR && md) {
      std::vector<std::string> all;
      for (const auto* t : *md->topics()) all.push_back(t->topic());
      delete md;
      if (hooks_.reachability) hooks_.reachability(true);
      for (auto& t : matchTopics(*pattern_, all))
        if (std::find(topics.begin(), topics.end(), t) == topics.end()) topics.push_back(t);
    } else {
      log::warn(*log::get("kafka"), "cannot list topics for TopicsPattern, keeping the current set");
      return subscribed_.empty() ? topics : subscribed_;
    }
  }
  std::sort(topics.begin(), topics.end());
  return topics;
}

void Consumer::subscribe(const std::vector<std::string>& topics) {
  if (topics == subscribed_) return;
  if (topics.empty()) {
    log::warn(*log::get("kafka"), "no topic matches yet", {{"pattern", options_.topics_pattern}});
    if (!subscribed_.empty()) consumer_->unsubscribe();
    subscribed_.clear();
    return;
  }
  const auto err = consumer_->subscribe(topics);
  if (err != RdKafka::ERR_NO_ERROR) throw Error(ErrorCode::kKafkaTopic, "cannot subscribe", RdKafka::err2str(err));
  std::string list;
  for (const auto& t : topics) list += (list.empty() ? "" : ",") + t;
  log::info(*log::get("kafka"), "subscribed", {{"topics", list}});
  subscribed_ = topics;
}

bool Consumer::poll(int timeout_ms, PolledMessage& out) {
  // The queue is empty: librdkafka may be idle with more to fetch (fetch_waker.h), then wait.
  last_.reset(consumer_->consume(0));
  if (last_ && last_->err() == RdKafka::ERR__TIMED_OUT) {
    waker_->poke();
    last_.reset(consumer_->consume(timeout_ms));
  }
  if (!last_) return false;
  out.error = last_->err();
  switch (last_->err()) {
    case RdKafka::ERR_NO_ERROR: {
      // The C handle's name: topic_name() returns a new std::string per message.
      const char* topic = rd_kafka_topic_name(last_->c_ptr()->rkt);
      out.topic = topic ? std::string_view(topic) : std::string_view();
      out.partition = last_->partition();
      out.offset = last_->offset();
      out.timestamp_ms = std::max<int64_t>(0, last_->timestamp().timestamp);
      out.value = std::string_view(static_cast<const char*>(last_->payload()), last_->len());
      return true;
    }
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__PARTITION_EOF:
      return false;
    default:
      out.topic = {};
      out.value = {};
      out.error_text = last_->errstr();
      return true;
  }
}

bool Consumer::probe(std::chrono::milliseconds timeout) {
  RdKafka::Metadata* md = nullptr;
  const bool ok = consumer_->metadata(false, nullptr, &md, static_cast<int>(timeout.count())) == RdKafka::ERR_NO_ERROR;
  delete md;
  if (hooks_.reachability) hooks_.reachability(ok);
  return ok;
}

void Consumer::maybeRefreshTopics(std::chrono::steady_clock::time_point now) {
  if (!pattern_ || now < next_refresh_) return;
  next_refresh_ = now + options_.topics_refresh;
  subscribe(resolveTopics());
}

void Consumer::pause() {
  if (paused_) return;
  std::vector<RdKafka::TopicPartition*> parts;
  consumer_->assignment(parts);
  consumer_->pause(parts);
  RdKafka::TopicPartition::destroy(parts);
  paused_ = true;
}

void Consumer::resume() {
  if (!paused_) return;
  std::vector<RdKafka::TopicPartition*> parts;
  consumer_->assignment(parts);
  consumer_->resume(parts);
  RdKafka::TopicPartition::destroy(parts);
  paused_ = false;
}

void Consumer::commit(const std::vector<CommitPoint>& points, bool sync) {
  if (points.empty() || !consumer_) return;
  std::vector<RdKafka::TopicPartition*> parts;
  for (const auto& p : points) parts.push_back(RdKafka::TopicPartition::create(p.topic, p.partition, p.offset));
  const auto err = sync ? consumer_->commitSync(parts) : consumer_->commitAsync(parts);
  RdKafka::TopicPartition::destroy(parts);
  if (err != RdKafka::ERR_NO_ERROR)
    log::warn(*log::get("kafka"), "offset commit failed", {{"error", RdKafka::err2str(err)}});
}

void Consumer::lag(const std::function<void(const std::string&, int32_t, int64_t)>& fn) {
  forEachPartitionLag(*consumer_,
                      [&](const RdKafka::TopicPartition& p, int64_t lag) { fn(p.topic(), p.partition(), lag); });
}

void Consumer::close() {
  // The last polled message holds a reference on the client: destroying the consumer while it is
  // alive makes rd_kafka_destroy wait for it forever (a hang at exit after "stopped").
  last_.reset();
  if (closed_ || !consumer_) return;
  closed_ = true;
  if (waker_) waker_->stop();
  consumer_->close();
}

}  // namespace logship::kafka
