#include "logship/stash/stash_app.h"

#include <iostream>
#include <mutex>
#include <stdexcept>

#include "logship/admin/admin_server.h"
#include "logship/common/json.h"
#include "logship/common/lifecycle.h"
#include "logship/common/logging.h"
#include "logship/stash/cluster_runner.h"
#include "logship/stash/memory_budget.h"
#include "logship/stash/pipeline.h"

namespace logship::stash {

CommandLine parseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& name) -> std::string {
      const auto eq = a.find('=');
      if (eq != std::string::npos) return a.substr(eq + 1);
      if (i + 1 >= args.size()) throw std::invalid_argument(name + " needs a value");
      return args[++i];
    };
    auto is = [&](const char* name) { return a == name || a.rfind(std::string(name) + "=", 0) == 0; };
    if (is("-f") || is("-c") || is("--config"))
      cl.config_file = value(a.substr(0, a.find('=')));
    else if (a == "--check")
      cl.check = true;
    else if (a == "--dry-run")
      cl.dry_run = true;
    else if (a == "--version" || a == "-v")
      cl.version = true;
    else if (a == "--help" || a == "-h")
      cl.help = true;
    else if (is("--es-hosts"))
      cl.overrides.es_hosts = splitList(value("--es-hosts"));
    else if (is("--brokers"))
      cl.overrides.brokers = splitList(value("--brokers"));
    else
      throw std::invalid_argument("unknown argument " + a);
  }
  return cl;
}

std::string usage() {
  return "usage: logship-stash -f stash.yml [--check] [--dry-run] [--version] [--help]\n"
         "  -f, -c FILE        go-stash YAML config (default etc/config.yaml)\n"
         "  --check            validate the config, warn on unknown keys, exit 0 (ok) or 2\n"
         "  --dry-run          read message values from stdin, print {\"index\",\"id\",\"doc\"} per line\n"
         "  --es-hosts H1,H2   override Output.ElasticSearch.Hosts of every cluster (env LOGSHIP_STASH_ES_HOSTS)\n"
         "  --brokers B1,B2    override Input.Kafka.Brokers of every cluster (env LOGSHIP_STASH_BROKERS)\n";
}

void runDryRun(const ClusterConfig& cluster, std::istream& in, std::ostream& out, std::ostream& err) {
  Processor processor(cluster);
  std::string line, doc, buf;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    doc.clear();
    const ProcessResult r = processor.process(line, doc);
    if (r.kind == ProcessResult::kDropped) continue;
    if (r.kind == ProcessResult::kInvalid) {
      err << "line " << n << ": not a JSON object, would go to the dead letter\n";
      continue;
    }
    buf.clear();
    json::ObjectWriter w(buf);
    w.field("index", r.index);
    if (r.meta_id.empty())
      w.fieldRaw("id", "null");
    else
      w.field("id", r.meta_id);
    w.fieldRaw("doc", doc);
    w.close();
    buf.push_back('\n');
    out << buf;
  }
  out.flush();
}

namespace {

void setupLogging(const StashConfig& c) {
  log::Options o;
  if (!c.log_level.empty()) o.level = c.log_level == "severe" ? "error" : c.log_level;
  o.json = c.log_encoding == "json";
  log::setup(o);
}

int runDaemon(const StashConfig& cfg, TimeSource& time) {
  configureAllocator();
  auto logger = log::get("stash");
  metrics::Registry registry;
  std::vector<std::unique_ptr<ClusterRunner>> runners;
  std::vector<admin::HealthCheck> checks;
  ShutdownSignal shutdown;
  std::mutex fatal_mutex;
  std::string fatal;  // the first cluster's unrecoverable problem: exit 2
  for (const auto& c : cfg.clusters) {
    ClusterSeams seams = realSeams(c, time);
    seams.fatal = [&, name = c.name](const std::string& why) {
      {
        std::lock_guard<std::mutex> lock(fatal_mutex);
        if (fatal.empty()) fatal = "cluster " + name + ": " + why;
      }
      shutdown.trigger();
    };
    runners.push_back(std::make_unique<ClusterRunner>(c, registry, cfg.unhealthy_after, std::move(seams)));
    for (auto& h : runners.back()->healthChecks()) checks.push_back(std::move(h));
  }
  std::unique_ptr<admin::AdminServer> admin;
  if (cfg.prometheus.enabled) {
    admin::AdminOptions ao;
    ao.enabled = true;
    ao.host = cfg.prometheus.host.empty() ? "127.0.0.1" : cfg.prometheus.host;
    ao.port = static_cast<uint16_t>(cfg.prometheus.port);
    ao.metrics_path = cfg.prometheus.path;
    admin = std::make_unique<admin::AdminServer>(ao, registry, checks);
    admin->start();
  }
  SignalWatcher watcher(shutdown);
  for (auto& r : runners) r->start();
  log::info(*logger, "logship-stash started",
            {{"clusters", static_cast<int64_t>(runners.size())}, {"version", LOGSHIP_VERSION}});
  shutdown.wait();
  const auto deadline = std::chrono::steady_clock::now() + cfg.grace_period;
  log::info(*logger, "shutting down", {{"grace_period_ms", static_cast<int64_t>(cfg.grace_period.count())}});
  // Stop all clusters in parallel so each gets the whole grace period.
  std::vector<std::thread> stoppers;
  for (auto& r : runners) stoppers.emplace_back([&r, deadline] { r->stop(deadline); });
  for (auto& t : stoppers) t.join();
  if (admin) admin->stop();
  log::info(*logger, "stopped");
  std::lock_guard<std::mutex> lock(fatal_mutex);
  if (!fatal.empty()) {
    std::cerr << "logship-stash: " << fatal << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int stashMain(const std::vector<std::string>& args) {
  CommandLine cl;
  try {
    cl = parseCommandLine(args);
  } catch (const std::invalid_argument& e) {
    std::cerr << "logship-stash: " << e.what() << "\n" << usage();
    return 2;
  }
  if (cl.help) {
    std::cout << usage();
    return 0;
  }
  if (cl.version) {
    std::cout << "logship-stash " << LOGSHIP_VERSION << "\n";
    return 0;
  }
  LoadedConfig loaded;
  try {
    loaded = loadStashConfig(cl.config_file, cl.overrides);
  } catch (const config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {  // anything a library throws on a bad value
    std::cerr << cl.config_file << ": " << e.what() << "\n";
    return 2;
  }
  try {
    setupLogging(loaded.config);
  } catch (const std::exception& e) {
    std::cerr << cl.config_file << ": Log: " << e.what() << "\n";
    return 2;
  }
  for (const auto& k : loaded.no_effect_keys)
    log::warn(*log::get("config"), "config key has no effect", {{"file", cl.config_file}, {"key", k}});
  for (const auto& k : loaded.unknown_keys)
    log::warn(*log::get("config"), "unknown config key ignored", {{"file", cl.config_file}, {"key", k}});
  if (cl.check) {
    std::cout << cl.config_file << ": ok (" << loaded.config.clusters.size() << " cluster"
              << (loaded.config.clusters.size() == 1 ? "" : "s") << ")\n";
    return 0;
  }
  if (cl.dry_run) {
    runDryRun(loaded.config.clusters.front(), std::cin, std::cout, std::cerr);
    return 0;
  }
  try {
    return runDaemon(loaded.config, RealTimeSource::instance());
  } catch (const std::exception& e) {
    log::error(*log::get("stash"), "fatal", {{"error", e.what()}});
    return 1;
  }
}

}  // namespace logship::stash
