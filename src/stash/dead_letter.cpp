#include "logship/stash/dead_letter.h"

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cstdio>

#include "logship/common/error.h"
#include "logship/common/json.h"
#include "logship/common/logging.h"
#include "logship/stash/filters.h"

namespace logship::stash {

std::string formatDeadLetter(const DeadLetterRecord& r, TimeSource::SystemTime at) {
  std::string out;
  json::ObjectWriter w(out);
  w.field("@timestamp", TimestampFilter::format(at))
      .field("reason", r.reason)
      .field("cluster", r.cluster)
      .field("topic", r.topic)
      .fieldInt("partition", r.partition)
      .fieldInt("offset", r.offset);
  if (!r.index.empty()) w.key("index"), out += '"', out += r.index, out += '"';
  if (!r.id.empty()) w.key("id"), out += '"', out += r.id, out += '"';
  std::string err;
  json::ObjectWriter e(err);
  e.fieldInt("status", r.status).field("type", r.error_type).field("reason", r.error_reason);
  e.close();
  w.fieldRaw("error", err);
  if (!r.doc.empty())
    w.fieldRaw("doc", r.doc);
  else
    w.field("raw", r.raw);
  w.close();
  return out;
}

bool FileDeadLetter::write(const std::vector<DeadLetterRecord>& records) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::FILE* f = std::fopen(path_.c_str(), "ab");
  if (!f) {
    log::error(*log::get("stash"), "cannot open dead letter file", {{"file", path_}});
    return false;
  }
  bool ok = true;
  for (const auto& r : records) {
    std::string line = formatDeadLetter(r, time_.systemTime());
    line.push_back('\n');
    ok = ok && std::fwrite(line.data(), 1, line.size(), f) == line.size();
  }
  ok = std::fflush(f) == 0 && ok;
  ok = ::fsync(fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  return ok;
}

namespace {
class DeliveryCounter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& m) override {
    if (m.err() != RdKafka::ERR_NO_ERROR)
      failed.fetch_add(1);
    else
      ok.fetch_add(1);
  }
  std::atomic<int64_t> ok{0}, failed{0};
};
DeliveryCounter& deliveries() {
  static DeliveryCounter c;
  return c;
}
}  // namespace

KafkaDeadLetter::KafkaDeadLetter(const kafka::Properties& props, std::string topic, TimeSource& time)
    : topic_(std::move(topic)), time_(time) {
  kafka::Properties p = props;
  p["enable.idempotence"] = "true";
  p["acks"] = "all";
  auto conf = kafka::makeConf(p);
  std::string err;
  conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(&deliveries()), err);
  producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!producer_) throw Error(ErrorCode::kConfigInvalid, "cannot create dead letter producer", err);
}

KafkaDeadLetter::~KafkaDeadLetter() {
  if (producer_) producer_->flush(5000);
}

bool KafkaDeadLetter::write(const std::vector<DeadLetterRecord>& records) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t failed_before = deliveries().failed.load();
  for (const auto& r : records) {
    const std::string line = formatDeadLetter(r, time_.systemTime());
    RdKafka::ErrorCode err;
    while ((err = producer_->produce(topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                     const_cast<char*>(line.data()), line.size(), nullptr, 0, 0, nullptr)) ==
           RdKafka::ERR__QUEUE_FULL)
      producer_->poll(100);
    if (err != RdKafka::ERR_NO_ERROR) return false;
  }
  if (producer_->flush(30000) != RdKafka::ERR_NO_ERROR) return false;
  return deliveries().failed.load() == failed_before;
}

}  // namespace logship::stash
