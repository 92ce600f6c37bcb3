#pragma once
// Structured logging on spdlog. Every line names its component and carries context fields
// (file, topic, partition, offset, ...) so one file's or one partition's story can be filtered out.
//   text (terminal):  2026-11-23T10:00:00.123Z INFO  [tail] harvester started file=/var/log/a.log offset=0
//   json (container): {"@timestamp":"...","level":"info","component":"tail","msg":"harvester
//   started","file":"/var/log/a.log","offset":0}
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

namespace logship::log {

struct Options {
  std::string level = "info";  // trace debug info warn(ing) error critical off
  bool json = false;
  // Where every logger writes (a rotating file, syslog, a test's stream); null: stderr.
  std::shared_ptr<spdlog::sinks::sink> sink = nullptr;
};

// Installs the format and the sink on every logger (existing and future). Throws Error on an
// unknown level.
void setup(const Options& options);
bool jsonEnabled();

// One logger per component ("tail", "registry", "kafka", "stash", "es", "admin").
std::shared_ptr<spdlog::logger> get(const std::string& component);

// A context field. Values given as strings are quoted; numbers are not.
class Field {
 public:
  Field(std::string_view key, std::string_view value) : key_(key), text_(value), quoted_(true) {}
  Field(std::string_view key, const std::string& value) : key_(key), text_(value), quoted_(true) {}
  Field(std::string_view key, const char* value) : key_(key), text_(value ? value : ""), quoted_(true) {}
  Field(std::string_view key, int64_t value) : key_(key), text_(std::to_string(value)), quoted_(false) {}
  Field(std::string_view key, int value) : Field(key, static_cast<int64_t>(value)) {}
  Field(std::string_view key, uint64_t value) : key_(key), text_(std::to_string(value)), quoted_(false) {}
  Field(std::string_view key, double value) : key_(key), text_(std::to_string(value)), quoted_(false) {}

  std::string_view key() const { return key_; }
  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }

 private:
  std::string_view key_;
  std::string text_;
  bool quoted_;
};

// Logs `msg` with context. Secrets in fields named like password/secret/api_key/token are masked.
void write(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view msg,
           std::initializer_list<Field> fields = {});
// The same with fields known only at run time (a metrics summary).
void write(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view msg,
           const std::vector<Field>& fields);

inline void info(spdlog::logger& l, std::string_view msg, std::initializer_list<Field> f = {}) {
  write(l, spdlog::level::info, msg, f);
}
inline void warn(spdlog::logger& l, std::string_view msg, std::initializer_list<Field> f = {}) {
  write(l, spdlog::level::warn, msg, f);
}
inline void error(spdlog::logger& l, std::string_view msg, std::initializer_list<Field> f = {}) {
  write(l, spdlog::level::err, msg, f);
}
inline void debug(spdlog::logger& l, std::string_view msg, std::initializer_list<Field> f = {}) {
  write(l, spdlog::level::debug, msg, f);
}

// True for keys whose values must never be printed (password, sasl.password, api_key, ...).
bool isSecretKey(std::string_view key);
// `http://user:pass@host:9200` -> `http://user:***@host:9200`.
std::string redactUrl(std::string_view url);

}  // namespace logship::log
