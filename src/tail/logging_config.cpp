#include "logship/tail/logging_config.h"

#include <cstdlib>

namespace logship::tail {
namespace {

using config::Node;

// Filebeat writes permissions as YAML 1.1 octal (0600, 0o640); a plain number is decimal.
uint32_t parsePermissions(const Node& n, uint32_t def) {
  if (!n.exists()) return def;
  std::string s = n.str();
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    s = s.substr(2);
    base = 8;
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
  }
  char* end = nullptr;
  const unsigned long mode = std::strtoul(s.c_str(), &end, base);
  if (s.empty() || *end != '\0' || mode > 0777) n.fail("expected file permissions such as 0600 or 0640");
  return static_cast<uint32_t>(mode);
}

void parseFiles(const Node& n, const std::string& path_logs, LogFilesConfig& f) {
  f.path = n.child("path").str(path_logs);
  f.name = n.child("name").str("filebeat");
  if (f.name.empty() || f.name.find('/') != std::string::npos) n.child("name").fail("expected a file name");
  f.rotate_every_bytes = n.child("rotateeverybytes").bytes(10 * 1024 * 1024);
  if (f.rotate_every_bytes < 1) n.child("rotateeverybytes").fail("must be at least 1");
  const int64_t keep = n.child("keepfiles").integer(7);
  if (keep < 2 || keep > 1024) n.child("keepfiles").fail("expected 2 to 1024");
  f.keep_files = static_cast<size_t>(keep);
  f.permissions = parsePermissions(n.child("permissions"), 0600);
  f.rotate_on_startup = n.child("rotateonstartup").boolean(true);
  if (n.child("interval").duration(std::chrono::milliseconds(0)).count() > 0)
    n.child("interval").noEffect("log files rotate by size only (rotateeverybytes)");
  if (n.child("redirect_stderr").boolean(false))
    n.child("redirect_stderr").noEffect("logship-tail's own errors are logged, it has no Go panics to catch");
}

}  // namespace

LoggingConfig parseLoggingConfig(const Node& n, const std::string& path_logs) {
  LoggingConfig c;
  c.level = n.child("level").oneOf({"debug", "info", "warning", "warn", "error", "critical"}, "info");
  c.json = n.child("json").boolean(false);
  c.selectors = n.child("selectors").strings();
  c.to_stderr = n.child("to_stderr").boolean(false);
  c.to_syslog = n.child("to_syslog").boolean(false);
  if (n.child("to_files").exists()) c.to_files = n.child("to_files").boolean(true);
  if (n.child("to_eventlog").boolean(false))
    n.child("to_eventlog").noEffect("the Windows event log does not exist here");
  parseFiles(n.child("files"), path_logs, c.files);
  c.metrics_enabled = n.child("metrics").child("enabled").boolean(true);
  c.metrics_period = n.child("metrics").child("period").duration(std::chrono::milliseconds(30000));
  if (c.metrics_enabled && c.metrics_period.count() < 1000)
    n.child("metrics").child("period").fail("must be at least 1s");
  return c;
}

}  // namespace logship::tail
