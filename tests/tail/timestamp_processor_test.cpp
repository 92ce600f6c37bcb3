// timestamp: the cases of libbeat's processors/timestamp/timestamp_test.go and the timestamp docs
// (facts, not code): Go layouts (ANSIC, RFC3339, RFC3339Nano, StampMilli, fractions), UNIX and
// UNIX_MS, time zones as names and offsets, no year, ignore_missing / ignore_failure, `test` at
// load; plus what reaches Kafka: @timestamp and the message timestamp.
#include <date/date.h>

#include <chrono>
#include <deque>

#include "tail/processor_fixture.h"
#include "tail/processor_pipeline.h"

namespace logship::tail {
namespace {

// time.ANSIC, time.RFC3339Nano, time.RFC3339 and the instant libbeat's tests format with them.
constexpr const char* kAnsic = "Mon Jan _2 15:04:05 2006";
constexpr const char* kExpected = "2015-03-07T11:06:39.000Z";
constexpr int64_t kExpectedMs = 1425726399000;

class TimestampTest : public ProcessorTest {
 protected:
  // @timestamp after a timestamp processor (`yaml`) on an event whose `ts` is `value` (a string,
  // or raw JSON when `raw`); error.message when it failed.
  std::string stamp(const std::string& value, const std::string& yaml, bool raw = false) {
    event_.clear();
    event_.timestamp_ = "unset";
    const std::string& kept = values_.emplace_back(value);  // the event keeps a view of it
    raw ? event_.setRaw("ts", kept) : event_.setString("ts", kept);
    run("timestamp", "{field: ts, " + yaml + "}");
    return errorMessage().empty() ? event_.timestamp_ : errorMessage();
  }
  std::string layouts(const std::string& list) { return "layouts: [" + list + "]"; }
  std::deque<std::string> values_;
};

TEST_F(TimestampTest, GoLayouts) {
  const std::string all =
      layouts(std::string("'") + kAnsic + "', '2006-01-02T15:04:05.999999999Z07:00', '2006-01-02T15:04:05Z07:00'");
  EXPECT_EQ(stamp("Sat Mar  7 11:06:39 2015", all), kExpected);  // ANSIC, two spaces before a one-digit day
  EXPECT_EQ(stamp("2015-03-07T11:06:39Z", all), kExpected);
  EXPECT_EQ(event_.timestamp_ms, kExpectedMs);
  EXPECT_EQ(stamp("2015-03-07T12:06:39+01:00", all), kExpected);
  // The docs' layouts and test values, and the .999 / -07:00 forms.
  const std::string docs =
      layouts("'2006-01-02T15:04:05Z', '2006-01-02T15:04:05.999Z', '2006-01-02T15:04:05.999-07:00'");
  EXPECT_EQ(stamp("2019-06-22T16:33:51Z", docs), "2019-06-22T16:33:51.000Z");
  EXPECT_EQ(stamp("2019-11-18T04:59:51.123Z", docs), "2019-11-18T04:59:51.123Z");
  EXPECT_EQ(stamp("2020-08-03T07:10:20.123456+02:00", docs), "2020-08-03T05:10:20.123Z");
  EXPECT_EQ(stamp("2020-08-03T07:10:20.9+02:00", layouts("'2006-01-02T15:04:05.999Z07:00'")),
            "2020-08-03T05:10:20.900Z");
  // A fraction the layout does not have is read after the seconds; .000 wants exactly its digits.
  EXPECT_EQ(stamp("2015-03-07T11:06:39.5Z", layouts("'2006-01-02T15:04:05Z07:00'")), "2015-03-07T11:06:39.500Z");
  EXPECT_EQ(stamp("2015-03-07 11:06:39,25", layouts("'2006-01-02 15:04:05,00'")), "2015-03-07T11:06:39.250Z");
  EXPECT_EQ(stamp("2015-03-07 11:06:39.5", layouts("'2006-01-02 15:04:05.000'")),
            "failed parsing time field ts='2015-03-07 11:06:39.5'");
  // An access log's time, 12-hour clocks, month names in any case, 2-digit years.
  EXPECT_EQ(stamp("08/Sep/2022:21:51:10 +0800", layouts("'02/Jan/2006:15:04:05 -0700'")), "2022-09-08T13:51:10.000Z");
  EXPECT_EQ(stamp("March 7, 15 11:06:39 AM", layouts("'January 2, 06 3:04:05 PM'")), "2015-03-07T11:06:39.000Z");
  EXPECT_EQ(stamp("MAR 7 2015 1:06PM", layouts("'Jan 2 2006 3:04PM'")), "2015-03-07T13:06:00.000Z");
  EXPECT_EQ(stamp("Saturday, 07-Mar-15 11:06:39 UTC", layouts("'Monday, 02-Jan-06 15:04:05 MST'")), kExpected);
}

TEST_F(TimestampTest, ValuesThatDoNotMatch) {
  const std::string rfc3339 = layouts("'2006-01-02T15:04:05Z07:00'");
  for (const char* bad : {"11:06AM", "2015-03-07T11:06:39Z trailing", "2015-13-07T11:06:39Z", "2015-02-30T11:06:39Z",
                          "2015-03-07T24:06:39Z", "2015-3-07T11:06:39Z", ""})
    EXPECT_EQ(stamp(bad, rfc3339), "failed parsing time field ts='" + std::string(bad) + "'") << bad;
  EXPECT_EQ(event_.timestamp_, "unset");                                                       // left as it was
  EXPECT_EQ(stamp("1425726399", rfc3339, true), "failed parsing time field ts='1425726399'");  // a number
}

TEST_F(TimestampTest, UnixSecondsAndMilliseconds) {
  for (const auto& [value, raw] : {std::pair<const char*, bool>{"1425726399", true},
                                   {"1425726399.0", true},
                                   {"1425726399", false},
                                   {"1425726399.0", false}})
    EXPECT_EQ(stamp(value, layouts("UNIX"), raw), kExpected) << value << raw;
  for (const auto& [value, raw] : {std::pair<const char*, bool>{"1425726399000", true},
                                   {"1425726399000.0", true},
                                   {"1425726399000", false},
                                   {"1425726399000.0", false}})
    EXPECT_EQ(stamp(value, layouts("UNIX_MS"), raw), kExpected) << value << raw;
  EXPECT_EQ(stamp("1425726399.5", layouts("UNIX"), true), "2015-03-07T11:06:39.500Z");
  // Go scales float seconds in float64 (time.Unix(0, int64(sec*1e9))): .25 lands just below.
  EXPECT_EQ(stamp("1425726399.25", layouts("UNIX"), true), "2015-03-07T11:06:39.249Z");
  EXPECT_EQ(stamp("soon", layouts("UNIX")), "failed parsing time field ts='soon'");
  EXPECT_EQ(stamp("true", layouts("UNIX"), true), "failed parsing time field ts='true'");
}

TEST_F(TimestampTest, TimeZones) {
  const std::string ansic = std::string("layouts: ['") + kAnsic + "']";
  const auto at = [&](const std::string& zone) {
    return stamp("Sat Mar  7 11:06:39 2015", ansic + ", timezone: '" + zone + "'");
  };
  EXPECT_EQ(at("America/Panama"), "2015-03-07T16:06:39.000Z");
  EXPECT_EQ(at("Etc/UTC"), kExpected);
  EXPECT_EQ(at("Etc/GMT+2"), "2015-03-07T13:06:39.000Z");
  EXPECT_EQ(at("+0000"), kExpected);
  EXPECT_EQ(at("+0430"), "2015-03-07T06:36:39.000Z");
  EXPECT_EQ(at("+03:00"), "2015-03-07T08:06:39.000Z");
  EXPECT_EQ(at("+00:30"), "2015-03-07T10:36:39.000Z");
  EXPECT_EQ(at("+04"), "2015-03-07T07:06:39.000Z");
  EXPECT_EQ(at("-03:30"), "2015-03-07T14:36:39.000Z");
  EXPECT_EQ(at("-00:30"), "2015-03-07T11:36:39.000Z");
  EXPECT_EQ(at("-04"), "2015-03-07T15:06:39.000Z");
  for (const char* bad : {"Z", "Equatorial/Kundu", "-400"})
    EXPECT_THROW(parse("timestamp", std::string("{field: ts, layouts: [x], timezone: '") + bad + "'}"),
                 config::ConfigError)
        << bad;
  // Daylight saving time by date; a zone in the value wins over the option; its abbreviation is
  // read in the option's zone, an unknown one is UTC (Go).
  const std::string ny =
      "timezone: America/New_York, layouts: ['2006-01-02 15:04:05', '2006-01-02 15:04:05 MST', '2006-01-02 15:04:05 "
      "-0700']";
  EXPECT_EQ(stamp("2015-01-01 12:00:00", ny), "2015-01-01T17:00:00.000Z");
  EXPECT_EQ(stamp("2015-07-01 12:00:00", ny), "2015-07-01T16:00:00.000Z");
  EXPECT_EQ(stamp("2015-07-01 12:00:00 +0200", ny), "2015-07-01T10:00:00.000Z");
  EXPECT_EQ(stamp("2015-07-01 12:00:00 EDT", ny), "2015-07-01T16:00:00.000Z");
  EXPECT_EQ(stamp("2015-01-01 12:00:00 EST", ny), "2015-01-01T17:00:00.000Z");
  EXPECT_EQ(stamp("2015-01-01 12:00:00 XYZ", ny), "2015-01-01T12:00:00.000Z");
}

TEST_F(TimestampTest, NoYearMeansThisYearInTheZone) {
  // time.StampMilli in EST (-05:00 all year): this year's 7 March, 11:06:39.002 EST.
  const std::string got = stamp("Mar  7 11:06:39.002", "layouts: ['Jan _2 15:04:05.000'], timezone: EST");
  using namespace std::chrono;
  const auto year = date::year_month_day{date::floor<date::days>(system_clock::now() - hours(5))}.year();
  EXPECT_EQ(got, std::to_string(static_cast<int>(year)) + "-03-07T16:06:39.002Z");
}

TEST_F(TimestampTest, MissingFieldsAndFailures) {
  for (const std::string option : {"", ", ignore_missing: true", ", ignore_failure: true"}) {
    event_.clear();
    event_.setString("other", "x");
    run("timestamp", "{field: ts, layouts: ['2006-01-02T15:04:05Z07:00']" + option + "}");
    EXPECT_EQ(errorMessage(), option.empty() ? "failed to get time field ts: key not found" : "") << option;
  }
  EXPECT_EQ(stamp("11:06AM", "layouts: ['2006-01-02T15:04:05Z07:00'], ignore_failure: true"), "unset");
  EXPECT_EQ(event_.timestamp_ms, 0);
}

TEST_F(TimestampTest, TargetFieldGetsTheSameText) {
  stamp("2015-03-07T11:06:39Z", "layouts: ['2006-01-02T15:04:05Z07:00'], target_field: event.created");
  EXPECT_EQ(event_.find("event.created")->value, kExpected);
  EXPECT_EQ(event_.timestamp_, "unset");
}

TEST_F(TimestampTest, TheEventsOwnTimeIsATimeAlready) {
  event_.timestamp_ = kExpected;
  event_.timestamp_ms = kExpectedMs;
  run("timestamp", "{field: '@timestamp', layouts: ['2006'], target_field: event.created}");
  EXPECT_EQ(event_.find("event.created")->value, kExpected);
  EXPECT_EQ(errorMessage(), "");
}

TEST_F(TimestampTest, TestValuesAreCheckedAtLoad) {
  EXPECT_NO_THROW(parse("timestamp",
                        "{field: ts, layouts: ['2006-01-02T15:04:05Z', '2006-01-02T15:04:05.999Z'], "
                        "test: ['2019-06-22T16:33:51Z', '2019-11-18T04:59:51.123Z']}"));
  try {
    parse("timestamp", "{field: ts, layouts: ['2006-01-89T15:04:05Z07:00'], test: ['2015-03-07T11:06:39Z']}");
    ADD_FAILURE() << "a bad layout passed its test";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("timestamp.test: failed to parse test timestamp"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse("timestamp", "{layouts: [x]}"), config::ConfigError);
  EXPECT_THROW(parse("timestamp", "{field: ts}"), config::ConfigError);
}

TEST(TimestampPipeline, SetsTheEncodedTimestampAndTheKafkaTimestamp) {
  ProcessorPipeline pipeline(
      "- dissect: {tokenizer: '[%{ts}] %{msg}', target_prefix: ''}\n"
      "- timestamp: {field: ts, layouts: ['02/Jan/2006:15:04:05 -0700'], when: {has_fields: [ts]}}\n");
  const PipelineOutcome out = pipeline.process("[08/Sep/2022:21:51:10 +0800] started");
  ASSERT_NE(out.event, nullptr);
  EXPECT_EQ(out.event->timestamp_ms, 1662645070000);
  EXPECT_EQ(std::string(out.payload).rfind(R"({"@timestamp":"2022-09-08T13:51:10.000Z")", 0), 0u) << out.payload;
  const PipelineOutcome plain = pipeline.process("no brackets");  // no ts: read time kept
  ASSERT_NE(plain.event, nullptr);
  EXPECT_NE(plain.event->timestamp_ms, 1662645070000);
  EXPECT_EQ(std::string(plain.payload).find("failed to get time field"), std::string::npos) << plain.payload;
}

}  // namespace
}  // namespace logship::tail
