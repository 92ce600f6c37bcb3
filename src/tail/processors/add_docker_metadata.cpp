// add_docker_metadata: container.id from the log path (or match_fields), and the container's
// name, image and labels from the Docker engine (docker_metadata.h). The watcher thread starts
// with the first event, so `--check` never connects to the engine.
#include <memory>
#include <string>
#include <utility>

#include "logship/tail/docker_metadata.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

class AddDockerMetadata final : public Processor {
 public:
  explicit AddDockerMetadata(DockerMetadataOptions options)
      : options_(std::move(options)),
        store_(RealTimeSource::instance(), options_.cleanup_timeout),
        matcher_(options_, store_),
        watcher_(DockerEngine(options_.socket_path), store_, options_, RealTimeSource::instance()) {}

  void run(Event& event) const override {
    watcher_.start();
    matcher_.run(event);
  }

 private:
  DockerMetadataOptions options_;
  MetadataStore store_;
  DockerMatcher matcher_;
  mutable DockerMetadataWatcher watcher_;
};

}  // namespace

std::unique_ptr<const Processor> parseAddDockerMetadata(const config::Node& node) {
  DockerMetadataOptions o;
  o.socket_path = dockerSocketPath(node.child("host"));
  o.match_source = node.child("match_source").boolean(true);
  const config::Node index = node.child("match_source_index");
  o.match_source_index = static_cast<int>(index.integer(4));
  if (o.match_source_index < 0) index.fail("must be 0 or more");
  o.match_fields = node.child("match_fields").strings();
  o.match_short_id = node.child("match_short_id").boolean(false);
  o.labels_dedot = node.child("labels").child("dedot").boolean(true);
  const config::Node cleanup = node.child("cleanup_timeout");
  o.cleanup_timeout = cleanup.duration(std::chrono::seconds(60));
  if (o.cleanup_timeout.count() < 0) cleanup.fail("must not be negative");
  node.child("match_pids").noEffect("containers are not looked up by process id (cgroups)");
  node.child("ssl").noEffect("the engine is reached on its unix socket only: no TLS");
  return std::make_unique<AddDockerMetadata>(std::move(o));
}

}  // namespace logship::tail::processors
