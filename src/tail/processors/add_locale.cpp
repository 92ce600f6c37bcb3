// add_locale: `format: offset` (default, "+08:00") or `abbreviation` ("CST"), the machine's time
// zone as `event.timezone`, as libbeat. The zone is looked up again at most once a minute (a DST
// change shows within a minute), not per event.
#include <time.h>

#include <chrono>
#include <cstdio>

#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {

// libbeat's Format: the abbreviation, or the offset as [+-]hh:mm.
std::string formatTimeZone(bool abbreviation, std::string_view zone, long offset_seconds) {
  if (abbreviation) return std::string(zone);
  const char sign = offset_seconds < 0 ? '-' : '+';
  const long off = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%c%02ld:%02ld", sign, off / 3600, (off % 3600) / 60);
  return buf;
}

namespace {

class AddLocale final : public Processor {
 public:
  explicit AddLocale(bool abbreviation) : abbreviation_(abbreviation) {}
  void run(Event& event) const override {
    const auto now = std::chrono::steady_clock::now();
    if (formatted_.empty() || now - looked_up_ >= std::chrono::minutes(1)) {
      const time_t t = ::time(nullptr);
      struct tm local {};
      ::localtime_r(&t, &local);
      formatted_ = formatTimeZone(abbreviation_, local.tm_zone ? local.tm_zone : "", local.tm_gmtoff);
      looked_up_ = now;
    }
    event.setString("event.timezone", event.arena().copy(formatted_));
  }
  std::optional<std::vector<std::string>> addedFields() const override {
    return std::vector<std::string>{"event.timezone"};
  }

 private:
  bool abbreviation_;
  // Processors run on the pipeline's one thread (docs/tail.md), so the cache needs no lock.
  mutable std::string formatted_;
  mutable std::chrono::steady_clock::time_point looked_up_{};
};

}  // namespace

std::unique_ptr<const Processor> parseAddLocale(const config::Node& node) {
  std::string format = node.child("format").str("offset");
  for (auto& c : format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (format != "offset" && format != "abbreviation")
    node.child("format").fail("'" + node.child("format").str() +
                              "' is not a valid format option for the add_locale processor. Valid options are "
                              "'abbreviation' and 'offset'");
  return std::make_unique<AddLocale>(format == "abbreviation");
}

}  // namespace logship::tail::processors
