#pragma once
// Helpers for the tail unit tests: an Output that records payloads and acks at once (or later).
#include <string>
#include <vector>

#include "logship/tail/output.h"
#include "logship/tail/tail_config.h"
#include "support/paths.h"

namespace logship::tail::testing {

// filebeat.yml in `dir` holding `yaml`, loaded as logship-tail loads it (path.home: `dir`).
inline TailConfig loadConfigIn(const logship::testing::TempDir& dir, const std::string& yaml) {
  logship::testing::writeFile(dir / "filebeat.yml", yaml);
  return loadTailConfig(LoadArgs{(dir / "filebeat.yml").string(), {}, dir.path().string(), {}});
}

// The one line loadConfigIn fails with; "" when it loads.
inline std::string configLoadError(const logship::testing::TempDir& dir, const std::string& yaml) {
  try {
    loadConfigIn(dir, yaml);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

// "line <from>" .. "line <to - 1>": the messages of the test files the tail tests write.
inline std::vector<std::string> lineMessages(int from, int to) {
  std::vector<std::string> v;
  for (int i = from; i < to; ++i) v.push_back("line " + std::to_string(i));
  return v;
}

class RecordingOutput : public Output {
 public:
  explicit RecordingOutput(AckFn ack, bool ack_now = true) : ack_(std::move(ack)), ack_now_(ack_now) {}
  void publish(const Event&, std::string_view payload, AckToken token) override {
    payloads.emplace_back(payload);
    if (ack_now_) {
      ack_(token, true);
    } else {
      tokens.push_back(token);
    }
  }
  void poll(std::chrono::milliseconds) override {}
  size_t queued() const override { return tokens.size(); }
  // full() once the payloads not yet acked reach `max_bytes` (queue.mem.bytes), when set.
  bool full() const override {
    if (max_bytes == 0) return false;
    size_t bytes = 0;
    for (size_t i = payloads.size() - tokens.size(); i < payloads.size(); ++i) bytes += payloads[i].size();
    return bytes >= max_bytes;
  }
  size_t max_bytes = 0;
  // The `message` of each payload, in order.
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& p : payloads) {
      const auto b = p.find("\"message\":\"") + 11;
      out.push_back(p.substr(b, p.find('"', b) - b));
    }
    return out;
  }
  void ackAll() {
    for (auto t : tokens) ack_(t, true);
    tokens.clear();
  }
  std::vector<std::string> payloads;
  std::vector<AckToken> tokens;

 private:
  AckFn ack_;
  bool ack_now_;
};

}  // namespace logship::tail::testing
