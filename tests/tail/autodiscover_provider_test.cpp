// The docker autodiscover provider without an engine: templates matched on the container's data,
// ${data.*} substitution, hints merged over hints.default_config, --check of the templates, and
// inputs started and stopped by a scripted stream of container events (ContainerInputs) driving
// a real InputSet over real files.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "logship/tail/autodiscover/docker_autodiscover.h"
#include "logship/tail/autodiscover/docker_provider.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"
#include "logship/tail/tail_config.h"
#include "support/paths.h"
#include "tail/input_set_rig.h"
#include "tail/tail_test_util.h"

namespace logship::tail::autodiscover {
namespace {

namespace fs = std::filesystem;
using logship::testing::TempDir;
using std::chrono::seconds;

const std::string kOutput = "output.console: {}\n";

TailConfig load(const TempDir& dir, const std::string& yaml) {
  return tail::testing::loadConfigIn(dir, yaml + kOutput);
}
std::string errorOf(const TempDir& dir, const std::string& yaml) {
  return tail::testing::configLoadError(dir, yaml + kOutput);
}

DockerContainer container(const std::string& id, const std::string& name, const std::string& image,
                          std::map<std::string, std::string> labels = {}) {
  return DockerContainer{std::string(64 - id.size(), '0') + id, name, image, std::move(labels)};
}

const std::string kTemplates = R"(filebeat.autodiscover.providers:
  - type: docker
    templates:
      - condition:
          equals:
            docker.container.labels.app: web
        config:
          - type: container
            paths: ["/logs/${data.container.id}/*.log"]
            fields: {team: "${data.container.labels.team:none}"}
      - condition:
          contains:
            container.image.name: redis
        config:
          - type: log
            paths: ["/redis/${data.container.name}.log"]
)";

TEST(DockerProvider, FirstMatchingTemplateIsRenderedWithTheContainersData) {
  TempDir dir;
  const TailConfig c = load(dir, kTemplates);
  ASSERT_EQ(c.autodiscover.size(), 1u);
  const DockerProviderConfig& p = *c.autodiscover[0];
  std::vector<std::string> errors;

  const auto web = container("a1", "shop-web", "nginx:1", {{"app", "web"}, {"team", "shop"}});
  const auto specs = inputsForContainer(p, web, errors);
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].config->type, "container");
  EXPECT_EQ(specs[0].config->paths, std::vector<std::string>{"/logs/" + web.id + "/*.log"});
  EXPECT_EQ(specs[0].id.rfind("docker-autodiscover/" + web.id + "/", 0), 0u) << specs[0].id;
  const auto& fields = specs[0].config->fields;
  auto has = [&fields](const std::string& key, const std::string& json) {
    return std::find(fields.begin(), fields.end(), std::make_pair(key, json)) != fields.end();
  };
  EXPECT_TRUE(has("fields.team", "\"shop\""));
  EXPECT_TRUE(has("container.id", "\"" + web.id + "\""));  // autodiscover's meta on every event
  EXPECT_TRUE(has("container.name", "\"shop-web\""));
  EXPECT_TRUE(has("docker.container.labels.app", "\"web\""));

  const auto redis = inputsForContainer(p, container("b2", "cache", "redis:7"), errors);
  ASSERT_EQ(redis.size(), 1u);
  EXPECT_EQ(redis[0].config->paths, std::vector<std::string>{"/redis/cache.log"});
  // Matches no template, hints are off: no input.
  EXPECT_TRUE(inputsForContainer(p, container("c3", "db", "postgres:16"), errors).empty());
  EXPECT_TRUE(errors.empty());
  // The same container, other labels: another config, another id.
  const auto other = inputsForContainer(p, container("a1", "shop-web", "nginx:1", {{"app", "web"}}), errors);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_NE(other[0].id, specs[0].id);
}

TEST(DockerProvider, DataSubstitutionTakesDefaultsAndLeavesOtherReferences) {
  const YAML::Node config =
      YAML::Load("{a: '${data.container.id}-${data.missing:dflt}', b: '${HOME}', c: ['x${data.id}']}");
  const YAML::Node out = substituteData(config, {{"container.id", "abc"}, {"id", "abc"}});
  EXPECT_EQ(out["a"].as<std::string>(), "abc-dflt");
  EXPECT_EQ(out["b"].as<std::string>(), "${HOME}");
  EXPECT_EQ(out["c"][0].as<std::string>(), "xabc");
  EXPECT_EQ(config["a"].as<std::string>(), "${data.container.id}-${data.missing:dflt}");  // the template stays
  EXPECT_THROW(substituteData(YAML::Load("{a: '${data.nope}'}"), {}), Error);
}

TEST(DockerProvider, HintsAreMergedOverTheDefaultConfig) {
  TempDir dir;
  const TailConfig c = load(dir, R"(filebeat.autodiscover.providers:
  - type: docker
    hints.enabled: true
    hints.default_config:
      type: container
      paths: ["/d/${data.container.id}/*-json.log"]
      json.add_error_key: true
)");
  const DockerProviderConfig& p = *c.autodiscover[0];
  std::vector<std::string> errors;
  const auto hinted = container("h1", "api", "busybox",
                                {{"co.elastic.logs/multiline.pattern", "^\\["},
                                 {"co.elastic.logs/multiline.negate", "true"},
                                 {"co.elastic.logs/multiline.match", "after"},
                                 {"co.elastic.logs/json.keys_under_root", "true"},
                                 {"co.elastic.logs/json.message_key", "msg"}});
  const auto specs = inputsForContainer(p, hinted, errors);
  ASSERT_EQ(specs.size(), 1u);
  const InputConfig& in = *specs[0].config;
  EXPECT_EQ(in.type, "container");
  EXPECT_EQ(in.paths, std::vector<std::string>{"/d/" + hinted.id + "/*-json.log"});
  EXPECT_TRUE(in.multiline.enabled);
  EXPECT_EQ(in.multiline.pattern, "^\\[");
  EXPECT_TRUE(in.multiline.negate);
  EXPECT_TRUE(in.json.enabled);
  EXPECT_TRUE(in.json.add_error_key);  // the default config's, kept beside the hints' json keys
  EXPECT_TRUE(in.json.keys_under_root);
  EXPECT_EQ(in.json.message_key, "msg");
  // Without hints: the default config alone.
  const auto plain = inputsForContainer(p, container("p1", "plain", "busybox"), errors);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_FALSE(plain[0].config->multiline.enabled);
  EXPECT_FALSE(plain[0].config->json.keys_under_root);
  EXPECT_TRUE(plain[0].config->json.add_error_key);
  // co.elastic.logs/enabled: false opts out.
  EXPECT_TRUE(
      inputsForContainer(p, container("o1", "off", "busybox", {{"co.elastic.logs/enabled", "false"}}), errors).empty());
  EXPECT_TRUE(errors.empty());
}

TEST(DockerProvider, ProcessorAndLineHintsReachTheInput) {
  TempDir dir;
  const TailConfig c = load(dir, "filebeat.autodiscover.providers: [{type: docker, hints.enabled: true}]\n");
  std::vector<std::string> errors;
  const auto specs = inputsForContainer(*c.autodiscover[0],
                                        container("p1", "p", "busybox",
                                                  {{"co.elastic.logs/processors.1.add_fields.fields.hinted", "yes"},
                                                   {"co.elastic.logs/include_lines", "^ERR, ^WARN"},
                                                   {"co.elastic.logs/module", "nginx"}}),
                                        errors);
  ASSERT_EQ(specs.size(), 1u);
  const InputConfig& in = *specs[0].config;
  EXPECT_EQ(in.include_lines, (std::vector<std::string>{"^ERR", "^WARN"}));
  ASSERT_EQ(in.processors.size(), 1u);
  Event event;
  in.processors[0].processor->run(event);
  const Entry* hinted = event.find("fields.hinted");
  ASSERT_NE(hinted, nullptr);
  std::string scratch;
  EXPECT_EQ(Event::text(*hinted, scratch), "yes");
  // module is read but has no effect here: said once per container.
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("co.elastic.logs/module: hint not supported"), std::string::npos) << errors[0];
}

TEST(DockerProvider, DisabledDefaultConfigStartsOnlyContainersThatOptIn) {
  TempDir dir;
  const TailConfig c = load(dir, R"(filebeat.autodiscover.providers:
  - type: docker
    hints.enabled: true
    hints.default_config.enabled: false
)");
  const DockerProviderConfig& p = *c.autodiscover[0];
  std::vector<std::string> errors;
  EXPECT_TRUE(inputsForContainer(p, container("n1", "n", "busybox"), errors).empty());
  const auto in = inputsForContainer(p, container("y1", "y", "busybox", {{"co.elastic.logs/enabled", "true"}}), errors);
  ASSERT_EQ(in.size(), 1u);
  // Filebeat 8's default config for docker: a container input on the engine's json-file logs.
  EXPECT_EQ(in[0].config->type, "container");
  EXPECT_EQ(in[0].config->paths,
            std::vector<std::string>{"/var/lib/docker/containers/" + container("y1", "", "").id + "/*-json.log"});
}

TEST(DockerProvider, CheckRefusesATemplateThatCannotLoadNamingItInFilebeatYml) {
  TempDir dir;
  const std::string bad = errorOf(dir, R"(filebeat.autodiscover.providers:
  - type: docker
    templates:
      - config:
          - type: nosuch
            paths: ["/x/${data.container.id}.log"]
)");
  EXPECT_NE(bad.find("filebeat.yml:5:"), std::string::npos) << bad;
  EXPECT_NE(bad.find(": filebeat.autodiscover.providers[0].templates[0].config[0]: this config does not load as an "
                     "input: type: expected one of log, filestream, container, docker, got \"nosuch\""),
            std::string::npos)
      << bad;
  const std::string condition = errorOf(dir, R"(filebeat.autodiscover.providers:
  - type: docker
    templates:
      - condition: {near: {container.name: x}}
        config: [{paths: [/x]}]
)");
  EXPECT_NE(condition.find("unsupported condition \"near\""), std::string::npos) << condition;
  const std::string tcp = errorOf(dir,
                                  "filebeat.autodiscover.providers: [{type: docker, host: 'tcp://h:2375', "
                                  "hints.enabled: true}]\n");
  EXPECT_NE(tcp.find("only unix:// hosts are implemented"), std::string::npos) << tcp;
}

TEST(DockerProvider, ExportConfigShowsDataReferencesAsWritten) {
  TempDir dir;
  load(dir, kTemplates);  // writes filebeat.yml
  const std::string exported = exportTailConfig(LoadArgs{(dir / "filebeat.yml").string(), {}, dir.path().string(), {}});
  EXPECT_NE(exported.find("/logs/${data.container.id}/*.log"), std::string::npos) << exported;
  EXPECT_NE(exported.find("${data.container.labels.team:none}"), std::string::npos) << exported;
}

void append(const fs::path& p, int from, int to) {
  std::ofstream f(p, std::ios::app);
  for (int i = from; i < to; ++i) f << "line " << i << "\n";
}

// Container events scripted into ContainerInputs, its inputs applied to a real InputSet.
struct Rig : tail::testing::SetRig {
  explicit Rig(const TempDir& dir) : SetRig(dir / "data", true), logs(dir / "logs") {
    fs::create_directories(logs);
    auto p = std::make_shared<DockerProviderConfig>();
    p->cleanup_timeout = seconds(5);
    ContainerTemplate t;
    t.configs.push_back(YAML::Load("{paths: ['" + logs.string() + "/${data.container.name}.log']}"));
    p->templates.push_back(std::move(t));
    inputs = std::make_unique<ContainerInputs>(p);
  }
  // One loop turn a second later: events applied, inputs scanned and read.
  void turn() {
    clock.advance(seconds(1));
    const auto now = clock.monotonicTime();
    auto caught_up = [this](const std::string& id, InputSet::Clock::time_point since) {
      return set->caughtUp(id, since);
    };
    if (auto specs = inputs->poll(now, caught_up)) set->apply(*specs, now);
    set->scan(now);
    while (set->harvest(100000, now) > 0) {
    }
    set->tick(now);
  }
  void turns(int n) {
    for (int i = 0; i < n; ++i) turn();
  }
  void started(const DockerContainer& c) { inputs->push(ContainerEvent{ContainerEvent::Kind::kStarted, c, {}, {}}); }
  void died(const DockerContainer& c) { inputs->push(ContainerEvent{ContainerEvent::Kind::kStopped, {}, c.id, {}}); }
  void listed(std::vector<DockerContainer> running) {
    inputs->push(ContainerEvent{ContainerEvent::Kind::kListed, {}, {}, std::move(running)});
  }

  fs::path logs;
  std::unique_ptr<ContainerInputs> inputs;
};

TEST(ContainerInputs, ScriptedEventsStartAndStopInputsAfterTheirLastLine) {
  TempDir dir;
  Rig rig(dir);
  const auto web = container("w1", "web", "busybox");
  // After the turns: how many inputs run, and lines 0..read-1 shipped once each, in order.
  auto expectAfter = [&rig](int turns, size_t running, int read) {
    rig.turns(turns);
    EXPECT_EQ(rig.set->running(), running);
    EXPECT_EQ(rig.messages(), tail::testing::lineMessages(0, read));
  };
  append(rig.logs / "web.log", 0, 3);
  expectAfter(1, 0, 0);  // no container yet
  rig.started(web);
  expectAfter(1, 1, 3);

  // It dies having written more: its input keeps running for cleanup_timeout and reads them.
  append(rig.logs / "web.log", 3, 6);
  rig.died(web);
  expectAfter(4, 1, 6);
  expectAfter(12, 0, 6);  // past cleanup_timeout and a scan after the death: stopped

  // Started again: the registry kept its offset, nothing is read twice.
  append(rig.logs / "web.log", 6, 8);
  rig.started(web);
  expectAfter(12, 1, 8);
}

TEST(ContainerInputs, RestartWithinCleanupTimeoutKeepsTheInputAndAListEndsVanishedContainers) {
  TempDir dir;
  Rig rig(dir);
  const auto a = container("a1", "a", "busybox"), b = container("b1", "b", "busybox");
  rig.listed({a, b});
  rig.turn();
  ASSERT_EQ(rig.set->running(), 2u);
  const auto ids = rig.set->runningIds();
  rig.died(a);
  rig.turn();
  rig.started(a);  // restarted before cleanup_timeout
  rig.turns(10);
  EXPECT_EQ(rig.set->runningIds(), ids);
  // A new list (after a reconnect) without b: b's input stops once due.
  rig.listed({a});
  rig.turns(10);
  ASSERT_EQ(rig.set->running(), 1u);
  EXPECT_EQ(rig.set->runningIds()[0].find("docker-autodiscover/" + a.id + "/"), 0u);
}

}  // namespace
}  // namespace logship::tail::autodiscover
