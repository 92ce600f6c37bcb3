#include "logship/common/logging.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>

#include <date/date.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "logship/common/error.h"
#include "logship/common/json.h"

namespace logship::log {
namespace {

std::atomic<bool> g_json{false};
std::atomic<int> g_level{spdlog::level::info};
std::mutex g_mutex;
std::shared_ptr<spdlog::sinks::sink> g_sink;  // guarded by g_mutex; null: stderr

void appendTimestamp(std::string& out, spdlog::log_clock::time_point tp) {
  out += date::format("%FT%TZ", date::floor<std::chrono::milliseconds>(tp));
}

std::string_view levelName(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

// The payload given to spdlog is already formatted (JSON members or text); the formatter adds
// the time, level and component around it. spdlog's own pattern cannot JSON-escape.
class LineFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    line.reserve(msg.payload.size() + 96);
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const std::string_view component(msg.logger_name.data(), msg.logger_name.size());
    if (g_json.load(std::memory_order_relaxed)) {
      line += "{\"@timestamp\":\"";
      appendTimestamp(line, msg.time);
      line += "\",\"level\":\"";
      line += levelName(msg.level);
      line += "\",\"component\":";
      json::appendString(line, component);
      line += ',';
      line += payload;
      line += "}\n";
    } else {
      appendTimestamp(line, msg.time);
      line += ' ';
      std::string lv(levelName(msg.level));
      for (auto& c : lv) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      lv.resize(5, ' ');
      line += lv;
      line += " [";
      line += component;
      line += "] ";
      line += payload;
      line += '\n';
    }
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LineFormatter>(); }
};

spdlog::level::level_enum parseLevel(const std::string& level) {
  std::string l;
  for (char c : level) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (l == "warning") l = "warn";
  if (l == "error" || l == "severe") l = "err";  // go-zero calls its highest level "severe"
  if (l == "fatal") l = "critical";
  const auto parsed = spdlog::level::from_str(l);
  if (parsed == spdlog::level::off && l != "off") {
    throw Error(ErrorCode::kConfigInvalid, "unknown log level \"" + level + "\"");
  }
  return parsed;
}

bool containsWord(std::string_view key, std::string_view word) {
  if (word.size() > key.size()) return false;
  for (size_t i = 0; i + word.size() <= key.size(); ++i) {
    bool match = true;
    for (size_t k = 0; k < word.size() && match; ++k) {
      match = std::tolower(static_cast<unsigned char>(key[i + k])) == word[k];
    }
    if (match) return true;
  }
  return false;
}

}  // namespace

void setup(const Options& options) {
  const auto level = parseLevel(options.level);
  std::lock_guard<std::mutex> lock(g_mutex);
  g_json = options.json;
  g_level = level;
  // Back from another sink to stderr: the loggers must not keep writing where they wrote.
  const bool back_to_stderr = !options.sink && g_sink;
  g_sink = options.sink;
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) {
    l->set_level(level);
    if (options.sink) l->sinks().assign({options.sink});
    if (back_to_stderr) l->sinks().assign({std::make_shared<spdlog::sinks::stderr_sink_mt>()});
    l->set_formatter(std::make_unique<LineFormatter>());
  });
  // A file sink buffers: without this, info lines would reach the file only per 4 KiB or at exit.
  if (options.sink) spdlog::flush_every(std::chrono::seconds(1));
}

bool jsonEnabled() { return g_json.load(); }

std::shared_ptr<spdlog::logger> get(const std::string& component) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (auto existing = spdlog::get(component)) return existing;
  std::shared_ptr<spdlog::logger> logger;
  if (g_sink) {
    logger = std::make_shared<spdlog::logger>(component, g_sink);
    spdlog::register_logger(logger);
  } else {
    logger = spdlog::stderr_logger_mt(component);
  }
  logger->set_formatter(std::make_unique<LineFormatter>());
  logger->set_level(static_cast<spdlog::level::level_enum>(g_level.load()));
  logger->flush_on(spdlog::level::warn);
  return logger;
}

bool isSecretKey(std::string_view key) {
  return containsWord(key, "password") || containsWord(key, "secret") || containsWord(key, "api_key") ||
         containsWord(key, "apikey") || containsWord(key, "token") || containsWord(key, "credential") ||
         containsWord(key, "sasl.jaas");
}

std::string redactUrl(std::string_view url) {
  const auto scheme = url.find("://");
  const size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const auto at = url.find('@', start);
  const auto slash = url.find('/', start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) return std::string(url);
  const auto colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

namespace {

void writeFields(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view msg, const Field* begin,
                 const Field* end) {
  if (!logger.should_log(level)) return;
  std::string payload;
  payload.reserve(msg.size() + 64);
  const bool as_json = g_json.load(std::memory_order_relaxed);
  if (as_json) {
    payload += "\"msg\":";
    json::appendString(payload, msg);
  } else {
    payload += msg;
  }
  for (const Field* it = begin; it != end; ++it) {
    const Field& f = *it;
    const bool secret = isSecretKey(f.key());
    static const std::string kMasked = "***";
    const std::string& text = secret ? kMasked : f.text();
    if (as_json) {
      payload += ',';
      json::appendString(payload, f.key());
      payload += ':';
      if (f.quoted() || secret)
        json::appendString(payload, text);
      else
        payload += text;
    } else {
      payload += ' ';
      payload += f.key();
      payload += '=';
      const bool needs_quotes = text.empty() || text.find_first_of(" \"=") != std::string::npos;
      if (needs_quotes)
        json::appendString(payload, text);
      else
        payload += text;
    }
  }
  logger.log(level, spdlog::string_view_t(payload.data(), payload.size()));
}

}  // namespace

void write(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view msg,
           std::initializer_list<Field> fields) {
  writeFields(logger, level, msg, fields.begin(), fields.end());
}

void write(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view msg,
           const std::vector<Field>& fields) {
  writeFields(logger, level, msg, fields.data(), fields.data() + fields.size());
}

}  // namespace logship::log
