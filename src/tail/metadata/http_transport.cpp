// HttpTransport over a unix socket, TCP and TLS (Boost.Asio, blocking calls on the watcher's own
// thread), and httpGet: see http_stream.h.
#include <poll.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdio>

#include "logship/common/error.h"
#include "logship/tail/http_stream.h"

namespace logship::tail {
namespace {

namespace asio = boost::asio;

// Waits until `fd` is readable or `poll_for` passed.
bool readable(int fd, std::chrono::milliseconds poll_for) {
  struct pollfd p {
    fd, POLLIN, 0
  };
  return ::poll(&p, 1, static_cast<int>(poll_for.count())) > 0;
}

template <typename Socket>
class SocketTransport final : public HttpTransport {
 public:
  explicit SocketTransport(Socket socket) : socket_(std::move(socket)) {}
  void writeAll(std::string_view data) override {
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(data.data(), data.size()), ec);
    if (ec) throw Error(ErrorCode::kIo, "write failed", ec.message());
  }
  long readSome(char* buf, size_t n, std::chrono::milliseconds poll_for) override {
    if (!readable(socket_.native_handle(), poll_for)) return -1;
    boost::system::error_code ec;
    const size_t got = socket_.read_some(asio::buffer(buf, n), ec);
    if (ec == asio::error::eof) return 0;
    if (ec) throw Error(ErrorCode::kIo, "read failed", ec.message());
    return static_cast<long>(got);
  }

 private:
  Socket socket_;
};

class TlsTransport final : public HttpTransport {
 public:
  TlsTransport(asio::io_context& io, asio::ssl::context& ctx) : stream_(io, ctx) {}
  asio::ssl::stream<asio::ip::tcp::socket>& stream() { return stream_; }
  void writeAll(std::string_view data) override {
    boost::system::error_code ec;
    asio::write(stream_, asio::buffer(data.data(), data.size()), ec);
    if (ec) throw Error(ErrorCode::kIo, "TLS write failed", ec.message());
  }
  long readSome(char* buf, size_t n, std::chrono::milliseconds poll_for) override {
    // Bytes already taken off the socket do not show on it: records OpenSSL holds (decrypted or
    // not) and those asio moved into the SSL's read BIO. (Asio may keep a rest in its own input
    // buffer when that BIO was full; it is handed over at the next read, delayed until then.)
    SSL* ssl = stream_.native_handle();
    const bool buffered = SSL_has_pending(ssl) == 1 || BIO_ctrl_pending(SSL_get_rbio(ssl)) > 0;
    if (!buffered && !readable(stream_.lowest_layer().native_handle(), poll_for)) {
      return -1;
    }
    boost::system::error_code ec;
    const size_t got = stream_.read_some(asio::buffer(buf, n), ec);
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) return 0;
    if (ec) throw Error(ErrorCode::kIo, "TLS read failed", ec.message());
    return static_cast<long>(got);
  }

 private:
  asio::ssl::stream<asio::ip::tcp::socket> stream_;
};

// Owns the io_context and TLS context the transport's objects refer to.
template <typename Inner>
class Owning final : public HttpTransport {
 public:
  Owning(std::unique_ptr<asio::io_context> io, std::unique_ptr<asio::ssl::context> ssl, std::unique_ptr<Inner> inner)
      : io_(std::move(io)), ssl_(std::move(ssl)), inner_(std::move(inner)) {}
  void writeAll(std::string_view data) override { inner_->writeAll(data); }
  long readSome(char* buf, size_t n, std::chrono::milliseconds poll_for) override {
    return inner_->readSome(buf, n, poll_for);
  }

 private:
  std::unique_ptr<asio::io_context> io_;
  std::unique_ptr<asio::ssl::context> ssl_;
  std::unique_ptr<Inner> inner_;
};

asio::ip::tcp::socket connectSocket(asio::io_context& io, const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot resolve " + host, ec.message());
  asio::ip::tcp::socket socket(io);
  asio::connect(socket, endpoints, ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot connect to " + host + ":" + std::to_string(port), ec.message());
  return socket;
}

// A client context trusting options' CAs (or the system's), presenting its client certificate.
std::unique_ptr<asio::ssl::context> tlsContext(const TlsOptions& options) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  if (options.ca_file.empty() && options.ca_pem.empty()) ctx->set_default_verify_paths(ec);
  if (!ec && !options.ca_file.empty()) ctx->load_verify_file(options.ca_file, ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot load CA file " + options.ca_file, ec.message());
  if (!options.ca_pem.empty()) ctx->add_certificate_authority(asio::buffer(options.ca_pem), ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot load the CA certificate data", ec.message());
  if (!options.client_cert_pem.empty()) {
    ctx->use_certificate_chain(asio::buffer(options.client_cert_pem), ec);
    if (!ec) ctx->use_private_key(asio::buffer(options.client_key_pem), asio::ssl::context::pem, ec);
    if (ec) throw Error(ErrorCode::kIo, "cannot load the client certificate or key", ec.message());
  }
  ctx->set_verify_mode(options.insecure_skip_verify ? asio::ssl::verify_none : asio::ssl::verify_peer);
  return ctx;
}

}  // namespace

std::unique_ptr<HttpTransport> connectUnix(const std::string& path) {
  using Local = asio::local::stream_protocol;
  auto io = std::make_unique<asio::io_context>();
  Local::socket socket(*io);
  boost::system::error_code ec;
  socket.connect(Local::endpoint(path), ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot connect to unix socket " + path, ec.message());
  auto inner = std::make_unique<SocketTransport<Local::socket>>(std::move(socket));
  return std::make_unique<Owning<SocketTransport<Local::socket>>>(std::move(io), nullptr, std::move(inner));
}

std::unique_ptr<HttpTransport> connectTcp(const std::string& host, uint16_t port, bool tls,
                                          const std::string& ca_file) {
  if (tls) return connectTls(host, port, TlsOptions{ca_file, "", "", "", false});
  auto io = std::make_unique<asio::io_context>();
  auto inner = std::make_unique<SocketTransport<asio::ip::tcp::socket>>(connectSocket(*io, host, port));
  return std::make_unique<Owning<SocketTransport<asio::ip::tcp::socket>>>(std::move(io), nullptr, std::move(inner));
}

std::unique_ptr<HttpTransport> connectTls(const std::string& host, uint16_t port, const TlsOptions& options) {
  auto io = std::make_unique<asio::io_context>();
  auto ctx = tlsContext(options);
  auto inner = std::make_unique<TlsTransport>(*io, *ctx);
  inner->stream().lowest_layer() = connectSocket(*io, host, port);
  SSL_set_tlsext_host_name(inner->stream().native_handle(), host.c_str());
  if (!options.insecure_skip_verify) inner->stream().set_verify_callback(asio::ssl::host_name_verification(host));
  boost::system::error_code ec;
  inner->stream().handshake(asio::ssl::stream_base::client, ec);
  if (ec) throw Error(ErrorCode::kIo, "TLS handshake with " + host + " failed", ec.message());
  return std::make_unique<Owning<TlsTransport>>(std::move(io), std::move(ctx), std::move(inner));
}

int httpGet(HttpTransport& transport, const HttpRequest& request, const HttpResponseParser::BodySink& sink,
            const std::atomic<bool>& stop, const std::function<void()>& on_idle) {
  std::string head = "GET " + request.target + " HTTP/1.1\r\nHost: " + request.host +
                     "\r\nUser-Agent: logship-tail\r\nAccept: application/json\r\nConnection: close\r\n";
  if (!request.authorization.empty()) head += "Authorization: " + request.authorization + "\r\n";
  head += "\r\n";
  transport.writeAll(head);
  HttpResponseParser parser(sink);
  char buf[16 * 1024];
  while (!stop.load()) {
    const long n = transport.readSome(buf, sizeof buf, std::chrono::milliseconds(200));
    if (n < 0) {
      if (on_idle) on_idle();
      continue;
    }
    if (n == 0) {
      if (!parser.finishAtEof()) throw Error(ErrorCode::kIo, "connection closed before the response ended");
      break;
    }
    if (!parser.feed(std::string_view(buf, static_cast<size_t>(n)))) break;
  }
  return parser.status();
}

std::string httpGetBody(HttpTransport& transport, const HttpRequest& request, const std::atomic<bool>& stop) {
  std::string body;
  const int status = httpGet(
      transport, request,
      [&](std::string_view data) {
        body.append(data);
        return body.size() < 256u * 1024 * 1024;
      },
      stop);
  if (status < 200 || status > 299) {
    throw Error(ErrorCode::kIo, "GET " + request.target + " answered " + std::to_string(status), body.substr(0, 200));
  }
  return body;
}

std::string urlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

}  // namespace logship::tail
