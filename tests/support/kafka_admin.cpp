#include "support/kafka_admin.h"

#include <librdkafka/rdkafkacpp.h>

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>

namespace logship::testing {

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("kafka test helper: " + what); }

int msLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

void setConf(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name, value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    fail(std::string("config ") + name + "=" + value + ": " + errstr);
  }
}

void quietLogger(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  // Keep test output readable: only errors and worse.
  if (level <= 3) fprintf(stderr, "librdkafka %s: %s\n", fac, buf);
}

Handle makeHandle(const std::string& bootstrap, rd_kafka_type_t type, rd_kafka_conf_t* conf = nullptr) {
  if (conf == nullptr) conf = rd_kafka_conf_new();
  setConf(conf, "bootstrap.servers", bootstrap);
  setConf(conf, "client.id", "logship-test-support");
  setConf(conf, "allow.auto.create.topics", "false");
  rd_kafka_conf_set_log_cb(conf, quietLogger);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    fail(std::string("rd_kafka_new: ") + errstr);
  }
  return Handle(rk);
}

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* md) const {
    if (md != nullptr) rd_kafka_metadata_destroy(md);
  }
};
using Metadata = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

Metadata allMetadata(rd_kafka_t* rk, int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, std::max(timeout_ms, 1));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fail(std::string("metadata request failed: ") + rd_kafka_err2str(err));
  }
  return Metadata(md);
}

// -1: not listed; otherwise partition count, or -2 if some partition has no leader/error.
int topicState(const rd_kafka_metadata_t* md, const std::string& topic) {
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return -1;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) return -2;
    for (int p = 0; p < t.partition_cnt; ++p) {
      if (t.partitions[p].err != RD_KAFKA_RESP_ERR_NO_ERROR || t.partitions[p].leader < 0) return -2;
    }
    return t.partition_cnt;
  }
  return -1;
}

struct EventDeleter {
  void operator()(rd_kafka_event_t* ev) const {
    if (ev != nullptr) rd_kafka_event_destroy(ev);
  }
};
using Event = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

Event waitForAdminResult(rd_kafka_queue_t* queue, rd_kafka_event_type_t type, Clock::time_point deadline,
                         const std::string& what) {
  while (true) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, std::max(msLeft(deadline), 1));
    if (ev == nullptr) fail(what + ": no result before the timeout");
    Event e(ev);
    if (rd_kafka_event_type(ev) == type) return e;
    if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_ERROR) {
      fail(what + ": " + rd_kafka_event_error_string(ev));
    }
    // anything else (logs, stats): ignore
  }
}

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const {
    if (q != nullptr) rd_kafka_queue_destroy(q);
  }
};
struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const {
    if (o != nullptr) rd_kafka_AdminOptions_destroy(o);
  }
};

std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter> adminOptions(rd_kafka_t* rk, rd_kafka_admin_op_t op,
                                                                      int timeout_ms) {
  std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter> opts(rd_kafka_AdminOptions_new(rk, op));
  char errstr[512];
  if (rd_kafka_AdminOptions_set_request_timeout(opts.get(), timeout_ms, errstr, sizeof errstr) ||
      rd_kafka_AdminOptions_set_operation_timeout(opts.get(), timeout_ms, errstr, sizeof errstr)) {
    fail(std::string("admin options: ") + errstr);
  }
  return opts;
}

}  // namespace

std::string uniqueTopic(const std::string& prefix) {
  static std::atomic<unsigned> counter{0};
  static const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed ^ (counter.load() * 2654435761u));
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::string name = prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(now % 100000000) + "-" +
                     std::to_string(counter.fetch_add(1)) + "-" + std::to_string(rng() % 100000);
  // Kafka topic names: [a-zA-Z0-9._-], at most 249 characters.
  for (char& c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) c = '-';
  }
  if (name.size() > 249) name = name.substr(name.size() - 249);
  return name;
}

void createTopic(const std::string& bootstrap, const std::string& topic, int partitions,
                 std::chrono::milliseconds timeout, bool ok_if_exists) {
  const auto deadline = Clock::now() + timeout;
  Handle rk = makeHandle(bootstrap, RD_KAFKA_PRODUCER);
  char errstr[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, errstr, sizeof errstr);
  if (nt == nullptr) fail("NewTopic " + topic + ": " + errstr);
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk.get()));
  auto opts = adminOptions(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, std::max(msLeft(deadline), 1000));
  rd_kafka_CreateTopics(rk.get(), &nt, 1, opts.get(), queue.get());
  rd_kafka_NewTopic_destroy(nt);

  Event ev = waitForAdminResult(queue.get(), RD_KAFKA_EVENT_CREATETOPICS_RESULT, deadline, "create topic " + topic);
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fail("create topic " + topic + ": " + rd_kafka_event_error_string(ev.get()));
  }
  const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev.get());
  size_t cnt = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &cnt);
  for (size_t i = 0; i < cnt; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS && ok_if_exists) continue;
    const char* msg = rd_kafka_topic_result_error_string(results[i]);
    fail("create topic " + topic + ": " + rd_kafka_err2name(err) + (msg ? std::string(": ") + msg : ""));
  }

  // Wait until the metadata shows the topic with a leader for every partition.
  std::string last = "not listed";
  while (true) {
    try {
      Metadata md = allMetadata(rk.get(), std::min(msLeft(deadline), 5000));
      const int state = topicState(md.get(), topic);
      if (state > 0) return;
      last = state == -1 ? "not listed" : "partitions without leader";
    } catch (const std::exception& e) {
      last = e.what();
    }
    if (msLeft(deadline) <= 0) fail("create topic " + topic + ": not ready before the timeout (" + last + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void deleteTopic(const std::string& bootstrap, const std::string& topic, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Handle rk = makeHandle(bootstrap, RD_KAFKA_PRODUCER);
  rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(topic.c_str());
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk.get()));
  auto opts = adminOptions(rk.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS, std::max(msLeft(deadline), 1000));
  rd_kafka_DeleteTopics(rk.get(), &dt, 1, opts.get(), queue.get());
  rd_kafka_DeleteTopic_destroy(dt);

  Event ev = waitForAdminResult(queue.get(), RD_KAFKA_EVENT_DELETETOPICS_RESULT, deadline, "delete topic " + topic);
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fail("delete topic " + topic + ": " + rd_kafka_event_error_string(ev.get()));
  }
  const rd_kafka_DeleteTopics_result_t* res = rd_kafka_event_DeleteTopics_result(ev.get());
  size_t cnt = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_DeleteTopics_result_topics(res, &cnt);
  for (size_t i = 0; i < cnt; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) continue;
    const char* msg = rd_kafka_topic_result_error_string(results[i]);
    fail("delete topic " + topic + ": " + rd_kafka_err2name(err) + (msg ? std::string(": ") + msg : ""));
  }

  std::string last;
  while (true) {
    try {
      Metadata md = allMetadata(rk.get(), std::min(msLeft(deadline), 5000));
      if (topicState(md.get(), topic) == -1) return;
      last = "still listed";
    } catch (const std::exception& e) {
      last = e.what();
    }
    if (msLeft(deadline) <= 0) fail("delete topic " + topic + ": " + last + " at the timeout");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

bool topicExists(const std::string& bootstrap, const std::string& topic, std::chrono::milliseconds timeout) {
  Handle rk = makeHandle(bootstrap, RD_KAFKA_PRODUCER);
  Metadata md = allMetadata(rk.get(), static_cast<int>(timeout.count()));
  return topicState(md.get(), topic) != -1;
}

int partitionCount(const std::string& bootstrap, const std::string& topic, std::chrono::milliseconds timeout) {
  Handle rk = makeHandle(bootstrap, RD_KAFKA_PRODUCER);
  Metadata md = allMetadata(rk.get(), static_cast<int>(timeout.count()));
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      return md->topics[i].partition_cnt;
    }
  }
  return 0;
}

std::int64_t countMessages(const std::string& bootstrap, const std::string& topic, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Handle rk = makeHandle(bootstrap, RD_KAFKA_PRODUCER);
  Metadata md = allMetadata(rk.get(), msLeft(deadline));
  int partitions = -1;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      partitions = md->topics[i].partition_cnt;
    }
  }
  if (partitions < 0) fail("count messages: topic " + topic + " does not exist");
  std::int64_t total = 0;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    const rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high, std::max(msLeft(deadline), 1));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fail("watermarks of " + topic + "[" + std::to_string(p) + "]: " + rd_kafka_err2str(err));
    }
    total += high - low;
  }
  return total;
}

void produceMessages(const std::string& bootstrap, const std::string& topic, const std::vector<std::string>& values,
                     const std::string& key, std::chrono::milliseconds timeout) {
  struct Reports {
    std::size_t done = 0;
    rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  } reports;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  setConf(conf, "message.timeout.ms", std::to_string(std::max<long long>(timeout.count(), 1000)));
  setConf(conf, "linger.ms", "5");
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* r = static_cast<Reports*>(opaque);
    ++r->done;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && r->first_error == RD_KAFKA_RESP_ERR_NO_ERROR) {
      r->first_error = m->err;
    }
  });
  rd_kafka_conf_set_opaque(conf, &reports);
  Handle rk = makeHandle(bootstrap, RD_KAFKA_PRODUCER, conf);
  const auto deadline = Clock::now() + timeout;
  for (const std::string& v : values) {
    while (true) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          rk.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
          RD_KAFKA_V_KEY(key.empty() ? nullptr : const_cast<char*>(key.data()), key.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || msLeft(deadline) <= 0) {
        fail("produce to " + topic + ": " + rd_kafka_err2str(err));
      }
      rd_kafka_poll(rk.get(), 50);
    }
    rd_kafka_poll(rk.get(), 0);
  }
  rd_kafka_flush(rk.get(), std::max(msLeft(deadline), 1));
  while (reports.done < values.size() && msLeft(deadline) > 0) rd_kafka_poll(rk.get(), 50);
  if (reports.first_error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fail("delivery to " + topic + " failed: " + rd_kafka_err2str(reports.first_error));
  }
  if (reports.done < values.size()) {
    fail("delivery to " + topic + ": only " + std::to_string(reports.done) + " of " + std::to_string(values.size()) +
         " messages confirmed before the timeout");
  }
}

std::vector<KafkaMessage> consumeMessages(const std::string& bootstrap, const std::string& topic,
                                          std::size_t expected_count, std::chrono::milliseconds timeout,
                                          std::chrono::milliseconds settle) {
  const auto deadline = Clock::now() + timeout;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // A throwaway group id is required by the consumer API; we only assign()
  // partitions explicitly, so there is no group join and nothing is committed.
  setConf(conf, "group.id", uniqueTopic("logship-test-reader"));
  setConf(conf, "enable.auto.commit", "false");
  setConf(conf, "enable.auto.offset.store", "false");
  setConf(conf, "enable.partition.eof", "false");
  setConf(conf, "fetch.wait.max.ms", "100");
  Handle rk = makeHandle(bootstrap, RD_KAFKA_CONSUMER, conf);
  rd_kafka_poll_set_consumer(rk.get());

  // Partitions of the topic (waits for the topic to exist until the deadline).
  int partitions = 0;
  while (true) {
    try {
      Metadata md = allMetadata(rk.get(), std::min(std::max(msLeft(deadline), 1), 5000));
      for (int i = 0; i < md->topic_cnt; ++i) {
        if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          partitions = md->topics[i].partition_cnt;
        }
      }
    } catch (const std::exception&) {
      // retry until the deadline
    }
    if (partitions > 0) break;
    if (msLeft(deadline) <= 0) fail("consume: topic " + topic + " does not exist");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  const rd_kafka_resp_err_t aerr = rd_kafka_assign(rk.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (aerr != RD_KAFKA_RESP_ERR_NO_ERROR) fail("assign " + topic + ": " + rd_kafka_err2str(aerr));

  std::vector<KafkaMessage> out;
  Clock::time_point stop_at = deadline;
  bool reached = false;
  while (Clock::now() < stop_at) {
    if (!reached && out.size() >= expected_count) {
      reached = true;
      stop_at = Clock::now() + settle;
      if (settle.count() <= 0) break;
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), std::max(1, std::min(msLeft(stop_at), 100)));
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      KafkaMessage km;
      if (m->payload != nullptr) km.value.assign(static_cast<const char*>(m->payload), m->len);
      if (m->key != nullptr) km.key.assign(static_cast<const char*>(m->key), m->key_len);
      km.partition = m->partition;
      km.offset = m->offset;
      km.timestamp_ms = rd_kafka_message_timestamp(m, nullptr);
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs != nullptr) {
        const char* name = nullptr;
        const void* val = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
          km.headers.emplace_back(name, val ? std::string(static_cast<const char*>(val), size) : "");
        }
      }
      out.push_back(std::move(km));
    } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      const std::string err = rd_kafka_message_errstr(m);
      const rd_kafka_resp_err_t code = m->err;
      rd_kafka_message_destroy(m);
      // transient errors (e.g. broker restarting) are retried until the deadline
      if (code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ||
          code == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION || code == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE) {
        continue;
      }
      fail("consume " + topic + ": " + err);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk.get());
  return out;
}

std::vector<std::string> consumeAll(const std::string& bootstrap, const std::string& topic, std::size_t expected_count,
                                    std::chrono::milliseconds timeout, std::chrono::milliseconds settle) {
  std::vector<std::string> values;
  for (KafkaMessage& m : consumeMessages(bootstrap, topic, expected_count, timeout, settle)) {
    values.push_back(std::move(m.value));
  }
  return values;
}

std::int64_t committedTotal(const std::string& bootstrap, const std::string& group, const std::string& topic,
                            int partitions) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", bootstrap, err);
  conf->set("group.id", group, err);
  conf->set("log_level", "2", err);
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!c) return -1;
  std::vector<RdKafka::TopicPartition*> parts;
  for (int p = 0; p < partitions; ++p) parts.push_back(RdKafka::TopicPartition::create(topic, p));
  std::int64_t total = -1;
  if (c->committed(parts, 10000) == RdKafka::ERR_NO_ERROR) {
    total = 0;
    for (auto* p : parts) total += p->offset() > 0 ? p->offset() : 0;
  }
  RdKafka::TopicPartition::destroy(parts);
  c->close();
  return total;
}

}  // namespace logship::testing
