// add_docker_metadata: the HTTP response parser (chunked, lengths, malformed), the Docker Engine
// client and watcher against a scripted engine on a unix socket, the matching (source index,
// short ids, match_fields), cleanup_timeout on simulated time, and config errors.
#include <gtest/gtest.h>

#include <string>

#include "fake_http_server.h"
#include "logship/common/config.h"
#include "logship/common/error.h"
#include "logship/tail/docker_metadata.h"
#include "logship/tail/event.h"
#include "logship/tail/http_stream.h"
#include "logship/tail/processors.h"
#include "support/poll.h"

namespace logship::tail {
namespace {

using testing::FakeAnswer;
using testing::FakeHttpServer;
using testing::httpChunk;
using testing::httpChunkedHead;
using testing::httpWhole;

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kOther = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

// Feeds `raw` to a parser `step` bytes at a time; returns the body.
std::string parseInSteps(const std::string& raw, size_t step, HttpResponseParser** keep = nullptr) {
  std::string body;
  static std::unique_ptr<HttpResponseParser> parser;
  parser = std::make_unique<HttpResponseParser>([&](std::string_view d) {
    body.append(d);
    return true;
  });
  for (size_t at = 0; at < raw.size(); at += step) parser->feed(std::string_view(raw).substr(at, step));
  if (keep) *keep = parser.get();
  return body;
}

TEST(HttpResponseParser, ChunkedBodyInAnySplit) {
  const std::string raw = "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n" + httpChunk("{\"a\":") +
                          "3;ext=1\r\n1}\n\r\n" + httpChunk(std::string(5000, 'x')) + "0\r\nX-Trailer: y\r\n\r\n";
  for (size_t step : {1u, 2u, 7u, 64u, 100000u}) {
    HttpResponseParser* p = nullptr;
    const std::string body = parseInSteps(raw, step, &p);
    EXPECT_EQ(body, "{\"a\":1}\n" + std::string(5000, 'x')) << step;
    EXPECT_TRUE(p->done()) << step;
    EXPECT_EQ(p->status(), 200);
  }
}

TEST(HttpResponseParser, LengthEofAndNoBody) {
  HttpResponseParser* p = nullptr;
  EXPECT_EQ(parseInSteps("HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nabcdeEXTRA", 3, &p), "abcde");
  EXPECT_TRUE(p->done());
  EXPECT_EQ(p->status(), 404);
  EXPECT_EQ(parseInSteps("HTTP/1.0 200 OK\r\n\r\nuntil close", 4, &p), "until close");
  EXPECT_FALSE(p->done());
  EXPECT_TRUE(p->finishAtEof());
  EXPECT_EQ(parseInSteps("HTTP/1.1 204 No Content\r\n\r\n", 5, &p), "");
  EXPECT_TRUE(p->done());
  HttpResponseParser chunked([](std::string_view) { return true; });
  chunked.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
  EXPECT_FALSE(chunked.finishAtEof());  // a stream cut in the middle of a chunk is an error
}

TEST(HttpResponseParser, MalformedIsAnError) {
  auto feed = [](const std::string& raw) {
    HttpResponseParser p([](std::string_view) { return true; });
    p.feed(raw);
  };
  EXPECT_THROW(feed("SSH-2.0-OpenSSH\r\n\r\n"), Error);
  EXPECT_THROW(feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), Error);
  EXPECT_THROW(feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n"), Error);
  EXPECT_THROW(feed("HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n"), Error);
}

TEST(LineSplitter, JoinsLinesAcrossChunks) {
  std::vector<std::string> lines;
  LineSplitter s([&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  });
  s.feed("{\"a\"");
  s.feed(":1}\n{\"b\":2}\n{");
  s.feed("}\n");
  EXPECT_EQ(lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{}"}));
}

std::string listJson() {
  return R"([{"Id":")" + kId +
         R"(","Names":["/web"],"Image":"nginx:1.25","Labels":{"com.example.team":"shop","tier":"front"},"State":"running"}])";
}
std::string inspectJson(const std::string& id, const std::string& name) {
  return R"({"Id":")" + id + R"(","Name":"/)" + name +
         R"(","Config":{"Image":"busybox:local","Labels":{"app":"late"}},"State":{"Running":true}})";
}
std::string eventJson(const std::string& action, const std::string& id) {
  return R"({"status":")" + action + R"(","id":")" + id + R"(","from":"busybox:local","Type":"container","Action":")" +
         action + R"(","Actor":{"ID":")" + id +
         R"(","Attributes":{"image":"busybox:local","name":"x"}},"scope":"local","time":1700000000,"timeNano":1700000000000000000})" +
         "\n";
}

// A scripted engine: the list, inspect for kOther, an event stream.
class ScriptedEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    socket_ = ::testing::TempDir() + "docker-" + std::to_string(::getpid()) + ".sock";
    server_ = std::make_unique<FakeHttpServer>(socket_, [](const std::string& target) {
      if (target == "/containers/json") return FakeAnswer{httpChunkedHead() + httpChunk(listJson()) + "0\r\n\r\n"};
      if (target == "/containers/" + kOther + "/json") return FakeAnswer{httpWhole(inspectJson(kOther, "late"))};
      if (target.rfind("/events?", 0) == 0) return FakeAnswer{httpChunkedHead(), true};
      return FakeAnswer{httpWhole(R"({"message":"No such container"})", 404)};
    });
    ASSERT_TRUE(server_->ok());
  }
  std::string socket_;
  std::unique_ptr<FakeHttpServer> server_;
};

TEST_F(ScriptedEngine, ClientListsInspectsAndParsesEvents) {
  DockerEngine engine(socket_);
  std::atomic<bool> stop{false};
  const auto list = engine.listContainers(stop);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, kId);
  EXPECT_EQ(list[0].name, "web");
  EXPECT_EQ(list[0].image, "nginx:1.25");
  EXPECT_EQ(list[0].labels.at("com.example.team"), "shop");
  DockerContainer c;
  ASSERT_TRUE(engine.inspect(kOther, c, stop));
  EXPECT_EQ(c.name, "late");
  EXPECT_EQ(c.labels.at("app"), "late");
  EXPECT_FALSE(engine.inspect("nope", c, stop));
  DockerEvent e;
  ASSERT_TRUE(DockerEngine::parseEvent(eventJson("die", kId), e));
  EXPECT_EQ(e.action, "die");
  EXPECT_EQ(e.id, kId);
  EXPECT_FALSE(DockerEngine::parseEvent(R"({"Type":"network","Action":"connect","Actor":{"ID":"n"}})", e));
  EXPECT_THROW(DockerEngine::parseList("[{"), Error);
}

TEST_F(ScriptedEngine, WatcherFollowsTheEventStream) {
  DockerMetadataOptions options;
  options.socket_path = socket_;
  options.match_short_id = true;
  MetadataStore store(RealTimeSource::instance(), std::chrono::hours(1));
  DockerMetadataWatcher watcher(DockerEngine(socket_), store, options, RealTimeSource::instance());
  watcher.start();
  ASSERT_TRUE(logship::testing::pollUntil([&] { return server_->openStreams() == 1; }, std::chrono::seconds(10)));
  EXPECT_TRUE(store.contains(kId));
  EXPECT_TRUE(store.contains(kId.substr(0, 12)));
  const auto targets = server_->targets();
  ASSERT_GE(targets.size(), 2u);
  EXPECT_NE(targets[1].find("filters=%7B%22type%22%3A%5B%22container%22%5D"), std::string::npos) << targets[1];
  EXPECT_NE(targets[1].find("&since="), std::string::npos);

  // A start event (split across chunks) makes the watcher inspect the new container.
  const std::string start = eventJson("start", kOther);
  server_->push(httpChunk(start.substr(0, 40)) + httpChunk(start.substr(40)));
  ASSERT_TRUE(logship::testing::pollUntil([&] { return store.contains(kOther); }, std::chrono::seconds(10)));
  const auto fields = store.find(kOther);
  EXPECT_EQ(fields->at(1), (std::pair<std::string, std::string>{"container.name", "\"late\""}));

  // The engine goes away: the watcher reconnects and lists again.
  server_->closeStreams();
  ASSERT_TRUE(logship::testing::pollUntil([&] { return watcher.lists() >= 2; }, std::chrono::seconds(20)));
  watcher.stop();
}

TEST(DockerMetadataWatcher, UnreachableEngineNeverBlocksRun) {
  auto doc = config::Document::loadString(
      "processors:\n  - add_docker_metadata: {host: \"unix://" + ::testing::TempDir() + "no-such.sock\"}\n", "d.yml",
      {});
  std::vector<std::string> warnings;
  auto list = parseProcessors(doc->root().child("processors"), warnings);
  Processors chain(nullptr, &list);
  Event e;
  const std::string path = "/var/lib/docker/containers/" + kId + "/" + kId + "-json.log";
  e.setString("log.file.path", path);
  chain.run(e);
  EXPECT_EQ(e.find("container.id")->value, kId);  // from the path, as Filebeat's extract_field
  EXPECT_EQ(e.find("container.name"), nullptr);
}

struct Matching : ::testing::Test {
  SimulatedTimeSource clock;
  MetadataStore store{clock, std::chrono::seconds(60)};
  DockerMetadataOptions options;

  void SetUp() override {
    DockerContainer c{kId, "web", "nginx:1.25", {{"com.example.team", "shop"}}};
    auto fields = std::make_shared<const MetadataFields>(dockerFields(c, true));
    store.put(kId, fields);
    store.put(kId.substr(0, 12), fields);
  }
  Event run(const std::string& key, const std::string& value) {
    Event e;
    e.setString(key, value);
    DockerMatcher(options, store).run(e);
    return e;
  }
};

TEST_F(Matching, SourceIndexShortIdsAndFields) {
  Event e = run("log.file.path", "/var/lib/docker/containers/" + kId + "/" + kId + "-json.log");
  ASSERT_NE(e.find("container.name"), nullptr);
  EXPECT_EQ(e.find("container.name")->value, "\"web\"");
  EXPECT_EQ(e.find("container.image.name")->value, "\"nginx:1.25\"");
  EXPECT_EQ(e.find("container.labels.com_example_team")->value, "\"shop\"");
  // Another data-root: the id is elsewhere.
  options.match_source_index = 3;
  EXPECT_NE(run("log.file.path", "/srv/docker/containers/" + kId + "/x-json.log").find("container.name"), nullptr);
  EXPECT_EQ(run("log.file.path", "/var/lib/docker/containers/" + kId + "/x.log").find("container.name"), nullptr);
  options.match_source = false;
  options.match_fields = {"docker.id", "cid"};
  EXPECT_NE(run("cid", kId.substr(0, 12)).find("container.name"), nullptr);
  EXPECT_EQ(run("cid", kOther).find("container.name"), nullptr);
}

TEST_F(Matching, CleanupTimeoutCountsFromTheLastLookup) {
  store.markRemoved(kId);
  clock.advance(std::chrono::seconds(50));
  EXPECT_EQ(store.cleanup(), 0u);
  EXPECT_NE(store.find(kId), nullptr);  // a late line of the dead container: kept 60 s more
  clock.advance(std::chrono::seconds(59));
  EXPECT_EQ(store.cleanup(), 0u);
  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(store.cleanup(), 1u);
  EXPECT_EQ(store.find(kId), nullptr);
  EXPECT_NE(store.find(kId.substr(0, 12)), nullptr);  // not removed: still live
}

TEST(AddDockerMetadata, LabelsWithoutDedotAndConfigErrors) {
  DockerContainer c{kId, "web", "img", {{"a.b", "1"}}};
  EXPECT_EQ(dockerFields(c, false).back().first, "container.labels.a.b");
  auto error = [](const std::string& yaml) -> std::string {
    try {
      auto doc = config::Document::loadString(yaml, "d.yml", {});
      std::vector<std::string> warnings;
      parseProcessors(doc->root().child("processors"), warnings);
    } catch (const config::ConfigError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error("processors:\n  - add_docker_metadata: {host: \"tcp://127.0.0.1:2375\"}\n"),
            "d.yml:2:33: processors[0].add_docker_metadata.host: only unix:// hosts are implemented (the engine's "
            "socket, e.g. unix:///var/run/docker.sock), got \"tcp://127.0.0.1:2375\"");
  const std::string negative = error("processors:\n  - add_docker_metadata: {match_source_index: -1}\n");
  EXPECT_NE(negative.find("processors[0].add_docker_metadata.match_source_index: must be 0 or more"), std::string::npos)
      << negative;
  EXPECT_NE(error("processors:\n  - add_docker_metadata: {cleanup_timeout: soon}\n").find("cleanup_timeout"),
            std::string::npos);
}

}  // namespace
}  // namespace logship::tail
