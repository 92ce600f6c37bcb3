#include "support/admin_probe.h"

#include <cstdlib>

#include "support/poll.h"

namespace logship::testing {

bool pollAdmin(int port, const std::string& path, const std::function<bool(int, const std::string&)>& accept,
               std::chrono::milliseconds timeout, int* last_status, std::string* last_body) {
  int status = 0;
  std::string body;
  const bool ok = pollUntil(
      [&] {
        body.clear();
        status = httpGetStatus(port, path, std::chrono::seconds(2), &body);
        return accept(status, body);
      },
      timeout, std::chrono::milliseconds(100));
  if (last_status) *last_status = status;
  if (last_body) *last_body = body;
  return ok;
}

double metricValue(const std::string& text, const std::string& name) {
  size_t pos = 0;
  while ((pos = text.find(name + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') return std::strtod(text.c_str() + pos + name.size() + 1, nullptr);
    pos += name.size();
  }
  return -1;
}

}  // namespace logship::testing
