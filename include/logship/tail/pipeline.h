#pragma once
// Per input: turns a Message (line or multiline block) of one file into an encoded event.
// Order: JSON decoding -> include/exclude lines -> processors -> encode. A pure stage: it returns
// what became of the message (PipelineOutcome) and the caller (the harvester's Shipper) tracks
// the acknowledgement and publishes; filtered and dropped events only advance the file's offset.
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logship/common/metrics.h"
#include "logship/common/time_source.h"
#include "logship/tail/event.h"
#include "logship/tail/event_encoder.h"
#include "logship/tail/json_decoder.h"
#include "logship/tail/line_filter.h"
#include "logship/tail/multiline.h"
#include "logship/tail/processors.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

struct HarvesterContext {
  std::string path;
  uint64_t file_hash = 0;  // FileIdentity::hash(), for @metadata._id
};

// What process() made of a message.
struct PipelineOutcome {
  enum class Kind : uint8_t { kPublish, kFiltered, kDropped };
  Kind kind = Kind::kFiltered;  // kFiltered: include/exclude_lines; kDropped: drop_event
  // kPublish only, valid until the next process(): the encoded event, and the event itself (what
  // the output's topic/key format strings, partition hash fields and timestamp read).
  std::string_view payload;
  const Event* event = nullptr;
};

struct PipelineMetrics {
  metrics::Counter* events = nullptr;            // handed to the output
  metrics::Counter* filtered = nullptr;          // include/exclude_lines
  metrics::Counter* dropped = nullptr;           // drop_event
  metrics::Counter* bytes = nullptr;             // encoded bytes handed to the output
  metrics::Counter* json_errors = nullptr;       // lines the JSON decoder could not decode (shipped as text)
  metrics::Counter* container_errors = nullptr;  // lines of a container input that were not container lines
  static PipelineMetrics in(metrics::Registry& registry);
};

struct AgentInfo {
  std::string host_name;
  std::string id;            // agent.id (persisted under path.data)
  std::string ephemeral_id;  // per run
};

class Pipeline {
 public:
  Pipeline(const InputConfig& input, const std::vector<ProcessorConfig>& global, const AgentInfo& agent,
           PipelineMetrics metrics, const OutputCodec& codec = {}, TimeSource& time = RealTimeSource::instance());
  PipelineOutcome process(const Message& message, const HarvesterContext& ctx);
  // The output's size limit (Kafka's max_message_bytes; 0 = none). An event whose `message` would
  // make it larger is shipped with `message` cut to fit and flagged truncated, instead of being
  // rejected by the broker and lost (Filebeat drops such events).
  void setMaxEventBytes(size_t bytes) { max_event_bytes_ = bytes; }
  const InputConfig& input() const { return input_; }
  // Takes the wall clock (the TimeSource's system time) for @timestamp. Called once per read batch (the lines of one
  // batch were read together), not per line: the clock read was a visible share of the per-line cost.
  void refreshReadTime();

 private:
  void stampReadTime();
  // expand_keys and document_id on the members the JSON decoder appended from entry `first`;
  // false when expanding failed (the line then ships as text, as one that is not JSON).
  bool finishDecoded(size_t first);
  // The message_key text for filters (and written back to the key): multiline's joined text when
  // lines were decoded before it, without its line ending for the log input.
  std::string_view messageKeyText(const Message& message);
  bool expandDecodedKeys(size_t first);
  // `why`: the decoder's error, or expandDecodedKeys' (the line was JSON, its keys conflict).
  void noteDecodeError(const Message& message, const HarvesterContext& ctx, std::string_view why);
  // stream, docker.attrs and the container's time as @timestamp, or the parse error.
  void addContainerFields(const Message& message, const HarvesterContext& ctx);
  void shrinkToFit(const Message& message);
  // The event as the codec writes it into payload_; false when codec.format cannot (a missing field).
  bool encodePayload();
  // Writes the cached fragments of static groups no processor or decoded key touched into
  // preencoded_, flagging their entries so the encoder skips them.
  void usePreencodedGroups();

  // Static entries grouped by top-level key (agent, ecs, host, input, fields, tags): each group's
  // members are encoded once, not per event.
  struct StaticGroup {
    std::string_view name;
    std::string json;  // `"agent":{...}`
  };
  std::vector<StaticGroup> groups_;
  std::vector<size_t> group_of_;     // per static entry
  std::vector<uint64_t> group_bit_;  // per static entry: its group's bit in intact_ (0 past the 64th)
  // Per first byte of a key, the groups (bit g) whose name starts with it: most decoded keys share
  // no first byte with any group and are passed over without a comparison.
  std::array<uint64_t, 256> groups_by_first_byte_{};
  // Bit g: group g is intact in this event. Groups past the 64th are never pre-encoded (their
  // entries are encoded with the event's others).
  uint64_t intact_ = 0;
  std::string preencoded_;
  uint64_t preencoded_for_ = 0;  // the intact_ that preencoded_ was built from
  bool preencoded_valid_ = false;
  bool groups_decided_ = false;       // intact_/preencoded_ hold for every event (no decoding, no processors)
  bool container_keys_vary_ = false;  // container fields may land in a static group

  const InputConfig& input_;
  TimeSource& time_;
  PipelineMetrics metrics_;
  OutputCodec codec_;
  std::string escape_scratch_;  // escapeHtml's second buffer
  LineFilter filter_;
  std::optional<JsonDecoder> json_;
  Processors processors_;
  EventEncoder encoder_;
  std::vector<std::pair<std::string, std::string>> static_raw_;  // owned storage for static_
  std::vector<Entry> static_;
  Event event_;
  std::string payload_;
  std::string id_;
  std::string message_key_path_;  // json.message_key where the decoder puts it (target.key)
  std::string metadata_;          // members processors put under @metadata (EventEncoder::takeMetadata)
  bool own_id_ = true;            // id_ is @metadata._id (no processor set one)
  // usePreencodedGroups saw a live key starting with '@' (or did not look): takeMetadata runs.
  bool maybe_metadata_ = true;
  bool static_metadata_ = false;  // a configured field lies under '@' (fields_under_root: @metadata.x)
  uint64_t id_hash_ = 0;          // the file hash id_'s prefix was made for
  size_t id_prefix_ = 0;          // length of "<file hash>-" in id_
  char offset_buf_[24];
  int64_t ts_ms_ = -1;
  std::string ts_text_;
  size_t max_event_bytes_ = 0;
  std::string shrink_scratch_;
  std::string expand_error_;  // expandDecodedKeys' last conflict
};

}  // namespace logship::tail
