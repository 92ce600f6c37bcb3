#include "logship/tail/registry.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#include <simdjson.h>

#include "logship/common/error.h"
#include "logship/common/json.h"
#include "logship/common/logging.h"

namespace logship::tail {
namespace fs = std::filesystem;

Registry::Registry(std::string dir, TimeSource& time)
    : time_(time), dir_(std::move(dir)), file_(dir_ + "/registry.json"), last_write_(time.monotonicTime()) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot create registry directory " + dir_, ec.message());
}

bool Registry::load() {
  std::ifstream in(file_, std::ios::binary);
  if (!in) return true;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  // simdjson reads, json::ObjectWriter (flush) writes. Types as the format has them: dev, inode,
  // offset non-negative integers; fp_len one that fits 32 bits; updated_ms a signed 64-bit integer.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array files;
  bool ok = parser.parse(text).get(doc) == simdjson::SUCCESS && doc.is_object() &&
            doc["files"].get(files) == simdjson::SUCCESS;
  uint64_t version = 1;
  if (ok && doc["version"].get(version) != simdjson::SUCCESS) version = 1;
  std::map<std::string, FileState> states;
  if (ok) {
    for (simdjson::dom::element f : files) {
      FileState s;
      if (!f.is_object() || f["dev"].get(s.identity.dev) != simdjson::SUCCESS ||
          f["inode"].get(s.identity.inode) != simdjson::SUCCESS || f["offset"].get(s.offset) != simdjson::SUCCESS) {
        ok = false;
        break;
      }
      uint64_t fp_len = 0;
      if (f["fp_len"].get(fp_len) == simdjson::SUCCESS && fp_len <= UINT32_MAX)
        s.identity.fp_len = static_cast<uint32_t>(fp_len);
      std::string_view str;
      if (f["fp"].get(str) == simdjson::SUCCESS)
        s.identity.fp_hash = std::strtoull(std::string(str).c_str(), nullptr, 16);
      if (f["path"].get(str) == simdjson::SUCCESS) s.path = std::string(str);
      int64_t updated_ms = 0;
      if (f["updated_ms"].get(updated_ms) == simdjson::SUCCESS) s.updated_ms = updated_ms;
      if (f["scope"].get(str) == simdjson::SUCCESS) s.scope = std::string(str);
      bool legacy = false;
      s.legacy = version < 2 || (f["legacy"].get(legacy) == simdjson::SUCCESS && legacy);
      if (s.legacy) s.scope.clear();
      states[keyOf(s.scope, s.identity)] = std::move(s);
    }
  }
  if (!ok) {
    const std::string aside = file_ + ".corrupt";
    std::rename(file_.c_str(), aside.c_str());
    log::error(*log::get("registry"), "registry file is corrupt, moved aside; files will be read from the start",
               {{"file", file_}, {"moved_to", aside}});
    return false;
  }
  states_ = std::move(states);
  return true;
}

std::string Registry::keyOf(const std::string& scope, const FileIdentity& id) {
  return scope.empty() ? id.key() : scope + "::" + id.key();
}

const FileState* Registry::find(const std::string& scope, const FileIdentity& id) const {
  auto it = states_.find(keyOf(scope, id));
  if (it != states_.end()) return &it->second;
  if (scope.empty()) return nullptr;
  it = states_.find(id.key());
  return it != states_.end() && it->second.legacy ? &it->second : nullptr;
}

void Registry::update(const FileState& state) {
  auto& slot = states_[keyOf(state.scope, state.identity)];
  if (!slot.legacy && slot.offset == state.offset && slot.path == state.path &&
      slot.identity.fp_hash == state.identity.fp_hash && slot.identity.fp_len == state.identity.fp_len &&
      slot.identity.inode == state.identity.inode && slot.scope == state.scope)
    return;
  slot = state;
  slot.legacy = false;
  dirty_ = true;
}

void Registry::remove(const std::string& scope, const FileIdentity& id) {
  if (states_.erase(keyOf(scope, id))) dirty_ = true;
  auto it = states_.find(id.key());
  if (it != states_.end() && it->second.legacy) {
    states_.erase(it);
    dirty_ = true;
  }
}

void Registry::erase(const std::string& key) {
  if (states_.erase(key)) dirty_ = true;
}

bool Registry::flushIfDue(Clock::time_point now, std::chrono::milliseconds interval) {
  if (!dirty_ || now - last_write_ < interval) return false;
  flush();
  return true;
}

void Registry::flush() {
  if (!dirty_) return;
  std::string out = "{\"version\":2,\"files\":[";
  bool first = true;
  char fp[32];
  for (const auto& [key, s] : states_) {
    if (!first) out.push_back(',');
    first = false;
    json::ObjectWriter w(out);
    w.field("key", key).field("path", s.path);
    w.key("dev");
    json::appendUint(out, s.identity.dev);
    w.key("inode");
    json::appendUint(out, s.identity.inode);
    w.key("offset");
    json::appendUint(out, s.offset);
    w.key("fp_len");
    json::appendUint(out, s.identity.fp_len);
    std::snprintf(fp, sizeof(fp), "%016llx", static_cast<unsigned long long>(s.identity.fp_hash));
    w.field("fp", fp).fieldInt("updated_ms", s.updated_ms);
    if (!s.scope.empty()) w.field("scope", s.scope);
    if (s.legacy) w.fieldBool("legacy", true);
    w.close();
  }
  out += "]}\n";
  const std::string tmp = file_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorCode::kIo, "cannot write registry " + tmp, std::strerror(errno));
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::write(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      throw Error(ErrorCode::kIo, "cannot write registry " + tmp, std::strerror(e));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    throw Error(ErrorCode::kIo, "cannot fsync registry " + tmp, std::strerror(errno));
  if (std::rename(tmp.c_str(), file_.c_str()) != 0)
    throw Error(ErrorCode::kIo, "cannot rename registry into place " + file_, std::strerror(errno));
  const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  dirty_ = false;
  ++writes_;
  last_write_ = time_.monotonicTime();
}

}  // namespace logship::tail
