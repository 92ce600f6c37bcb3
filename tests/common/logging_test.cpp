#include "logship/common/logging.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <spdlog/sinks/ostream_sink.h>
#include "logship/common/error.h"

#include <sstream>

namespace logship::log {
namespace {

// Captures one logger's output by swapping its sinks for an ostream sink.
class Capture {
 public:
  explicit Capture(const std::string& component) : logger_(get(component)) {
    saved_ = logger_->sinks();
    logger_->sinks().clear();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    logger_->sinks().push_back(sink);
    setup(Options{"debug", json_});
  }
  ~Capture() {
    logger_->sinks() = saved_;
    setup(Options{});
  }
  spdlog::logger& logger() { return *logger_; }
  std::string text() {
    logger_->flush();
    return stream_.str();
  }
  static bool json_;

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<spdlog::sink_ptr> saved_;
  std::ostringstream stream_;
};
bool Capture::json_ = false;

TEST(LoggingTest, JsonLinesCarryComponentAndContext) {
  Capture::json_ = true;
  Capture cap("logtest-json");
  info(cap.logger(), "harvester \"started\"", {{"file", "/var/log/a.log"}, {"offset", int64_t{42}}});
  const std::string line = cap.text();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(line).get(doc)) << line;
  EXPECT_EQ(std::string_view(doc["level"]), "info");
  EXPECT_EQ(std::string_view(doc["component"]), "logtest-json");
  EXPECT_EQ(std::string_view(doc["msg"]), "harvester \"started\"");
  EXPECT_EQ(std::string_view(doc["file"]), "/var/log/a.log");
  EXPECT_EQ(int64_t(doc["offset"]), 42);
  EXPECT_TRUE(doc["@timestamp"].is_string());
}

TEST(LoggingTest, TextLinesForTerminals) {
  Capture::json_ = false;
  Capture cap("logtest-text");
  warn(cap.logger(), "broker down", {{"topic", "logs"}, {"partition", 3}});
  const std::string line = cap.text();
  EXPECT_NE(line.find("WARN  [logtest-text] broker down topic=logs partition=3"), std::string::npos) << line;
}

TEST(LoggingTest, SecretsAreNeverPrinted) {
  Capture::json_ = true;
  Capture cap("logtest-secret");
  info(cap.logger(), "connecting", {{"sasl.password", "hunter2"}, {"api_key", "abc"}, {"user", "bob"}});
  const std::string line = cap.text();
  EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
  EXPECT_EQ(line.find("abc"), std::string::npos) << line;
  EXPECT_NE(line.find("bob"), std::string::npos) << line;
}

TEST(LoggingTest, LevelFiltersAndUnknownLevelFails) {
  Capture::json_ = false;
  Capture cap("logtest-level");
  setup(Options{"error", false});
  info(cap.logger(), "hidden");
  error(cap.logger(), "shown");
  const std::string text = cap.text();
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find("shown"), std::string::npos);
  EXPECT_THROW(setup(Options{"chatty", false}), logship::Error);
}

TEST(LoggingTest, RedactsUrlCredentials) {
  EXPECT_EQ(redactUrl("http://elastic:changeme@es:9200/x"), "http://elastic:***@es:9200/x");
  EXPECT_EQ(redactUrl("http://es:9200"), "http://es:9200");
}

}  // namespace
}  // namespace logship::log
