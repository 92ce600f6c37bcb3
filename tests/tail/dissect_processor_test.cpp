// dissect: every vector of libbeat's processors/dissect/testdata/dissect_tests.json (shared with
// logstash-filter-dissect), the cases of its processor_test.go (target prefix, trimming,
// overwrite_keys, ignore_failure, the dissect_parsing_error flag, `|integer`) and of its docs
// (facts, not code), plus logship's own: error.message, tokenizer errors at load, `when`.
#include <algorithm>
#include <deque>

#include "logship/common/json.h"
#include "tail/processor_fixture.h"
#include "tail/processor_pipeline.h"

namespace logship::tail {
namespace {

struct Vector {
  const char* name;
  const char* tok;
  const char* msg;
  Strings expected;  // "key=value", any order; empty with fail
  bool fail = false;
};

const std::string kStackTrace =
    "Error parsing HTTP request header\n Note: further occurrences of HTTP header parsing errors will be logged at "
    "DEBUG level.\n java.lang.IllegalArgumentException: Invalid character found in method name. HTTP method names "
    "must be tokens\n    at org.apache.coyote.http11.Http11InputBuffer.parseRequestLine(Http11InputBuffer.java:426)\n"
    "    at java.lang.Thread.run(Thread.java:748)";
const std::string kStackLine =
    "18-Apr-2018 06:53:20.411 INFO [http-nio-8080-exec-1] "
    "org.apache.coyote.http11.Http11Processor.service " +
    kStackTrace;

const Vector kVectors[] = {
    {"all fields captured with remaining data",
     "level=%{level} ts=%{timestamp} caller=%{caller} msg=\"%{message}\"",
     "level=info ts=2018-06-27T17:19:13.036579993Z caller=main.go:222 msg=\"Starting OK\" "
     "version=\"(version=2.3.1, branch=HEAD, revision=188ca45bd85ce843071e768d855722a9d9dabe03)\"}",
     {"caller=main.go:222", "level=info", "message=Starting OK", "timestamp=2018-06-27T17:19:13.036579993Z"}},
    {"complex stack trace",
     "%{day}-%{month}-%{year} %{hour} %{severity} [%{thread_id}] %{origin} %{message}",
     kStackLine.c_str(),
     {"day=18", "hour=06:53:20.411", "message=" + kStackTrace, "month=Apr",
      "origin=org.apache.coyote.http11.Http11Processor.service", "severity=INFO", "thread_id=http-nio-8080-exec-1",
      "year=2018"}},
    {"beginning delimiter not found", "/var/log/%{key}.log", "foobar", {}, true},
    {"delimiter after the key not found", "/var/log/%{key}.log", "/var/log/foobar", {}, true},
    {"simple dissect", "%{key}", "foobar", {"key=foobar"}},
    {"two replacements", "%{key1} %{key2}", "foo bar", {"key1=foo", "key2=bar"}},
    {"one level not end of string", "/var/%{key}/log", "/var/foobar/log", {"key=foobar"}},
    {"one level", "/var/%{key}", "/var/foobar/log", {"key=foobar/log"}},
    {"multiple keys end of string", "/var/%{key}/log/%{key1}", "/var/foobar/log/apache", {"key=foobar", "key1=apache"}},
    {"multiple keys not end of string",
     "/var/%{key}/log/%{key1}.log",
     "/var/foobar/log/apache.log",
     {"key=foobar", "key1=apache"}},
    {"simple ordered", "%{+key/3} %{+key/1} %{+key/2}", "1 2 3", {"key=2 3 1"}},
    {"simple append", "%{key}-%{+key}-%{+key}", "1-2-3", {"key=1-2-3"}},
    {"indirect field", "%{?key} %{&key}", "hello world", {"hello=world"}},
    {"skip field", "%{} %{key}", "hello world", {"key=world"}},
    {"pointer field with indirect", "%{*key} %{&key}", "hello world", {"hello=world"}},
    {"missing fields",
     "%{name},%{addr1},%{addr2},%{addr3},%{city},%{zip}",
     "Jane Doe,4321 Fifth Avenue,,,New York,87432",
     {"addr1=4321 Fifth Avenue", "addr2=", "addr3=", "city=New York", "name=Jane Doe", "zip=87432"}},
    {"ignore right padding",
     "%{id} %{function->} %{server}",
     "00000043 ViewReceive     machine-321",
     {"function=ViewReceive", "id=00000043", "server=machine-321"}},
    {"padding on the last key needs a delimiter",
     "%{id} %{function} %{server->} ",
     "00000043 ViewReceive machine-321    ",
     {"function=ViewReceive", "id=00000043", "server=machine-321"}},
    {"ignore left padding",
     "%{id->} %{function} %{server}",
     "00000043    ViewReceive machine-321",
     {"function=ViewReceive", "id=00000043", "server=machine-321"}},
    {"delimiters containing { and }", "{%{a}}{%{b}} %{rest}", "{c}{d} anything", {"a=c", "b=d", "rest=anything"}},
};

std::string quoted(const std::string& s) {
  std::string out;
  json::appendString(out, s);
  return out;
}

class DissectTest : public ProcessorTest {
 protected:
  // The event's live entries other than `src`, sorted.
  Strings extracted() const {
    Strings out;
    for (const auto& kv : live())
      if (kv.rfind("src=", 0) != 0) out.push_back(kv);
    std::sort(out.begin(), out.end());
    return out;
  }
  // A fresh event whose `message` is `text`, through dissect configured by `yaml`.
  void dissect(const std::string& text, const std::string& yaml) {
    event_.clear();
    withMessage(text, yaml);
  }
  // The same on the current event (other fields kept).
  void withMessage(const std::string& text, const std::string& yaml) {
    event_.setString("message", texts_.emplace_back(text));  // the event keeps a view of it
    run("dissect", yaml);
  }
  std::deque<std::string> texts_;
  std::string flags() const {
    const Entry* e = event_.find("log.flags");
    return e ? std::string(e->value) : std::string();
  }
};

TEST_F(DissectTest, FilebeatVectors) {
  for (const Vector& v : kVectors) {
    event_.clear();
    event_.setString("src", v.msg);
    run("dissect", "{field: src, target_prefix: '', tokenizer: " + quoted(v.tok) + "}");
    Strings expected = v.expected;
    if (v.fail) expected = {"error.message=" + errorMessage(), "log.flags=[\"dissect_parsing_error\"]"};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(extracted(), expected) << v.name;
    EXPECT_EQ(!errorMessage().empty(), v.fail) << v.name;
  }
}

TEST_F(DissectTest, LibbeatErrorTexts) {
  dissect("/var/log/foobar", "{tokenizer: '/var/log/%{key}.log'}");
  // libbeat names the delimiter before the key, not the one it looked for.
  EXPECT_EQ(errorMessage(), "could not find delimiter: `/var/log/` in remaining: `foobar`, (offset: 9)");
  dissect("something completely different", "{tokenizer: 'hello %{key}'}");
  EXPECT_EQ(errorMessage(),
            "could not find beginning delimiter: `hello ` in remaining: `something completely different`, (offset: 0)");
  dissect("", "{tokenizer: '%{key}'}");
  EXPECT_EQ(errorMessage(), "empty string provided");
}

TEST_F(DissectTest, TargetPrefixAndField) {
  dissect("hello world", "{tokenizer: 'hello %{key}'}");
  EXPECT_EQ(event_.find("dissect.key")->value, "world");
  run("dissect", "{tokenizer: 'hello %{key}', target_prefix: ''}");
  EXPECT_EQ(event_.find("key")->value, "world");
  event_.clear();
  event_.setString("new_field", "hello world");
  run("dissect", "{tokenizer: 'hello %{key}', target_prefix: new_target, field: new_field}");
  EXPECT_EQ(event_.find("new_target.key")->value, "world");
  // An existing namespace is extended, not a conflict.
  event_.clear();
  event_.setString("extracted.not", "hello");
  withMessage("hello world super", "{tokenizer: 'hello %{key} %{key2}', target_prefix: extracted}");
  EXPECT_EQ(live(), (Strings{"extracted.not=hello", "message=hello world super", "extracted.key=world",
                             "extracted.key2=super"}));
}

TEST_F(DissectTest, TrimValues) {
  const char* message = "hello \tworld\t \tsuper ";
  const auto values = [&](const std::string& options) {
    event_.clear();
    event_.setString("message", message);
    run("dissect", "{tokenizer: 'hello %{key} %{key2}', target_prefix: ''" + options + "}");
    return Strings{std::string(event_.find("key")->value), std::string(event_.find("key2")->value)};
  };
  EXPECT_EQ(values(""), (Strings{"\tworld\t", "\tsuper "}));
  EXPECT_EQ(values(", trim_values: left, trim_chars: \" \\t\""), (Strings{"world\t", "super "}));
  EXPECT_EQ(values(", trim_values: right, trim_chars: \" \\t\""), (Strings{"\tworld", "\tsuper"}));
  EXPECT_EQ(values(", trim_values: all, trim_chars: \" \\t\""), (Strings{"world", "super"}));
  EXPECT_EQ(values(", trim_values: all"), (Strings{"\tworld\t", "\tsuper"}));  // default trim_chars: " "
  dissect("«a» «b»", "{tokenizer: '%{x} %{y}', target_prefix: '', trim_values: all, trim_chars: '«»'}");
  EXPECT_EQ(event_.find("x")->value, "a");
  EXPECT_EQ(event_.find("y")->value, "b");
}

TEST_F(DissectTest, ExistingKeysFailUnlessOverwritten) {
  const std::string root = "{tokenizer: 'hello %{key}', target_prefix: ''";
  event_.setRaw("key", "42");
  withMessage("hello world", root + "}");
  EXPECT_EQ(errorMessage(), "cannot override existing key with `key`");
  EXPECT_EQ(event_.find("key")->value, "42");
  EXPECT_EQ(flags(), "");  // a conflict is not a parsing error
  event_.remove("error.message");
  withMessage("hello world", root + ", overwrite_keys: true}");
  EXPECT_EQ(live(), (Strings{"message=hello world", "key=world"}));
}

TEST_F(DissectTest, AScalarAboveOrAKeyBelowTheTargetConflicts) {
  const std::string extracted = "{tokenizer: 'hello %{key}', target_prefix: extracted";
  event_.setString("extracted", "exists");
  withMessage("hello world", extracted + "}");
  EXPECT_EQ(errorMessage(), "cannot override existing key with `extracted.key`");
  event_.clear();
  event_.setString("extracted.key.x", "exists");
  withMessage("hello world", extracted + "}");
  EXPECT_EQ(errorMessage(), "cannot override existing key with `extracted.key`");
  withMessage("hello world", extracted + ", overwrite_keys: true}");
  EXPECT_EQ(event_.find("extracted.key.x"), nullptr);
  EXPECT_EQ(event_.find("extracted.key")->value, "world");
  // Nothing is written when one key of several conflicts.
  event_.clear();
  event_.setString("dissect.y", "taken");
  withMessage("a b", "{tokenizer: '%{x} %{y}'}");
  EXPECT_EQ(event_.find("dissect.x"), nullptr);
  EXPECT_EQ(errorMessage(), "cannot override existing key with `dissect.y`");
}

TEST_F(DissectTest, KeysBelowADecodedObjectAreWrittenIntoIt) {
  // decode_json_fields left `json` as one raw object; dissect with target_prefix json adds to it.
  const std::string into_json = "{tokenizer: 'hello %{key}', target_prefix: json";
  event_.setRaw("json", R"({"level":"info"})");
  withMessage("hello world", into_json + "}");
  EXPECT_EQ(errorMessage(), "");
  EXPECT_EQ(event_.find("json.key")->value, "\"world\"");
  EXPECT_EQ(event_.find("json.level")->value, "\"info\"");
  // A key the object already holds is a conflict, unless overwritten.
  event_.clear();
  event_.setRaw("json", R"({"key":"old"})");
  withMessage("hello world", into_json + "}");
  EXPECT_EQ(errorMessage(), "cannot override existing key with `json.key`");
  EXPECT_EQ(event_.find("json.key")->value, "\"old\"");
  event_.clear();
  event_.setRaw("json", R"({"key":"old"})");
  withMessage("hello world", into_json + ", overwrite_keys: true}");
  EXPECT_EQ(errorMessage(), "");
  EXPECT_EQ(event_.find("json.key")->value, "\"world\"");
}

TEST_F(DissectTest, ParsingErrorFlagsAndIgnoreFailure) {
  dissect("hello world", "{tokenizer: '%{ok} - %{notvalid}'}");
  EXPECT_EQ(flags(), "[\"dissect_parsing_error\"]");
  EXPECT_NE(errorMessage(), "");
  event_.clear();
  event_.setRaw("log.flags", "[\"multiline\"]");
  withMessage("something completely different", "{tokenizer: 'hello %{key}', ignore_failure: true}");
  EXPECT_EQ(flags(), "[\"multiline\",\"dissect_parsing_error\"]");  // kept, as libbeat
  EXPECT_EQ(errorMessage(), "");                                    // the error is hidden
  dissect("hello world", "{tokenizer: 'hello %{key}', ignore_failure: true}");
  EXPECT_EQ(flags(), "");
  EXPECT_EQ(event_.find("dissect.key")->value, "world");
}

TEST_F(DissectTest, MissingOrNonStringField) {
  event_.setString("hello", "world");
  run("dissect", "{tokenizer: 'hello %{key}'}");
  EXPECT_EQ(errorMessage(), "could not fetch value for key: message, Error: key not found");
  event_.clear();
  event_.setRaw("message", "42");
  run("dissect", "{tokenizer: 'hello %{key}'}");
  EXPECT_EQ(errorMessage(), "field is not a string, value: `42`, field: `message`");
  // A string inside raw JSON is unescaped first.
  event_.clear();
  event_.setRaw("message", R"("a\tb c")");
  run("dissect", "{tokenizer: '%{x} %{y}'}");
  EXPECT_EQ(event_.find("dissect.x")->value, "a\tb");
}

TEST_F(DissectTest, DataTypes) {
  dissect("userid=7736", "{tokenizer: 'userid=%{user_id|integer}'}");
  EXPECT_EQ(event_.find("dissect.user_id")->value, "7736");
  EXPECT_EQ(event_.find("dissect.user_id")->kind, Entry::Kind::kRaw);
  // The docs' example: a quoted tokenizer, an integer pid, at the root.
  dissect("\"321 - App01 - WebServer is starting\"",
          R"({tokenizer: '"%{service.pid|integer} - %{service.name} - %{service.status}"', target_prefix: ''})");
  EXPECT_EQ(live(), (Strings{"message=\"321 - App01 - WebServer is starting\"", "service.pid=321", "service.name=App01",
                             "service.status=WebServer is starting"}));
  dissect(
      "0x1F 12345678901 2.5 1.25 T 10.0.0.1 nope abc ",
      "{tokenizer: '%{i|integer} %{l|long} %{f|float} %{d|double} %{b|boolean} %{ip|ip} %{bad|integer} %{s|string}', "
      "target_prefix: ''}");
  EXPECT_EQ(event_.find("i")->value, "31");
  EXPECT_EQ(event_.find("l")->value, "12345678901");
  EXPECT_EQ(event_.find("f")->value, "2.5");
  EXPECT_EQ(event_.find("d")->value, "1.25");
  EXPECT_EQ(event_.find("b")->value, "true");
  EXPECT_EQ(event_.find("ip")->value, "10.0.0.1");
  EXPECT_EQ(event_.find("bad")->value, "nope");  // does not convert: stays the string
  EXPECT_EQ(event_.find("bad")->kind, Entry::Kind::kString);
  EXPECT_EQ(event_.find("s")->value, "abc");  // string trims right spaces, as libbeat
}

TEST_F(DissectTest, FixedLengthKeys) {
  dissect("ABC12 rest", "{tokenizer: '%{code#3}%{num#2} %{tail}', target_prefix: ''}");
  EXPECT_EQ(live(), (Strings{"message=ABC12 rest", "code=ABC", "num=12", "tail=rest"}));
  dissect("AB", "{tokenizer: '%{code#3}%{rest}'}");
  EXPECT_NE(errorMessage().find("field length is grater than string length"), std::string::npos) << errorMessage();
}

TEST_F(DissectTest, BadTokenizersAreConfigErrorsNamingTheKey) {
  const auto message = [&](const std::string& yaml) {
    try {
      parse("dissect", yaml);
    } catch (const config::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(message("{tokenizer: hello}"), "p.yml:1:22: dissect.tokenizer: invalid dissect tokenizer");
  EXPECT_NE(message("{tokenizer: '%{&key} %{b}'}").find("missing reference for key 'key'"), std::string::npos);
  EXPECT_NE(message("{tokenizer: '%{a|}'}").find("missing data type"), std::string::npos);
  EXPECT_NE(message("{tokenizer: '%{a|number}'}").find("invalid data type"), std::string::npos);
  EXPECT_NE(message("{tokenizer: '%{+&a} %{?a}'}").find("mixed prefix"), std::string::npos);
  EXPECT_NE(message("{field: message}").find("dissect needs a tokenizer"), std::string::npos);
  EXPECT_NE(message("{tokenizer: '%{a}', trim_values: both}").find("trim_values"), std::string::npos);
}

TEST(DissectPipeline, AccessLogUnderWhenWithTheFlagEncoded) {
  ProcessorPipeline pipeline(
      "- dissect:\n"
      "    tokenizer: '%{client.ip} - - [%{ts}] \"%{http.method} %{url.path} %{}\" %{status|integer} %{bytes|long}'\n"
      "    target_prefix: ''\n"
      "    when: {not: {contains: {message: skip}}}\n");
  const std::string shipped =
      pipeline.payload(R"(10.0.0.7 - - [08/Sep/2022:21:51:10 +0800] "GET /api/v1 HTTP/1.1" 200 512)");
  EXPECT_NE(shipped.find(R"("client":{"ip":"10.0.0.7"})"), std::string::npos) << shipped;
  EXPECT_NE(shipped.find(R"("http":{"method":"GET"})"), std::string::npos) << shipped;
  EXPECT_NE(shipped.find(R"("status":200)"), std::string::npos) << shipped;
  EXPECT_NE(shipped.find(R"("bytes":512)"), std::string::npos) << shipped;
  const std::string failed = pipeline.payload("not an access log");
  EXPECT_NE(failed.find(R"("flags":["dissect_parsing_error"])"), std::string::npos) << failed;
  EXPECT_NE(failed.find(R"("error":{"message":"could not find delimiter)"), std::string::npos) << failed;
  const std::string skipped = pipeline.payload("skip this");
  EXPECT_EQ(skipped.find("dissect_parsing_error"), std::string::npos) << skipped;
}

}  // namespace
}  // namespace logship::tail
