#include "logship/tail/output_check.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "logship/kafka/client_config.h"

namespace logship::tail {
namespace {

// Filebeat's ConsoleDriver lines: "<indent><step>... OK" / "... ERROR <why>" / "<field>: <value>".
class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}
  void begin(const std::string& name) { out_ << name << "...\n"; }
  bool step(const std::string& name, const std::string& error) {
    out_ << "  " << name << "... " << (error.empty() ? "OK" : "ERROR " + error) << "\n";
    return error.empty();
  }
  void info(const std::string& field, const std::string& value) { out_ << "  " << field << ": " << value << "\n"; }

 private:
  std::ostream& out_;
};

bool splitHostPort(const std::string& hostport, std::string& host, std::string& port) {
  const auto colon = hostport.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == hostport.size()) return false;
  host = hostport.substr(0, colon);
  port = hostport.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return port.find_first_not_of("0123456789") == std::string::npos;
}

// A TCP connect bounded by `timeout`; empty on success, else why not.
std::string dial(const addrinfo* a, std::chrono::milliseconds timeout) {
  const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  std::string error;
  if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      error = std::string("connect: ") + std::strerror(errno);
    } else {
      pollfd p{fd, POLLOUT, 0};
      const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
      int so = 0;
      socklen_t len = sizeof(so);
      if (n == 0) {
        error = "connect: timed out after " + std::to_string(timeout.count()) + " ms";
      } else if (n < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len) != 0) {
        error = std::string("connect: ") + std::strerror(errno);
      } else if (so != 0) {
        error = std::string("connect: ") + std::strerror(so);
      }
    }
  }
  ::close(fd);
  return error;
}

// A metadata request to this one broker, with the output's own settings (TLS, SASL, ...).
std::string talk(const TailConfig& config, const std::string& host, std::chrono::milliseconds timeout,
                 std::string& summary) {
  kafka::Properties props = config.kafka.properties;
  props["bootstrap.servers"] = host;
  props["log.connection.close"] = "false";
  std::unique_ptr<RdKafka::Conf> conf;
  try {
    conf = kafka::makeConf(props);
  } catch (const std::exception& e) {
    return e.what();
  }
  std::string err;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  if (!producer) return err;
  RdKafka::Metadata* raw = nullptr;
  const auto code = producer->metadata(true, nullptr, &raw, static_cast<int>(timeout.count()));
  std::unique_ptr<RdKafka::Metadata> md(raw);
  if (code != RdKafka::ERR_NO_ERROR) return RdKafka::err2str(code);
  summary = std::to_string(md->brokers()->size()) + " broker(s), " + std::to_string(md->topics()->size()) + " topic(s)";
  return {};
}

bool testHost(const TailConfig& config, const std::string& hostport, std::chrono::milliseconds timeout, Report& r) {
  r.begin("kafka: " + hostport);
  std::string host, port;
  if (!r.step("parse host", splitHostPort(hostport, host, port) ? "" : "expected host:port")) return false;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int gai = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addrs(found, &::freeaddrinfo);
  if (!r.step("dns lookup", gai == 0 ? "" : std::string("lookup ") + host + ": " + ::gai_strerror(gai))) return false;
  std::string list;
  for (const addrinfo* a = found; a; a = a->ai_next) {
    char name[NI_MAXHOST];
    if (::getnameinfo(a->ai_addr, a->ai_addrlen, name, sizeof(name), nullptr, 0, NI_NUMERICHOST) == 0)
      list += (list.empty() ? "" : ", ") + std::string(name);
  }
  r.info("addresses", list);
  std::string dial_error = "no address";
  for (const addrinfo* a = found; a && !dial_error.empty(); a = a->ai_next) dial_error = dial(a, timeout);
  if (!r.step("dial up", dial_error)) return false;
  std::string summary;
  if (!r.step("talk to server", talk(config, hostport, timeout, summary))) return false;
  r.info("metadata", summary);
  return true;
}

}  // namespace

bool testOutput(const TailConfig& config, std::ostream& out, std::chrono::milliseconds timeout) {
  if (!config.kafka.enabled) {
    out << "console output doesn't support testing\n";
    return false;
  }
  Report report(out);
  bool all = true;
  for (const auto& host : config.kafka.hosts) all = testHost(config, host, timeout, report) && all;
  return all;
}

}  // namespace logship::tail
