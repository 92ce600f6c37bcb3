// drop_event: drops the event (with `when`, the events that match).
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

class DropEvent final : public Processor {
 public:
  std::optional<std::vector<std::string>> addedFields() const override { return std::vector<std::string>{}; }
  void run(Event& event) const override { event.dropped = true; }
};

}  // namespace

std::unique_ptr<const Processor> parseDropEvent(const config::Node&) { return std::make_unique<DropEvent>(); }

}  // namespace logship::tail::processors
