// A null Elasticsearch for benchmarking logship-stash (and go-stash): answers `GET /` and the nodes API with a
// version, parses every `_bulk` body (gunzips it, counts and checks the NDJSON lines) and answers
// success. `GET /_stats/items` returns the number of documents received so far.
//   bench_stash_null_sink [port]     (default 19200, 127.0.0.1 only)
#include <atomic>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>

#include <cpprest/http_listener.h>

#include "logship/es/gzip.h"

using web::http::http_request;
using web::http::methods;
using web::http::status_codes;
using web::http::experimental::listener::http_listener;

int main(int argc, char** argv) {
  const std::string port = argc > 1 ? argv[1] : "19200";
  std::atomic<uint64_t> items{0}, requests{0}, bad{0};
  http_listener listener("http://127.0.0.1:" + port);
  listener.support([&](http_request req) {
    const auto path = req.relative_uri().path();
    if (req.method() == methods::GET && path.find("_stats") != std::string::npos) {
      req.reply(status_codes::OK,
                "{\"items\":" + std::to_string(items.load()) + ",\"requests\":" + std::to_string(requests.load()) +
                    ",\"bad\":" + std::to_string(bad.load()) + "}",
                "application/json");
      return;
    }
    if (req.method() == methods::GET) {
      req.reply(status_codes::OK, R"({"version":{"number":"8.11.0"},"nodes":{"n":{"version":"8.11.0"}}})",
                "application/json");
      return;
    }
    // go-stash (olivere/elastic): a HEAD / health check, HEAD <index> then PUT <index> per new index.
    if (req.method() == methods::HEAD) {
      req.reply(status_codes::OK);
      return;
    }
    if (req.method() == methods::PUT) {
      req.reply(status_codes::OK, R"({"acknowledged":true})", "application/json");
      return;
    }
    if (req.method() == methods::POST && path == "/_bulk") {
      auto body = req.extract_vector().get();
      std::string text(body.begin(), body.end());
      if (req.headers().has("Content-Encoding")) {
        std::string plain;
        if (!logship::es::gzipDecompress(text, plain)) {
          bad.fetch_add(1);
          req.reply(status_codes::BadRequest, "{\"error\":\"bad gzip\"}", "application/json");
          return;
        }
        text.swap(plain);
      }
      uint64_t lines = 0;
      for (char c : text) lines += c == '\n';
      // logship-stash sends `create` with ids, go-stash `index` without.
      if (lines % 2 != 0 || (text.rfind("{\"create\":", 0) != 0 && text.rfind("{\"index\":", 0) != 0)) bad.fetch_add(1);
      items.fetch_add(lines / 2);
      requests.fetch_add(1);
      req.reply(status_codes::OK, "{\"took\":0,\"errors\":false,\"items\":[]}", "application/json");
      return;
    }
    req.reply(status_codes::NotFound, "{}", "application/json");
  });
  listener.open().wait();
  std::cout << "null bulk sink on http://127.0.0.1:" << port << std::endl;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int sig = 0;
  sigwait(&set, &sig);
  listener.close().wait();
  return 0;
}
