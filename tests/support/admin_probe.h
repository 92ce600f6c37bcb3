#pragma once
// Waiting on a daemon's admin endpoint: poll /healthz or /metrics until a condition holds.
#include <chrono>
#include <functional>
#include <string>

#include "support/process.h"

namespace logship::testing {

// Polls GET <path> on 127.0.0.1:<port> until `accept(status, body)` is true or `timeout`
// passes; returns true when accepted. `last_status` / `last_body` hold the final answer.
bool pollAdmin(int port, const std::string& path, const std::function<bool(int, const std::string&)>& accept,
               std::chrono::milliseconds timeout, int* last_status = nullptr, std::string* last_body = nullptr);

// The value of an unlabelled Prometheus sample (`name 42`), or -1 when absent.
double metricValue(const std::string& metrics_text, const std::string& name);

}  // namespace logship::testing
