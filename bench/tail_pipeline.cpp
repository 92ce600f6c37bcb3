// The tailer's per-line CPU cost without files or Kafka: go-zero JSON lines through the Pipeline
// (plain `log` input, Filebeat 8 event encoding) and the harvester's Shipper (ack tracking) into an
// output that acks at once.
//   bench_tail_pipeline [lines] [json|container|access|dissect|timestamp|processors]   (defaults:
//   2000000; `json` decodes lines as `json.keys_under_root: true, overwrite_keys: true` does;
//   `container` reads the same lines wrapped in Docker json-file envelopes through the container
//   parser, as `type: container`; `access` ships nginx access-log lines as they are, `dissect`
//   splits the same lines with a dissect processor: the difference is what the processor costs per
//   line; `timestamp` also sets @timestamp from the line's time with a timestamp processor;
//   `processors`: plain input with decode_json_fields into the root + rename + drop_fields, the
//   go-zero pipeline of issue 13)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logship/common/config.h"
#include "logship/common/json.h"
#include "logship/common/metrics.h"
#include "logship/tail/container_parser.h"
#include "logship/tail/harvester.h"
#include "logship/tail/processors.h"

namespace {

using namespace logship::tail;

class AckingOutput : public Output {
 public:
  explicit AckingOutput(AckTracker& acks) : acks_(acks) {}
  void publish(const Event&, std::string_view payload, AckToken token) override {
    bytes += payload.size();
    acks_.ack(token);
  }
  void poll(std::chrono::milliseconds) override {}
  size_t queued() const override { return 0; }
  size_t bytes = 0;

 private:
  AckTracker& acks_;
};

// `{"log":"<line>\n","stream":"stdout","time":"..."}` as Docker's json-file driver writes it.
std::string dockerEnvelope(const std::string& line, int i) {
  std::string out = R"({"log":")";
  logship::json::appendEscaped(out, line + "\n");
  out += R"(","stream":")";
  out += i % 5 == 0 ? "stderr" : "stdout";
  out += R"(","time":"2024-05-01T10:00:)" + std::to_string(10 + (i / 100) % 50) + ".123456789Z\"}";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 2000000;
  const bool json = argc > 2 && std::strcmp(argv[2], "json") == 0;
  const bool container = argc > 2 && std::strcmp(argv[2], "container") == 0;
  const bool with_processors = argc > 2 && std::strcmp(argv[2], "processors") == 0;
  // Mixed lengths like bench/tail_bench.sh's corpus: 20-620 byte bodies inside a go-zero line.
  std::vector<std::string> lines;
  const std::string pad = "abcdefghijklmnopqrstuvwxyz0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ/:-_=.,";
  uint32_t seed = 42;
  auto rnd = [&seed] { return (seed = seed * 1103515245 + 12345) >> 8; };
  for (int i = 0; i < 1000; ++i) {
    std::string body;
    const size_t len = 20 + (rnd() % 600) * (rnd() % 600) / 600;
    while (body.size() < len) body += pad.substr(rnd() % 60, 12);
    lines.push_back(R"({"@timestamp":"2022-09-08T21:51:10.346+08:00","level":")" +
                    std::string(i % 7 == 4 ? "error" : "info") + R"(","content":"req-)" + std::to_string(i) + " " +
                    body + "\"}");
  }
  const std::string mode = argc > 2 ? argv[2] : "";
  const bool access = mode == "access" || mode == "dissect" || mode == "timestamp";
  if (access) {  // nginx's combined format, varied paths, statuses, sizes and agents
    static const char* const kPaths[] = {"/api/v1/users", "/api/v1/orders/42", "/static/app.js", "/healthz"};
    static const char* const kAgents[] = {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36", "curl/7.88.1",
                                          "Go-http-client/1.1"};
    for (int i = 0; i < 1000; ++i)
      lines[static_cast<size_t>(i)] = "10.0." + std::to_string(rnd() % 256) + "." + std::to_string(rnd() % 256) +
                                      " - - [08/Sep/2022:21:51:" + std::to_string(10 + i % 50) + " +0800] \"GET " +
                                      kPaths[rnd() % 4] + "?page=" + std::to_string(i) + " HTTP/1.1\" " +
                                      (i % 9 == 0 ? "404" : "200") + " " + std::to_string(rnd() % 20000) + " \"-\" \"" +
                                      kAgents[rnd() % 3] + "\"";
  }
  std::vector<std::string> warnings;
  const auto processors_doc = logship::config::Document::loadString(
      "processors:\n- dissect:\n    tokenizer: '%{source.ip} - %{user.name} [%{ts}] \"%{http.request.method} "
      "%{url.original} "
      "HTTP/%{http.version}\" %{http.response.status_code|integer} %{http.response.body.bytes|long} "
      "\"%{http.request.referrer}\" "
      "\"%{user_agent.original}\"'\n    target_prefix: ''\n" +
          std::string(mode == "timestamp" ? "- timestamp: {field: ts, layouts: ['02/Jan/2006:15:04:05 -0700']}\n" : ""),
      "bench.yml", {});
  std::vector<ProcessorConfig> processors;
  if (mode == "dissect" || mode == "timestamp")
    processors = parseProcessors(processors_doc->root().child("processors"), warnings);
  InputConfig input;
  input.paths = {"/var/log/app/*.log"};
  if (json) {
    input.json.enabled = true;
    input.json.keys_under_root = true;
    input.json.overwrite_keys = true;
  }
  if (container) {
    input.type = "container";
    input.container.enabled = true;
    for (size_t i = 0; i < lines.size(); ++i) lines[i] = dockerEnvelope(lines[i], static_cast<int>(i));
  }
  // Kept alive for the whole run (as processors_doc): events hold views of the processors' strings.
  std::unique_ptr<logship::config::Document> gozero_doc;
  if (with_processors) {
    gozero_doc = logship::config::Document::loadString(R"(processors:
  - decode_json_fields: {fields: [message], target: "", overwrite_keys: true}
  - rename: {fields: [{from: content, to: msg}], ignore_missing: true}
  - drop_fields: {fields: [message]}
)",
                                                       "bench.yml", {});
    input.processors = parseProcessors(gozero_doc->root().child("processors"), warnings);
  }
  logship::metrics::Registry metrics;
  AckTracker acks;
  AckingOutput output(acks);
  Pipeline pipeline(input, processors,
                    AgentInfo{"node-1", "a7fa6914-5f6e-423d-aa69-023f6e53b817", "cae00e3f-ec99-48d0-bd79-2750b2a8df24"},
                    PipelineMetrics::in(metrics));
  const Shipper shipper{pipeline, acks, output};
  HarvesterContext ctx;
  ctx.path = "/var/log/app/access.log";
  ctx.file_hash = 0xdd09a2ca33cae8bfULL;
  const AckTracker::FileId file = acks.open(0);
  uint64_t offset = 0;
  size_t in_bytes = 0;
  std::optional<ContainerParser> parser;
  if (container)
    parser.emplace(input.container, input.max_bytes,
                   /*keep_escaped=*/true);  // as the harvester: no multiline, filters, JSON
  const ContainerParser::Emit ship = [&](const Message& m) { shipper.ship(m, ctx, file); };
  const ContainerParser::Skip skip = [&](uint64_t end) { acks.skip(file, end); };
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    if (i % 1024 == 0) pipeline.refreshReadTime();
    const std::string& line = lines[static_cast<size_t>(i % 1000)];
    if (parser) {
      const Line raw{line, offset, offset += line.size() + 1, false};
      parser->feed(raw, ship, skip);
    } else {
      Message m;
      m.text = line;
      m.offset = offset;
      m.end_offset = offset += line.size() + 1;
      shipper.ship(m, ctx, file);
    }
    in_bytes += line.size() + 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "lines=%ld seconds=%.3f lines_per_second=%.0f ns_per_line=%.0f in_MB_per_second=%.1f out_bytes_per_line=%.0f\n",
      n, secs, n / secs, secs * 1e9 / n, in_bytes / secs / 1e6, static_cast<double>(output.bytes) / n);
  return 0;
}
