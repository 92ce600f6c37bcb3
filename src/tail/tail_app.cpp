#include "logship/tail/tail_app.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "logship/admin/admin_server.h"
#include "logship/common/logging.h"
#include "logship/common/metrics.h"
#include "logship/kafka/client_config.h"
#include "logship/tail/filebeat_registry.h"
#include "logship/tail/input_set.h"
#include "logship/tail/input_sources.h"
#include "logship/tail/kafka_output.h"
#include "logship/tail/metrics_log.h"
#include "logship/tail/registry.h"

namespace logship::tail {
namespace {

// librdkafka retries a refused connection at most every reconnect.backoff.max.ms (10 s): a SASL or
// TLS failure seen within this window is still the reason no event is acknowledged.
constexpr std::chrono::seconds kSecurityFailureWindow{60};

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string randomUuid() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  const uint64_t a = gen(), b = gen();
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

// agent.id, kept in path.data/meta.json like Filebeat's.
std::string loadAgentId(const std::string& data_dir, bool persist) {
  const std::string file = data_dir + "/meta.json";
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const auto pos = text.find("\"uuid\":\"");
  if (pos != std::string::npos && text.size() >= pos + 8 + 36) return text.substr(pos + 8, 36);
  std::string id = randomUuid();
  if (persist) {
    std::filesystem::create_directories(data_dir);
    std::ofstream(file) << "{\"uuid\":\"" << id << "\"}\n";
  }
  return id;
}

// The loop's own metrics (the stages register theirs: PipelineMetrics, ProspectorMetrics, ...).
struct TailAppMetrics {
  metrics::Counter* ack_failed = nullptr;
  metrics::Gauge* open_files = nullptr;
  metrics::Gauge* registry_writes = nullptr;
  metrics::Gauge* registry_age = nullptr;
  metrics::Gauge* inflight = nullptr;
  static TailAppMetrics in(metrics::Registry& r) {
    return {&r.counter("logship_tail_events_ack_failed_total", "Events acknowledged as failed"),
            &r.gauge("logship_tail_open_files", "Files held open by harvesters"),
            &r.gauge("logship_tail_registry_writes", "Registry writes since start"),
            &r.gauge("logship_tail_registry_age_seconds", "Seconds since the last registry write"),
            &r.gauge("logship_tail_events_inflight", "Events read and not yet acknowledged")};
  }
};

// First start (no logship registry yet): continue each file where Filebeat's registry says it
// stopped. A corrupt Filebeat registry is logged and ignored.
void takeOverFromFilebeatRegistry(const TailConfig& config, const std::vector<InputConfig>& inputs, Registry& registry,
                                  TimeSource& time) {
  const FilebeatRegistryData data = readFilebeatRegistry(config);
  if (data.format == FilebeatRegistryData::Format::kNone) return;
  if (!data.error.empty()) {
    log::error(*log::get("registry"), "Filebeat registry is corrupt, ignored: files are read as without it",
               {{"registry", data.location}, {"error", data.error}});
    return;
  }
  takeOverFromFilebeat(data, inputs, registry, time);
  registry.flush();  // from now on logship's registry is the state; Filebeat's is not read again
}

// --dry-run and output.console print the events; else Kafka.
std::unique_ptr<Output> makeOutput(const TailConfig& config, bool dry_run, const AckFn& on_ack,
                                   metrics::Registry& metrics, TimeSource& time) {
  if (dry_run || config.console.enabled) return std::make_unique<ConsoleOutput>(stdout, on_ack, metrics);
  auto kafka = std::make_unique<KafkaOutput>(config.kafka, on_ack, metrics, time);
  kafka->setUnhealthyAfter(config.unhealthy_after);
  kafka->setMaxQueuedBytes(static_cast<size_t>(config.queue_bytes));
  return kafka;
}

// logship's registry; on a first start seeded from Filebeat's for the files `specs` find.
std::unique_ptr<Registry> openRegistry(const TailConfig& config, const std::vector<InputSpec>& specs,
                                       TimeSource& time) {
  moveLegacyFilebeatRegistryFile(config);  // Filebeat < 7 kept a file where our directory goes
  auto registry = std::make_unique<Registry>(config.path_data + "/registry/logship-tail", time);
  const bool first_start = !std::filesystem::exists(registry->file());
  registry->load();
  if (first_start) {
    std::vector<InputConfig> inputs;
    for (const auto& spec : specs) inputs.push_back(*spec.config);
    takeOverFromFilebeatRegistry(config, inputs, *registry, time);
  }
  return registry;
}

std::unique_ptr<admin::AdminServer> startAdmin(const HttpConfig& http, metrics::Registry& metrics, Output& output) {
  admin::AdminOptions ao;
  ao.enabled = true;
  ao.host = http.host == "localhost" ? "127.0.0.1" : http.host;
  ao.port = static_cast<uint16_t>(http.port);
  std::vector<admin::HealthCheck> checks;
  Output* out = &output;
  checks.push_back({"output", [out] {
                      admin::HealthStatus s;
                      if (out->healthy()) return s;
                      s.code = ErrorCode::kKafkaTransport;
                      s.message = "Kafka has not acknowledged events for longer than the threshold";
                      // Why, when the brokers refuse us: librdkafka's text names broker and cause.
                      if (auto failure = kafka::recentSecurityFailure(kSecurityFailureWindow)) {
                        s.code = failure->code;
                        s.message += ": " + failure->message;
                      }
                      return s;
                    }});
  auto admin = std::make_unique<admin::AdminServer>(ao, metrics, checks);
  admin->start();
  log::info(*log::get("tail"), "admin endpoint listening", {{"url", admin->url()}});
  return admin;
}

}  // namespace

void validate(const TailConfig& config) {
  for (const auto& in : config.inputs) {
    Scanner scanner(in.paths, in.exclude_files);
    LineFilter filter(in.include_lines, in.exclude_lines);
    if (in.multiline.enabled) Multiline m(in.multiline, in.max_bytes);
  }
  if (config.kafka.enabled) {
    FormatString topic(config.kafka.topic);
    FormatString key(config.kafka.key);
    for (const auto& r : config.kafka.topics) FormatString t(r.topic);
    kafka::makeConf(config.kafka.properties);  // librdkafka rejects unknown/invalid properties
  }
}

int runTail(const TailConfig& config, const AppOptions& options, ShutdownSignal& shutdown, TimeSource& time) {
  auto logger = log::get("tail");
  metrics::Registry metrics;
  AgentInfo agent;
  agent.host_name = config.name.empty() ? hostName() : config.name;
  agent.id = loadAgentId(config.path_data, !options.dry_run);
  agent.ephemeral_id = randomUuid();

  // --once/--dry-run: the files and containers as at start.
  InputSources sources(config, !options.dry_run && !options.once, metrics, time);
  const std::vector<InputSpec> specs = sources.all();

  std::unique_ptr<Registry> registry = options.dry_run ? nullptr : openRegistry(config, specs, time);
  AckTracker acks;
  const TailAppMetrics app_metrics = TailAppMetrics::in(metrics);
  metrics::Counter& acked_failed = *app_metrics.ack_failed;
  AckFn on_ack = [&acks, &acked_failed](AckToken token, bool ok) {
    if (!ok) acked_failed.inc();
    acks.ack(token);
  };
  const std::unique_ptr<Output> output = makeOutput(config, options.dry_run, on_ack, metrics, time);

  ProspectorOptions popts;
  popts.from_start = options.dry_run;
  popts.once = options.dry_run || options.once;
  // --dry-run shows what Kafka would get, so the Kafka size limit applies there too.
  InputSet inputs(InputSetContext{config.processors, agent,
                                  config.console.enabled ? config.console.codec : config.kafka.codec,
                                  config.console.enabled ? 0 : static_cast<size_t>(config.kafka.max_message_bytes),
                                  acks, *output, registry.get(), popts, metrics, time});
  inputs.apply(specs, time.monotonicTime());

  std::unique_ptr<admin::AdminServer> admin;
  if (config.http.enabled && !options.dry_run) admin = startAdmin(config.http, metrics, *output);

  std::unique_ptr<MetricsLog> metrics_log;  // logging.metrics: Filebeat's periodic summary line
  if (config.logging.metrics_enabled && !options.dry_run)
    metrics_log = std::make_unique<MetricsLog>(metrics, config.logging.metrics_period, time, *log::get("monitoring"));
  auto last_tick = Clock::time_point{};
  const size_t queue_limit = static_cast<size_t>(config.queue_events);
  bool paused_logged = false;
  log::info(*logger, "logship-tail started",
            {{"inputs", static_cast<uint64_t>(inputs.running())},
             {"reload", sources.reloads() ? "enabled" : "disabled"},
             {"autodiscover_providers", static_cast<uint64_t>(sources.providers())},
             {"mode", options.dry_run ? "dry-run"
                      : options.once  ? "once"
                                      : "run"}});
  while (!shutdown.triggered()) {
    const auto now = time.monotonicTime();
    sources.poll(inputs, now);
    inputs.scan(now);
    const size_t budget = acks.inflight() < queue_limit && !output->full() ? queue_limit - acks.inflight() : 0;
    const size_t read = inputs.harvest(budget, now);
    if (budget == 0 && !paused_logged) {
      log::debug(*logger, "queue full: reading paused", {{"inflight", static_cast<uint64_t>(acks.inflight())}});
    }
    paused_logged = budget == 0;
    if (read == 0 || now - last_tick >= milliseconds(100)) {
      inputs.tick(now);
      last_tick = now;
      app_metrics.open_files->set(static_cast<int64_t>(inputs.openFiles()));
      app_metrics.inflight->set(static_cast<int64_t>(acks.inflight()));
      if (registry) {
        registry->flushIfDue(now, config.registry_flush);
        app_metrics.registry_writes->set(static_cast<int64_t>(registry->writes()));
        app_metrics.registry_age->set(
            std::chrono::duration_cast<std::chrono::seconds>(now - registry->lastWrite()).count());
      }
      if (metrics_log) metrics_log->tick();
    }
    output->poll(read == 0 || budget == 0 ? milliseconds(100) : milliseconds(0));
    if (popts.once && inputs.atEof() && acks.inflight() == 0 && output->queued() == 0) {
      inputs.tick(time.monotonicTime());
      break;
    }
  }
  // Shutdown: stop reading, give outstanding events the grace period, record what was acked.
  const auto deadline = time.monotonicTime() + config.shutdown_timeout;
  while (output->queued() > 0 && time.monotonicTime() < deadline) output->poll(milliseconds(50));
  inputs.syncRegistry();
  if (registry) registry->flush();
  if (output->queued() > 0) {
    log::warn(*logger, "stopped with unacknowledged events; they will be sent again on restart",
              {{"events", static_cast<uint64_t>(output->queued())}});
  }
  if (metrics_log) metrics_log->logTotals();
  log::info(*logger, "logship-tail stopped", {{"acked_events", OutputMetrics::in(metrics).acked->value()}});
  if (admin) admin->stop();
  return 0;
}

}  // namespace logship::tail
