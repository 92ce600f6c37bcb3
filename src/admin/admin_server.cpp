#include "logship/admin/admin_server.h"

#include <cpprest/http_listener.h>

#include "logship/common/json.h"
#include "logship/common/logging.h"

namespace logship::admin {

using web::http::http_request;
using web::http::methods;
using web::http::status_codes;
using web::http::experimental::listener::http_listener;

std::string envelope(ErrorCode code, const std::string& message, const std::string& data_json) {
  std::string out;
  json::ObjectWriter w(out);
  w.fieldInt("code", static_cast<int>(code)).field("message", message).fieldRaw("data", data_json);
  w.close();
  return out;
}

HealthAnswer evaluateHealth(const std::vector<HealthCheck>& checks) {
  std::string data;
  json::ObjectWriter w(data);
  ErrorCode worst = ErrorCode::kOk;
  std::string message = "ok";
  w.key("checks");
  std::string inner;
  json::ObjectWriter checks_writer(inner);
  for (const auto& c : checks) {
    HealthStatus s;
    try {
      s = c.check();
    } catch (const std::exception& e) {
      s = {ErrorCode::kInternal, e.what(), "{}"};
    }
    std::string one;
    json::ObjectWriter ow(one);
    ow.fieldBool("healthy", s.code == ErrorCode::kOk)
        .field("status", s.code == ErrorCode::kOk ? "ok" : errorCodeName(s.code))
        .field("message", s.message)
        .fieldRaw("detail", s.data_json.empty() ? "{}" : s.data_json);
    ow.close();
    checks_writer.fieldRaw(c.name, one);
    if (s.code != ErrorCode::kOk && worst == ErrorCode::kOk) {
      worst = s.code;
      message = c.name + ": " + s.message;
    }
  }
  checks_writer.close();
  data += inner;
  w.close();
  return {worst == ErrorCode::kOk ? 200 : 503, envelope(worst, message, data)};
}

struct AdminServer::Impl {
  AdminOptions options;
  metrics::Registry& registry;
  std::vector<HealthCheck> checks;
  std::unique_ptr<http_listener> listener;
};

AdminServer::AdminServer(AdminOptions options, metrics::Registry& registry, std::vector<HealthCheck> checks)
    : impl_(new Impl{std::move(options), registry, std::move(checks), nullptr}) {}

AdminServer::~AdminServer() { stop(); }

std::string AdminServer::url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->options.port);
}

void AdminServer::start() {
  if (!impl_->options.enabled || impl_->listener) return;
  auto listener = std::make_unique<http_listener>(url());
  Impl* impl = impl_.get();
  listener->support(methods::GET, [impl](http_request req) {
    const auto path = req.relative_uri().path();
    if (path == impl->options.metrics_path) {
      req.reply(status_codes::OK, impl->registry.renderPrometheus(), "text/plain; version=0.0.4");
    } else if (path == "/healthz" || path == "/health") {
      const auto answer = evaluateHealth(impl->checks);
      req.reply(static_cast<web::http::status_code>(answer.http_status), answer.body, "application/json");
    } else if (path == "/" || path.empty()) {
      req.reply(status_codes::OK,
                envelope(ErrorCode::kOk, "ok", "{\"endpoints\":[\"" + impl->options.metrics_path + "\",\"/healthz\"]}"),
                "application/json");
    } else {
      req.reply(status_codes::NotFound, envelope(ErrorCode::kInternal, "not found", "{}"), "application/json");
    }
  });
  try {
    listener->open().wait();
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kIo, "cannot open admin endpoint on " + url(), e.what());
  }
  impl_->listener = std::move(listener);
  log::info(*log::get("admin"), "admin endpoint listening", {{"url", url()}});
}

void AdminServer::stop() {
  if (!impl_ || !impl_->listener) return;
  try {
    impl_->listener->close().wait();
  } catch (const std::exception&) {
    // Closing a listener that failed half-way throws; nothing is left to release.
  }
  impl_->listener.reset();
}

}  // namespace logship::admin
