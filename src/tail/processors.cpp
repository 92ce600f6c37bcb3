#include "logship/tail/processors.h"

#include <sys/utsname.h>
#include <unistd.h>

#include "logship/common/json.h"
#include "logship/common/logging.h"
#include "logship/tail/event.h"

namespace logship::tail {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  json::appendString(out, s);
  return out;
}

}  // namespace

std::string hostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  return buf;
}

std::vector<ProcessorConfig> parseProcessors(const config::Node& list, std::vector<std::string>& warnings) {
  std::vector<ProcessorConfig> out;
  for (const auto& item : list.items()) {
    for (const auto& [name, node] : item.entries()) {
      ProcessorConfig p;
      if (name == "add_fields") {
        p.kind = ProcessorConfig::Kind::kAddFields;
        const auto target = node.child("target");
        const std::string prefix = target.yaml().IsDefined() ? target.str("") : "fields";
        if (!node.child("fields").isMap()) node.child("fields").fail("add_fields needs a map under fields");
        flattenYaml(node.child("fields"), prefix, p.fields);
      } else if (name == "drop_fields") {
        p.kind = ProcessorConfig::Kind::kDropFields;
        p.drop_fields = node.child("fields").strings();
        p.ignore_missing = node.child("ignore_missing").boolean(false);
        if (p.drop_fields.empty()) node.fail("drop_fields needs a list under fields");
      } else if (name == "drop_event") {
        p.kind = ProcessorConfig::Kind::kDropEvent;
      } else if (name == "add_host_metadata") {
        p.kind = ProcessorConfig::Kind::kAddHostMetadata;
        for (const auto& [key, value] : node.entries()) {
          if (key != "when") value.noEffect("add_host_metadata sets host.hostname, architecture, os.type and os.kernel only");
        }
      } else {
        node.markSubtreeUsed();
        warnings.push_back(node.path() + ": processor \"" + name + "\" is not supported by logship-tail and is skipped");
        continue;
      }
      if (node.child("when").exists()) p.when = Condition::parse(node.child("when"));
      out.push_back(std::move(p));
    }
  }
  return out;
}

static void logMissingField(std::string_view field) {
  static const auto logger = log::get("processors");
  if (logger->should_log(spdlog::level::debug))
    log::debug(*logger, "drop_fields: field not found", {{"field", field}});
}

Processors::Processors(const std::vector<ProcessorConfig>* input, const std::vector<ProcessorConfig>* global) {
  // Filebeat runs the input's processors first, then the global ones.
  for (const auto* l : {input, global}) {
    if (!l) continue;
    for (const auto& p : *l) list_.push_back(&p);
  }
  struct utsname u {};
  uname(&u);
  host_fields_ = {{"host.hostname", quoted(hostName())},
                  {"host.architecture", quoted(u.machine)},
                  {"host.os.type", quoted("linux")},
                  {"host.os.kernel", quoted(u.release)}};
}

void Processors::run(Event& event) const {
  for (const auto* p : list_) {
    if (event.dropped) return;
    if (p->when && !p->when->matches(event)) continue;
    switch (p->kind) {
      case ProcessorConfig::Kind::kAddFields:
        for (const auto& [k, v] : p->fields) event.setRaw(k, v);
        break;
      case ProcessorConfig::Kind::kDropFields:
        for (const auto& f : p->drop_fields) {
          // @timestamp and @metadata are never dropped (as in Filebeat).
          if (f == "@timestamp" || keyUnder(f, "@metadata")) continue;
          // As in libbeat: a missing field is an error of the processor, which is only logged at
          // debug level (the event goes on); ignore_missing silences it.
          if (!event.remove(f) && !p->ignore_missing) logMissingField(f);
        }
        break;
      case ProcessorConfig::Kind::kDropEvent:
        event.dropped = true;
        return;
      case ProcessorConfig::Kind::kAddHostMetadata:
        for (const auto& [k, v] : host_fields_) event.setRaw(k, v);
        break;
    }
  }
}

}  // namespace logship::tail
