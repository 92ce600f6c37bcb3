#pragma once
// go-stash's filters (stash/filter/*.go) over an Event. A filter returns false when the event is
// dropped. buildFilters() gives the configured ones followed by the implicit ones go-stash adds
// (url -> uri, @timestamp defaulting), in go-stash's order.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>
#include <simdjson.h>

#include "logship/stash/config.h"
#include "logship/stash/event.h"

namespace logship::stash {

class Filter {
 public:
  virtual ~Filter() = default;
  // false: drop the event.
  virtual bool apply(Event& event) = 0;
};

class DropFilter : public Filter {
 public:
  explicit DropFilter(std::vector<Condition> conditions);
  bool apply(Event& event) override;

 private:
  std::vector<Condition> conditions_;
  std::vector<std::unique_ptr<RE2>> regexes_;  // per condition, for Type: regex
};

class RemoveFieldFilter : public Filter {
 public:
  explicit RemoveFieldFilter(std::vector<std::string> fields) : fields_(std::move(fields)) {}
  bool apply(Event& event) override;

 private:
  std::vector<std::string> fields_;
};

class TransferFilter : public Filter {
 public:
  TransferFilter(std::string field, std::string target) : field_(std::move(field)), target_(std::move(target)) {}
  bool apply(Event& event) override;

 private:
  std::string field_;
  std::string target_;
  std::string text_;
  std::string keys_;
  simdjson::dom::parser parser_;
};

// go-stash's AddUriFieldFilter("url", "uri"): 24-hex-character path segments become `*`, the
// query string is dropped.
class UriFilter : public Filter {
 public:
  UriFilter(std::string in_field = "url", std::string out_field = "uri")
      : in_(std::move(in_field)), out_(std::move(out_field)) {}
  bool apply(Event& event) override;
  static void rewrite(std::string_view url, std::string& out);

 private:
  std::string in_;
  std::string out_;
  std::string buf_;
};

// go-stash's TimestampFilter: adds `@timestamp` (now, UTC, millisecond precision) when absent.
class TimestampFilter : public Filter {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  explicit TimestampFilter(Clock clock = {}) : clock_(std::move(clock)) {}
  bool apply(Event& event) override;
  static std::string format(std::chrono::system_clock::time_point tp);

 private:
  Clock clock_;
};

std::vector<std::unique_ptr<Filter>> buildFilters(const std::vector<FilterConfig>& configs);

}  // namespace logship::stash
