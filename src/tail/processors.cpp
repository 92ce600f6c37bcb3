#include "logship/tail/processors.h"

#include <sys/utsname.h>
#include <unistd.h>

#include "logship/common/json.h"
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
        node.markSubtreeUsed();  // netinfo, geo, cache.ttl: accepted, not implemented
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
          event.remove(f);
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
