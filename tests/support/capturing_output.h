#pragma once
// A tail Output that keeps every encoded event, for pipeline tests.
#include <string>
#include <vector>

#include "logship/tail/output.h"

namespace logship::testing {

class CapturingOutput : public tail::Output {
 public:
  void publish(const tail::Event&, std::string_view payload, tail::AckToken) override { payloads.emplace_back(payload); }
  void poll(std::chrono::milliseconds) override {}
  size_t queued() const override { return 0; }
  std::vector<std::string> payloads;
};

}  // namespace logship::testing
