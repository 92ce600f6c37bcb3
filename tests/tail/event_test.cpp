#include <ctime>
#include <random>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "logship/common/config.h"
#include "logship/tail/event.h"
#include "logship/tail/event_encoder.h"
#include "logship/tail/format_string.h"
#include "logship/tail/json_decoder.h"

namespace logship::tail {
namespace {

std::string encode(Event& e) {
  EventEncoder enc;
  std::string out;
  enc.encode(e, "abc-1", out);
  return out;
}

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& s) { return p.parse(s).value(); }

TEST(EventEncoder, NestsDottedKeysInFilebeatShape) {
  Event e;
  e.timestamp_ = "2022-09-08T13:51:10.346Z";
  e.setString("message", "hi \"there\"\n");
  e.setRaw("log.offset", "42");
  e.setString("log.file.path", "/x/a.log");
  e.setString("input.type", "log");
  e.setRaw("fields.n", "1");
  const std::string out = encode(e);
  simdjson::dom::parser p;
  auto doc = parse(p, out);
  EXPECT_EQ(std::string_view(doc["@timestamp"]), "2022-09-08T13:51:10.346Z");
  EXPECT_EQ(std::string_view(doc["@metadata"]["_id"]), "abc-1");
  EXPECT_EQ(std::string_view(doc["@metadata"]["beat"]), "filebeat");
  EXPECT_EQ(int64_t(doc["log"]["offset"]), 42);
  EXPECT_EQ(std::string_view(doc["log"]["file"]["path"]), "/x/a.log");
  EXPECT_EQ(std::string_view(doc["message"]), "hi \"there\"\n");
  EXPECT_EQ(int64_t(doc["fields"]["n"]), 1);
}

TEST(EventEncoder, InvalidUtf8StaysValidJson) {
  Event e;
  e.timestamp_ = "t";
  e.setString("message", std::string_view("a\xff\xfe"
                                          "b",
                                          4));
  const std::string out = encode(e);
  simdjson::dom::parser p;
  EXPECT_EQ(p.parse(out).error(), simdjson::SUCCESS) << out;
}

TEST(EventEncoder, ReusedShapesEncodeLikeAFreshEncoder) {
  // One long-lived encoder (plans cached per key shape) against a fresh one per event (always
  // the sort-and-nest path), over events whose shapes repeat, differ in one key, carry
  // duplicate keys, removed or preencoded entries, and string vs raw values.
  const std::string_view keys[] = {"message",  "log.offset", "log.file.path", "log.flags",  "level", "fields.a.b",
                                   "fields.a", "fields.b",   "fields.a-b",    "agent.name", "x",     "y",
                                   "x.y"};
  std::mt19937 rng(11);
  EventEncoder cached;
  for (const std::string_view key : {"fields.a", "fields.b", "fields.a", "level", "lever"}) {  // same lengths
    Event e;
    e.append(key, "v", Entry::Kind::kString);
    std::string a, b;
    cached.encode(e, "id-1", a);
    EventEncoder().encode(e, "id-1", b);
    ASSERT_EQ(a, b);
  }
  std::string values[8];
  for (int round = 0; round < 5000; ++round) {
    Event e;
    e.timestamp_ = "2022-09-08T13:51:10.346Z";
    const size_t shape = rng() % 12;  // few shapes, so plans are hit and replaced
    std::mt19937 shape_rng(static_cast<unsigned>(shape));
    const size_t n = 1 + shape_rng() % 7;
    for (size_t i = 0; i < n; ++i) {
      values[i] = "v\"" + std::to_string(rng() % 1000);
      const bool raw = rng() % 3 == 0;
      e.append(keys[shape_rng() % std::size(keys)], raw ? std::string_view("[1,2]") : std::string_view(values[i]),
               raw ? Entry::Kind::kRaw : Entry::Kind::kString);
      // Flags vary between events of the same keys (a processor removed one; a group was cached).
      if (rng() % 5 == 0) e.entries().back().removed = true;
      if (rng() % 7 == 0) e.entries().back().preencoded = true;
    }
    std::string a, b;
    cached.encode(e, "id-1", a);
    EventEncoder fresh;
    fresh.encode(e, "id-1", b);
    ASSERT_EQ(a, b) << "round " << round;
    simdjson::dom::parser p;
    ASSERT_EQ(p.parse(a).error(), simdjson::SUCCESS) << a;
  }
}

TEST(EventEncoder, IdIsDeterministicFromFileAndOffset) {
  std::string a, b, c;
  appendEventId(0x1234, 99, a);
  appendEventId(0x1234, 99, b);
  appendEventId(0x1234, 100, c);
  EXPECT_EQ(a, "0000000000001234-99");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(JsonDecoder, GoZeroLineUnderRootWithTimestamp) {
  JsonConfig c;
  c.enabled = true;
  c.keys_under_root = true;
  c.target = "";
  c.overwrite_keys = true;
  JsonDecoder d(c);
  Event e;
  ASSERT_TRUE(d.decode(
      R"({"@timestamp":"2022-09-08T21:51:10.346+08:00","level":"error","content":"x\ty","n":{"a":[1,2]} , "e":[ ]})",
      e));
  EXPECT_EQ(e.timestamp_, "2022-09-08T13:51:10.346Z");
  std::string scratch;
  ASSERT_NE(e.find("level"), nullptr);
  EXPECT_EQ(Event::text(*e.find("level"), scratch), "error");
  EXPECT_EQ(Event::text(*e.find("content"), scratch), "x\ty");
  EXPECT_EQ(e.find("n")->value, R"({"a":[1,2]})");
  EXPECT_EQ(e.find("e")->value, "[ ]");
  EXPECT_EQ(e.find("@timestamp"), nullptr);
}

TEST(JsonDecoder, TargetAndErrorKey) {
  JsonConfig c;
  c.enabled = true;
  c.target = "json";
  c.add_error_key = true;
  c.message_key = "msg";
  JsonDecoder d(c);
  Event e;
  ASSERT_TRUE(d.decode(R"({"msg":"hello","x":true})", e));
  ASSERT_NE(e.find("json.msg"), nullptr);
  EXPECT_EQ(d.messageText(), "hello");
  EXPECT_EQ(e.find("json.x")->value, "true");
  Event bad;
  EXPECT_FALSE(d.decode("{\"a\":", bad));
  ASSERT_NE(bad.find("error.message"), nullptr);
  EXPECT_EQ(bad.find("error.type")->value, "json");
  EXPECT_EQ(bad.find("json.a"), nullptr);
}

// Found by tests/fuzz/tail_lines_fuzz: on-demand parsing copied an invalid number token raw
// into the event, which then was not valid JSON.
TEST(JsonDecoder, InvalidTokensAnywhereRejectTheWholeLine) {
  JsonConfig c;
  c.enabled = true;
  c.keys_under_root = true;
  c.target = "";
  c.add_error_key = true;
  JsonDecoder d(c);
  // The last four were accepted by on-demand iteration alone (found by tests/fuzz/json_decoder_fuzz
  // once the whole-line DOM parse was gone): it can skip a malformed stretch without an error.
  for (const char* line :
       {R"({"a":02,"b":"x"})", R"({"a":{"n":[1,}},"b":1})", R"({"a":tru})", R"({"a":"x"y})", R"({"a":"b":"c"]})",
        R"({"a":"b","n":{"a":1,2]}})", R"({"a":1,,"b":2})", R"({"a":1} {"b":2})", R"({"a":"\x"})", R"({"a":1.})",
        R"({"a":-})", R"({"a" 1})", R"({"a":-1.5e+7777})"}) {
    Event e;
    EXPECT_FALSE(d.decode(line, e)) << line;
    EXPECT_EQ(e.find("a"), nullptr) << line;
    ASSERT_NE(e.find("error.message"), nullptr) << line;
  }
}

// Found by tests/fuzz/json_decoder_fuzz: unescaping a key consumed it, and reading its position
// afterwards made every line with an escaped key invalid.
TEST(JsonDecoder, EscapedKeysAreUnescaped) {
  JsonConfig c;
  c.enabled = c.keys_under_root = true;
  JsonDecoder d(c);
  Event e;
  ASSERT_TRUE(d.decode(R"({"k\"ey":1, "t\u00e9st" : "v","plain":2})", e)) << d.error();
  ASSERT_NE(e.find("k\"ey"), nullptr);
  EXPECT_EQ(e.find("k\"ey")->value, "1");
  ASSERT_NE(e.find("t\xc3\xa9st"), nullptr);
  EXPECT_EQ(e.find("t\xc3\xa9st")->value, "\"v\"");
  EXPECT_EQ(e.find("plain")->value, "2");
  Event bad;
  EXPECT_FALSE(d.decode(R"({"k\qey":1})", bad));
}

TEST(JsonDecoder, WithoutOverwriteKeepsExistingFieldsAndReadTime) {
  JsonConfig c;
  c.enabled = true;
  c.keys_under_root = true;
  c.target = "";
  JsonDecoder d(c);
  Event e;
  e.setString("host.name", "real");
  ASSERT_TRUE(d.decode(R"({"host.name":"fake","@timestamp":"2020-01-01T00:00:00Z"})", e));
  EXPECT_EQ(e.find("host.name")->value, "real");
  EXPECT_TRUE(e.timestamp_.empty());
}

TEST(Timestamp, NormalizesToUtcMillis) {
  std::string out;
  ASSERT_TRUE(normalizeTimestamp("2022-09-08T21:51:10.346+08:00", out));
  EXPECT_EQ(out, "2022-09-08T13:51:10.346Z");
  ASSERT_TRUE(normalizeTimestamp("2022-01-01T00:00:00Z", out));
  EXPECT_EQ(out, "2022-01-01T00:00:00.000Z");
  ASSERT_TRUE(normalizeTimestamp("2022-03-01T00:30:00.5-01:00", out));
  EXPECT_EQ(out, "2022-03-01T01:30:00.500Z");
  EXPECT_FALSE(normalizeTimestamp("yesterday", out));
  ASSERT_TRUE(normalizeTimestamp("1969-12-31T23:59:59.250Z", out));
  EXPECT_EQ(out, "1969-12-31T23:59:59.250Z");
}

TEST(Timestamp, FormatsLikeGmtime) {
  // Years 1678..2261 (what parseRfc3339 accepts), leap days and pre-1970 milliseconds.
  std::mt19937_64 rng(5);
  std::string out;
  for (int i = 0; i < 20000; ++i) {
    const int64_t ms = static_cast<int64_t>(rng() % 18000000000000ULL) - 9000000000000LL;
    const int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    const time_t t = static_cast<time_t>(secs);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char want[96];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - secs * 1000));
    formatTimestamp(ms, out);
    ASSERT_EQ(out, want) << ms;
  }
  formatTimestamp(951782400000, out);  // 2000-02-29
  EXPECT_EQ(out, "2000-02-29T00:00:00.000Z");
}

TEST(FormatString, ResolvesFieldsAndDefaults) {
  Event e;
  e.setString("fields.log_topic", "courseware-log");
  e.setRaw("level", "\"error\"");
  std::string out;
  ASSERT_TRUE(FormatString("%{[fields.log_topic]}").evaluate(e, out));
  EXPECT_EQ(out, "courseware-log");
  out.clear();
  ASSERT_TRUE(FormatString("logs-%{[level]}-x").evaluate(e, out));
  EXPECT_EQ(out, "logs-error-x");
  out.clear();
  EXPECT_FALSE(FormatString("%{[fields.missing]}").evaluate(e, out));
  out.clear();
  ASSERT_TRUE(FormatString("%{[fields.missing]:fallback}").evaluate(e, out));
  EXPECT_EQ(out, "fallback");
  EXPECT_TRUE(FormatString("plain").isConstant());
  EXPECT_THROW(FormatString("%{[oops"), std::invalid_argument);
}

}  // namespace
}  // namespace logship::tail
