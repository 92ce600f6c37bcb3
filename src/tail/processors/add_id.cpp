// add_id: sets a unique, Elasticsearch-style time-based id on each event (default
// @metadata._id, which an Elasticsearch output uses as the document id).
#include "es_id_generator.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

class AddId final : public Processor {
 public:
  explicit AddId(std::string target) : target_(std::move(target)) {}
  AddId(std::string target, EsIdGenerator::Clock clock, uint32_t first_sequence, std::array<uint8_t, 6> address)
      : target_(std::move(target)), generator_(std::move(clock), first_sequence, address) {}

  std::optional<std::vector<std::string>> addedFields() const override { return std::vector<std::string>{target_}; }

  void run(Event& event) const override {
    char id[EsIdGenerator::kIdLength];
    generator_.next(id);
    event.setString(target_, event.arena().copy(std::string_view(id, sizeof(id))));
  }

 private:
  std::string target_;
  mutable EsIdGenerator generator_;  // its state is the sequence and the last timestamp
};

std::string parseTarget(const config::Node& node) {
  node.child("type").oneOf({"elasticsearch"}, "elasticsearch");  // the only generator libbeat has
  return node.child("target_field").str("@metadata._id");
}

}  // namespace

std::unique_ptr<const Processor> parseAddId(const config::Node& node) {
  return std::make_unique<AddId>(parseTarget(node));
}

// For tests: the same processor with an injected clock, sequence and address.
std::unique_ptr<const Processor> makeAddIdForTest(const config::Node& node, EsIdGenerator::Clock clock,
                                                  uint32_t first_sequence, std::array<uint8_t, 6> address) {
  return std::make_unique<AddId>(parseTarget(node), std::move(clock), first_sequence, address);
}

}  // namespace logship::tail::processors
