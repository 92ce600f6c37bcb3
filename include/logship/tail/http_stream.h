#pragma once
// A minimal HTTP/1.1 client for the metadata watchers (the Docker Engine API on its unix socket,
// the Kubernetes API): one request per connection (`Connection: close`), the response parsed
// incrementally so that endless streams (Docker's /events, a Kubernetes watch) are handed over
// chunk by chunk. Transports are behind HttpTransport; reads wait at most a poll interval so a
// stop request is seen within it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace logship::tail {

// Parses one response: status line, headers, then the body by Content-Length, chunked
// Transfer-Encoding, or until the connection closes. Pure: feed it bytes as they come.
class HttpResponseParser {
 public:
  // Gets body bytes (already de-chunked); returns false to stop reading.
  using BodySink = std::function<bool(std::string_view)>;
  explicit HttpResponseParser(BodySink sink) : sink_(std::move(sink)) {}

  // Consumes `data`; throws Error(kDecode) on a malformed response. Returns false once the
  // response is complete or the sink asked to stop.
  bool feed(std::string_view data);
  // The connection closed: true when that ends the response properly (no length, no chunking).
  bool finishAtEof() const;

  int status() const { return status_; }
  bool headersDone() const { return state_ != State::kHead; }
  bool done() const { return state_ == State::kDone; }

 private:
  enum class State { kHead, kLengthBody, kEofBody, kChunkSize, kChunkData, kChunkEnd, kTrailers, kDone };
  void parseHead(std::string_view head);
  bool deliver(std::string_view data);
  size_t feedChunked(std::string_view data);

  BodySink sink_;
  State state_ = State::kHead;
  std::string pending_;  // an incomplete head, chunk-size line or trailer
  int status_ = 0;
  uint64_t remaining_ = 0;
  bool stopped_ = false;
};

// Splits a body into newline-terminated lines (Docker's /events and Kubernetes watches send one
// JSON object per line); a line split across chunks is joined.
class LineSplitter {
 public:
  using LineSink = std::function<bool(std::string_view)>;
  explicit LineSplitter(LineSink sink) : sink_(std::move(sink)) {}
  bool feed(std::string_view data);

 private:
  LineSink sink_;
  std::string partial_;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual void writeAll(std::string_view data) = 0;
  // Up to `n` bytes: > 0 read, 0 at end of stream, -1 when nothing came within the poll interval.
  virtual long readSome(char* buf, size_t n, std::chrono::milliseconds poll) = 0;
};

// Connects to a unix socket (the Docker engine's). Throws Error(kIo) when it cannot.
std::unique_ptr<HttpTransport> connectUnix(const std::string& path);
// Connects to host:port over TCP, with TLS when `ca_file` is not empty (verified against it, with
// `server_name` for SNI and the certificate's name). Throws Error(kIo).
std::unique_ptr<HttpTransport> connectTcp(const std::string& host, uint16_t port, bool tls, const std::string& ca_file);

// What a TLS client presents and trusts (the Kubernetes API: a cluster CA, client certificates).
struct TlsOptions {
  std::string ca_file;  // PEM file of trusted CAs; with ca_pem both count; neither: the system's
  std::string ca_pem;
  std::string client_cert_pem;  // with client_key_pem: a client certificate
  std::string client_key_pem;
  bool insecure_skip_verify = false;  // no verification of the server at all
};
std::unique_ptr<HttpTransport> connectTls(const std::string& host, uint16_t port, const TlsOptions& options);

struct HttpRequest {
  std::string target;  // "/containers/json"
  std::string host = "localhost";
  std::string authorization;  // "Bearer <token>", or empty
};

// Sends `request` (GET) and feeds the response to `sink` until it ends, the sink returns false,
// or `stop` becomes true; `on_idle` runs after each poll interval without data (cleanup ticks).
// Returns the status code. Throws Error(kIo) on transport failure, Error(kDecode) on a
// malformed response.
int httpGet(HttpTransport& transport, const HttpRequest& request, const HttpResponseParser::BodySink& sink,
            const std::atomic<bool>& stop, const std::function<void()>& on_idle = {});

// A whole (bounded) body as a string; throws Error(kIo) when the status is not 2xx.
std::string httpGetBody(HttpTransport& transport, const HttpRequest& request, const std::atomic<bool>& stop);

// application/x-www-form-urlencoded style escaping for a query value.
std::string urlEncode(std::string_view s);

}  // namespace logship::tail
