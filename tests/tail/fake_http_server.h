#pragma once
// A scripted HTTP/1.1 server for the metadata clients' tests: on a unix socket (a Docker engine's
// place) or on 127.0.0.1 TCP. Each request's target goes to the handler, which answers with the
// raw bytes to send; a streaming answer keeps the connection open so the test can push more
// (Docker /events, Kubernetes watch) with push(), until closeStreams(). With an SSL_CTX the TCP
// server speaks TLS (fake_kube_api.h makes one).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace logship::tail::testing {

struct FakeAnswer {
  std::string bytes;    // status line, headers and body (or its first chunks)
  bool stream = false;  // keep the connection open for push()
};

// Helpers for answers.
inline std::string httpChunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}
inline std::string httpChunkedHead(int status = 200) {
  return "HTTP/1.1 " + std::to_string(status) +
         " OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
}
inline std::string httpWhole(const std::string& body, int status = 200) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

class FakeHttpServer {
 public:
  using Handler = std::function<FakeAnswer(const std::string& target)>;

  // On a unix socket at `path`.
  FakeHttpServer(const std::string& path, Handler handler) : handler_(std::move(handler)) {
    ::unlink(path.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0) fd_ = -1;
    start();
  }
  // On 127.0.0.1, a free port; TLS with `tls` (owned by the caller, outliving the server).
  explicit FakeHttpServer(Handler handler, SSL_CTX* tls = nullptr) : handler_(std::move(handler)), tls_(tls) {
    // SSL_write writes to the socket without MSG_NOSIGNAL: a client gone must not kill the test.
    if (tls_ != nullptr) ::signal(SIGPIPE, SIG_IGN);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      fd_ = -1;
    }
    port_ = ntohs(addr.sin_port);
    start();
  }
  ~FakeHttpServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    closeStreams();
    if (acceptor_.joinable()) acceptor_.join();
    for (auto& t : workers_) t.join();
  }
  bool ok() const { return fd_ >= 0; }
  int port() const { return port_; }
  // Every request target so far, in order.
  std::vector<std::string> targets() const {
    std::lock_guard<std::mutex> lock(mu_);
    return targets_;
  }
  // Every request's head (request line and headers), in order.
  std::vector<std::string> heads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return heads_;
  }
  int openStreams() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(streams_.size());
  }
  void push(const std::string& bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Conn& c : streams_) sendAll(c, bytes);
  }
  // Ends the streams (the client sees the connection close).
  void closeStreams() {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Conn& c : streams_) finish(c);
    streams_.clear();
  }

 private:
  struct Conn {
    int fd = -1;
    SSL* ssl = nullptr;
  };
  static void sendAll(const Conn& c, const std::string& bytes) {
    size_t at = 0;
    while (at < bytes.size()) {
      const long n = c.ssl != nullptr ? SSL_write(c.ssl, bytes.data() + at, static_cast<int>(bytes.size() - at))
                                      : ::send(c.fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return;
      at += static_cast<size_t>(n);
    }
  }
  static long receive(const Conn& c, char* buf, size_t n) {
    return c.ssl != nullptr ? SSL_read(c.ssl, buf, static_cast<int>(n)) : ::recv(c.fd, buf, n, 0);
  }
  static void finish(const Conn& c) {
    if (c.ssl != nullptr) {
      SSL_shutdown(c.ssl);
      SSL_free(c.ssl);
    }
    ::shutdown(c.fd, SHUT_RDWR);
    ::close(c.fd);
  }
  void start() {
    if (fd_ < 0) return;
    acceptor_ = std::thread([this] {
      while (!stopping_) {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        std::lock_guard<std::mutex> lock(mu_);
        workers_.emplace_back([this, client] { serve(client); });
      }
    });
  }
  void serve(int fd) {
    Conn client{fd, nullptr};
    if (tls_ != nullptr) {
      client.ssl = SSL_new(tls_);
      SSL_set_fd(client.ssl, fd);
      if (SSL_accept(client.ssl) != 1) {
        finish(client);
        return;
      }
    }
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const long n = receive(client, buf, sizeof buf);
      if (n <= 0) {
        finish(client);
        return;
      }
      request.append(buf, static_cast<size_t>(n));
    }
    const size_t sp = request.find(' ');
    const std::string target = request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
    {
      std::lock_guard<std::mutex> lock(mu_);
      targets_.push_back(target);
      heads_.push_back(request.substr(0, request.find("\r\n\r\n")));
    }
    const FakeAnswer answer = handler_(target);
    std::lock_guard<std::mutex> lock(mu_);
    sendAll(client, answer.bytes);
    if (answer.stream && !stopping_) {
      streams_.push_back(client);
    } else {
      finish(client);
    }
  }

  Handler handler_;
  SSL_CTX* tls_ = nullptr;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<std::string> targets_;
  std::vector<std::string> heads_;
  std::vector<Conn> streams_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace logship::tail::testing
