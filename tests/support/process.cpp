#include "support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/poll.h"

extern char** environ;

namespace logship::testing {

namespace {

int decodeStatus(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); }

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log,
                           const std::vector<std::pair<std::string, std::string>>& extra_env,
                           const std::filesystem::path& cwd) {
  if (argv.empty()) throw std::runtime_error("ChildProcess: empty argv");
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  std::vector<std::string> envs;
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    bool overridden = false;
    for (const auto& [k, v] : extra_env) overridden |= kv.rfind(k + "=", 0) == 0;
    if (!overridden) envs.push_back(kv);
  }
  for (const auto& [k, v] : extra_env) envs.push_back(k + "=" + v);
  std::vector<char*> cenv;
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());  // glibc >= 2.29
  const int rc = posix_spawn(&pid_, args[0].c_str(), &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("posix_spawn " + args[0] + (cwd.empty() ? "" : " in " + cwd.string()) + ": " +
                             std::strerror(rc));
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) kill9();
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_), status_(other.status_) {
  other.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) kill9();
    pid_ = other.pid_;
    status_ = other.status_;
    other.pid_ = -1;
  }
  return *this;
}

void ChildProcess::reapNoHang() {
  if (pid_ <= 0) return;
  int st = 0;
  if (::waitpid(pid_, &st, WNOHANG) == pid_) {
    status_ = decodeStatus(st);
    pid_ = -1;
  }
}

bool ChildProcess::alive() {
  reapNoHang();
  return pid_ > 0;
}

int ChildProcess::kill9() {
  if (pid_ <= 0) return status_;
  ::kill(pid_, SIGKILL);
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  status_ = decodeStatus(st);
  pid_ = -1;
  return status_;
}

int ChildProcess::terminate(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return status_;
  ::kill(pid_, SIGTERM);
  if (pollUntil(
          [&] {
            reapNoHang();
            return pid_ <= 0;
          },
          timeout, std::chrono::milliseconds(20)))
    return status_;
  kill9();
  return -1;
}

std::optional<MemoryStatus> readMemoryStatus(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return std::nullopt;
  MemoryStatus m;
  bool rss = false, hwm = false;
  std::string line;
  while (std::getline(in, line)) {
    auto value = [&line] { return std::stoll(line.substr(line.find(':') + 1)); };
    if (line.rfind("VmRSS:", 0) == 0) m.rss_kib = value(), rss = true;
    if (line.rfind("VmHWM:", 0) == 0) m.hwm_kib = value(), hwm = true;
  }
  if (!rss || !hwm) return std::nullopt;  // a zombie has no memory lines
  return m;
}

int freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind 127.0.0.1:0 failed");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

int httpGetStatus(int port, const std::string& path, std::chrono::milliseconds timeout, std::string* body) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto left_ms = [&] {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    return static_cast<int>(ms > 0 ? ms : 0);
  };
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  std::string response;
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 || errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t elen = sizeof err;
    if (::poll(&p, 1, left_ms()) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0) {
      const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
      size_t sent = 0;
      while (sent < req.size()) {
        const ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
          sent += static_cast<size_t>(n);
          continue;
        }
        if (n < 0 && errno == EAGAIN) {
          pollfd w{fd, POLLOUT, 0};
          if (::poll(&w, 1, left_ms()) == 1) continue;
        }
        break;
      }
      ok = sent == req.size();
      while (ok) {
        pollfd r{fd, POLLIN, 0};
        if (::poll(&r, 1, left_ms()) != 1) break;
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        response.append(buf, static_cast<size_t>(n));
      }
    }
  }
  ::close(fd);
  // "HTTP/1.1 200 OK\r\n..."
  if (response.rfind("HTTP/", 0) != 0) return 0;
  const auto sp = response.find(' ');
  if (sp == std::string::npos || sp + 4 > response.size()) return 0;
  const int status = std::atoi(response.substr(sp + 1, 3).c_str());
  if (body) {
    const auto hdr_end = response.find("\r\n\r\n");
    *body = hdr_end == std::string::npos ? "" : response.substr(hdr_end + 4);
  }
  return status;
}

std::string tailOfFile(const std::filesystem::path& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_bytes) s = "..." + s.substr(s.size() - max_bytes);
  return s;
}

}  // namespace logship::testing
