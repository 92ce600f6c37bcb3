// DockerEngine: see docker_engine.h. JSON shapes: the Engine API's ContainerSummary
// (/containers/json), ContainerInspectResponse (/containers/{id}/json) and EventMessage (/events).
#include "logship/tail/docker_engine.h"

#include <simdjson.h>

#include "logship/common/config.h"
#include "logship/common/error.h"
#include "logship/tail/http_stream.h"

namespace logship::tail {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::string_view stringAt(const object& o, std::string_view key) {
  std::string_view s;
  if (o[key].get_string().get(s) != simdjson::SUCCESS) return {};
  return s;
}

void readLabels(const object& parent, std::map<std::string, std::string>& out) {
  object o;
  if (parent["Labels"].get_object().get(o) != simdjson::SUCCESS) return;
  for (auto [key, value] : o) {
    std::string_view v;
    if (value.get_string().get(v) == simdjson::SUCCESS) out.emplace(std::string(key), std::string(v));
  }
}

std::string withoutSlash(std::string_view name) {
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);
  return std::string(name);
}

element parse(simdjson::dom::parser& parser, std::string_view json) {
  element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    throw Error(ErrorCode::kDecode, "the Docker engine sent invalid JSON", std::string(json.substr(0, 120)));
  }
  return doc;
}

}  // namespace

std::vector<DockerContainer> DockerEngine::parseList(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::array list;
  if (parse(parser, json).get_array().get(list) != simdjson::SUCCESS) {
    throw Error(ErrorCode::kDecode, "the Docker engine's container list is not an array");
  }
  std::vector<DockerContainer> out;
  for (element item : list) {
    object o;
    if (item.get_object().get(o) != simdjson::SUCCESS) continue;
    DockerContainer c;
    c.id = std::string(stringAt(o, "Id"));
    simdjson::dom::array names;
    std::string_view first;
    if (o["Names"].get_array().get(names) == simdjson::SUCCESS && names.size() > 0 &&
        names.at(0).get_string().get(first) == simdjson::SUCCESS) {
      c.name = withoutSlash(first);
    }
    c.image = std::string(stringAt(o, "Image"));
    readLabels(o, c.labels);
    if (!c.id.empty()) out.push_back(std::move(c));
  }
  return out;
}

bool DockerEngine::parseInspect(std::string_view json, DockerContainer& out) {
  simdjson::dom::parser parser;
  object o;
  if (parse(parser, json).get_object().get(o) != simdjson::SUCCESS) return false;
  out = DockerContainer{};
  out.id = std::string(stringAt(o, "Id"));
  out.name = withoutSlash(stringAt(o, "Name"));
  object config;
  if (o["Config"].get_object().get(config) == simdjson::SUCCESS) {
    out.image = std::string(stringAt(config, "Image"));
    readLabels(config, out.labels);
  }
  return !out.id.empty();
}

bool DockerEngine::parseEvent(std::string_view json, DockerEvent& out) {
  simdjson::dom::parser parser;
  object o;
  if (parse(parser, json).get_object().get(o) != simdjson::SUCCESS) return false;
  if (stringAt(o, "Type") != "container") return false;
  out.action = std::string(stringAt(o, "Action"));
  // "rename" events carry the new name in Actor.Attributes.name; the id is Actor.ID.
  object actor;
  if (o["Actor"].get_object().get(actor) == simdjson::SUCCESS) out.id = std::string(stringAt(actor, "ID"));
  if (out.id.empty()) out.id = std::string(stringAt(o, "id"));
  int64_t nanos = 0;
  if (o["timeNano"].get_int64().get(nanos) == simdjson::SUCCESS) out.time_nanos = nanos;
  return !out.id.empty() && !out.action.empty();
}

std::vector<DockerContainer> DockerEngine::listContainers(const std::atomic<bool>& stop) const {
  auto transport = connectUnix(socket_path_);
  return parseList(httpGetBody(*transport, HttpRequest{"/containers/json", "docker", ""}, stop));
}

bool DockerEngine::inspect(std::string_view id, DockerContainer& out, const std::atomic<bool>& stop) const {
  auto transport = connectUnix(socket_path_);
  std::string body;
  const int status = httpGet(
      *transport, HttpRequest{"/containers/" + urlEncode(id) + "/json", "docker", ""},
      [&](std::string_view data) {
        body.append(data);
        return true;
      },
      stop);
  if (status == 404) return false;
  if (status != 200)
    throw Error(ErrorCode::kIo, "inspecting container " + std::string(id) + " answered " + std::to_string(status));
  return parseInspect(body, out);
}

void DockerEngine::followEvents(int64_t since_unix, const std::function<void(const DockerEvent&)>& on_event,
                                const std::atomic<bool>& stop, const std::function<void()>& on_idle) const {
  auto transport = connectUnix(socket_path_);
  std::string target =
      "/events?filters=" + urlEncode(R"({"type":["container"],"event":["start","die","destroy","rename"]})");
  if (since_unix > 0) target += "&since=" + std::to_string(since_unix);
  LineSplitter lines([&](std::string_view line) {
    DockerEvent event;
    if (!line.empty() && parseEvent(line, event)) on_event(event);
    return !stop.load();
  });
  const int status = httpGet(
      *transport, HttpRequest{target, "docker", ""}, [&](std::string_view data) { return lines.feed(data); }, stop,
      on_idle);
  if (status != 200 && !stop.load()) throw Error(ErrorCode::kIo, "GET /events answered " + std::to_string(status));
  if (!stop.load()) throw Error(ErrorCode::kIo, "the Docker engine closed the event stream");
}

std::string dockerSocketPath(const config::Node& host) {
  const std::string value = host.str("unix:///var/run/docker.sock");
  constexpr std::string_view kUnix = "unix://";
  if (value.compare(0, kUnix.size(), kUnix) != 0 || value.size() == kUnix.size()) {
    host.fail("only unix:// hosts are implemented (the engine's socket, e.g. unix:///var/run/docker.sock), got \"" +
              value + "\"");
  }
  return value.substr(kUnix.size());
}

}  // namespace logship::tail
