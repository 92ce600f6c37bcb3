// The stash's per-event CPU cost without Kafka or HTTP: the reference go-stash filters, index
// naming and bulk body building over Filebeat-shaped events, on one thread.
//   bench_stash_pipeline [events] [go-stash.yml]   (defaults: 1000000, ../shared/reference-configs/go-stash.yml)
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "logship/es/bulk_batch.h"
#include "logship/stash/config.h"
#include "logship/stash/pipeline.h"

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1000000;
  auto cfg = logship::stash::loadStashConfig(argc > 2 ? argv[2] : "../shared/reference-configs/go-stash.yml").config;
  auto cluster = cfg.clusters.at(0);
  cluster.es.time_zone = "Asia/Shanghai";
  logship::stash::Processor p(cluster);
  std::vector<std::string> events;
  for (int i = 0; i < 1000; ++i) {
    const bool rpc = i % 10 == 0;
    events.push_back(
        std::string(
            R"({"@timestamp":"2022-09-08T13:51:10.346Z","@metadata":{"beat":"filebeat","type":"_doc","version":"7.17.0"},)") +
        R"("k8s_container_name":")" + (rpc ? "user-rpc" : "user-api") +
        R"(","level":"info","beat":{"name":"node-1","hostname":"node-1"},)" + R"("offset":)" + std::to_string(i * 211) +
        R"(,"source":"/var/log/app/access.log","stream":"stdout","prospector":{"type":"log"},)" +
        R"("message":"{\"@timestamp\":\"2022-09-08T21:51:10.346+08:00\",\"level\":\"info\",\"duration\":\"12.3ms\",\"content\":\"GET /api/user/5f1e2d3c4b5a69788796a5b4 - 200 - 127.0.0.1 - )" +
        std::to_string(i) + R"(\",\"trace\":\"6f1e2d3c4b5a6978\"}"})");
  }
  logship::es::BulkBatch batch;
  std::string doc, id;
  long kept = 0;
  size_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    const auto& e = events[static_cast<size_t>(i % 1000)];
    bytes += e.size();
    doc.clear();
    auto r = p.process(e, doc);
    if (r.kind != logship::stash::ProcessResult::kDoc) continue;
    logship::stash::derivedDocumentId("courseware-log", 0, i, id);
    batch.appendCreate(r.index, id, "", doc, {0, 0, i});
    ++kept;
    if (batch.bytes() > 15728640) batch.clear();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("events=%ld kept=%ld seconds=%.3f events_per_second=%.0f MB_per_second=%.1f\n", n, kept, secs, n / secs,
              bytes / secs / 1e6);
  return 0;
}
