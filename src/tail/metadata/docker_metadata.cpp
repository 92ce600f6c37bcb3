// DockerMatcher and DockerMetadataWatcher: see docker_metadata.h.
#include "logship/tail/docker_metadata.h"

#include "logship/common/error.h"
#include "logship/common/json.h"
#include "logship/common/logging.h"
#include "logship/tail/event.h"

namespace logship::tail {
namespace {

constexpr size_t kShortIdLength = 12;

std::string quoted(std::string_view s) {
  std::string out;
  json::appendString(out, s);
  return out;
}

// The `index`-th non-empty element of `path` split at '/' (Filebeat's extract_field).
std::string_view pathElement(std::string_view path, int index) {
  int at = 0;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (!part.empty() && at++ == index) return part;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return {};
}

}  // namespace

MetadataFields dockerFields(const DockerContainer& c, bool labels_dedot) {
  MetadataFields f{{"container.id", quoted(c.id)}, {"container.name", quoted(c.name)}};
  if (!c.image.empty()) f.emplace_back("container.image.name", quoted(c.image));
  for (const auto& [key, value] : c.labels) {
    f.emplace_back("container.labels." + (labels_dedot ? dedot(key) : key), quoted(value));
  }
  return f;
}

std::string_view DockerMatcher::containerId(Event& event) const {
  if (options_.match_source) {
    const Entry* path = event.find("log.file.path");
    if (path != nullptr && path->kind == Entry::Kind::kString) {
      const std::string_view id = pathElement(path->value, options_.match_source_index);
      if (!id.empty()) {
        event.setString("container.id", id);
        return id;
      }
    }
  }
  for (const auto& field : options_.match_fields) {
    const Entry* e = event.find(field);
    if (e != nullptr && e->kind == Entry::Kind::kString && !e->value.empty()) return e->value;
  }
  return {};
}

void DockerMatcher::run(Event& event) const {
  const std::string_view id = containerId(event);
  if (id.empty()) return;
  const auto fields = store_.find(id);
  if (fields != nullptr) MetadataStore::apply(*fields, event);
}

DockerMetadataWatcher::DockerMetadataWatcher(DockerEngine engine, MetadataStore& store,
                                             const DockerMetadataOptions& options, TimeSource& clock)
    : engine_(std::move(engine)),
      store_(store),
      options_(options),
      clock_(clock),
      thread_(clock),
      health_(clock, "add_docker_metadata: the Docker engine is unreachable; events get no container metadata",
              "add_docker_metadata: the Docker engine answers again", "socket", options.socket_path) {}

DockerMetadataWatcher::~DockerMetadataWatcher() { stop(); }

void DockerMetadataWatcher::start(std::chrono::milliseconds first_list_wait) {
  thread_.start([this] { loop(); }, first_list_wait);
}

void DockerMetadataWatcher::stop() { thread_.stop(); }

void DockerMetadataWatcher::put(const DockerContainer& c) {
  auto fields = std::make_shared<const MetadataFields>(dockerFields(c, options_.labels_dedot));
  store_.put(c.id, fields);
  if (options_.match_short_id && c.id.size() > kShortIdLength) store_.put(c.id.substr(0, kShortIdLength), fields);
}

void DockerMetadataWatcher::handle(const DockerEvent& event) {
  if (event.action == "die" || event.action == "destroy") {
    store_.markRemoved(event.id);
    if (event.id.size() > kShortIdLength) store_.markRemoved(event.id.substr(0, kShortIdLength));
    return;
  }
  // start, rename: the event's attributes mix labels with image and name; ask the engine.
  DockerContainer c;
  if (engine_.inspect(event.id, c, thread_.stopping())) put(c);
}

void DockerMetadataWatcher::runSession() {
  const int64_t since = clock_.unixMillis() / 1000;
  std::vector<std::string> ids;
  for (const auto& c : engine_.listContainers(thread_.stopping())) {
    put(c);
    ids.push_back(c.id);
    if (options_.match_short_id && c.id.size() > kShortIdLength) ids.push_back(c.id.substr(0, kShortIdLength));
  }
  store_.retainOnly(ids);
  ++lists_;
  thread_.firstAttemptDone();
  health_.answered();
  // Events since the list began: a container started during the list is not missed.
  engine_.followEvents(
      since, [this](const DockerEvent& e) { handle(e); }, thread_.stopping(), [this] { store_.cleanup(); });
}

void DockerMetadataWatcher::loop() {
  thread_.runSessions([this] { runSession(); }, [this](const std::string& e) { health_.failed(e); },
                      [this] { store_.cleanup(); });
}

}  // namespace logship::tail
