#include "logship/tail/pipeline.h"

#include <algorithm>

#include <charconv>

#include "logship/common/json.h"
#include "logship/common/logging.h"
#include "logship/tail/container_parser.h"
#include "logship/tail/json_message_text.h"
#include "processors/decoded_json.h"

namespace logship::tail {

PipelineMetrics PipelineMetrics::in(metrics::Registry& r) {
  PipelineMetrics m;
  m.events = &r.counter("logship_tail_events_published_total", "Events handed to the output");
  m.filtered = &r.counter("logship_tail_events_filtered_total", "Lines dropped by include_lines/exclude_lines");
  m.dropped = &r.counter("logship_tail_events_dropped_total", "Events dropped by processors (drop_event)");
  m.bytes = &r.counter("logship_tail_bytes_published_total", "Bytes of encoded events handed to the output");
  m.json_errors = &r.counter("logship_tail_json_decode_errors_total",
                             "Lines that were not valid JSON objects (shipped with message as text)");
  m.container_errors =
      &r.counter("logship_tail_container_parse_errors_total",
                 "Lines of container inputs that were neither Docker json-file nor CRI (shipped as they are)");
  return m;
}

Pipeline::Pipeline(const InputConfig& input, const std::vector<ProcessorConfig>& global, const AgentInfo& agent,
                   PipelineMetrics metrics, const OutputCodec& codec, TimeSource& time)
    : input_(input),
      time_(time),
      metrics_(metrics),
      codec_(codec),
      filter_(input.include_lines, input.exclude_lines),
      processors_(&input.processors, &global) {
  if (input.json.enabled) json_.emplace(input.json);
  if (!input.json.message_key.empty())
    message_key_path_ =
        input.json.keys_under_root ? input.json.message_key : input.json.target + "." + input.json.message_key;
  auto str = [](std::string_view s) {
    std::string out;
    json::appendString(out, s);
    return out;
  };
  static_raw_ = {{"agent.ephemeral_id", str(agent.ephemeral_id)},
                 {"agent.id", str(agent.id)},
                 {"agent.name", str(agent.host_name)},
                 {"agent.type", str("filebeat")},
                 {"agent.version", str(kBeatVersion)},
                 {"ecs.version", str("8.0.0")},
                 {"host.name", str(agent.host_name)},
                 {"input.type", str(input.type)}};
  for (const auto& f : input.fields) static_raw_.push_back(f);
  if (!input.tags.empty()) {
    std::string tags = "[";
    for (size_t i = 0; i < input.tags.size(); ++i) {
      if (i) tags.push_back(',');
      json::appendString(tags, input.tags[i]);
    }
    tags.push_back(']');
    static_raw_.emplace_back("tags", tags);
  }
  for (const auto& [k, v] : static_raw_) static_.push_back(Entry{k, v, Entry::Kind::kRaw, false});
  for (const auto& e : static_) static_metadata_ = static_metadata_ || (!e.key.empty() && e.key[0] == '@');
  for (const auto& e : static_) {
    const std::string_view top = e.key.substr(0, e.key.find('.'));
    size_t g = 0;
    while (g < groups_.size() && groups_[g].name != top) ++g;
    if (g == groups_.size()) groups_.push_back({top, {}});
    group_of_.push_back(g);
  }
  for (size_t g : group_of_) group_bit_.push_back(g < 64 ? uint64_t{1} << g : 0);
  for (size_t g = 0; g < groups_.size() && g < 64; ++g)
    if (!groups_[g].name.empty())
      groups_by_first_byte_[static_cast<unsigned char>(groups_[g].name.front())] |= uint64_t{1} << g;
  for (size_t g = 0; g < groups_.size(); ++g) {
    std::vector<Entry> members;
    for (size_t i = 0; i < static_.size(); ++i)
      if (group_of_[i] == g) members.push_back(static_[i]);
    EventEncoder::encodeMembers(members, groups_[g].json);
  }
  // The container parser adds stream/docker.attrs (or error.*): which groups are intact still
  // holds for every event unless a static group shares one of those top-level keys.
  container_keys_vary_ =
      input.container.enabled && std::any_of(groups_.begin(), groups_.end(), [](const StaticGroup& g) {
        return g.name == "stream" || g.name == "docker" || g.name == "error";
      });
}

void Pipeline::usePreencodedGroups() {
  auto& entries = event_.entries();
  auto flagStatic = [&entries, this] {
    for (size_t i = 0; i < static_.size(); ++i) entries[i].preencoded = (intact_ & group_bit_[i]) != 0;
  };
  // Without JSON decoding and processors every event has the same keys (the static ones as they
  // are, plus message and log.*): which groups are intact is decided once.
  const bool same_keys_every_event = !json_ && processors_.empty() && !container_keys_vary_;
  if (same_keys_every_event && groups_decided_) {
    flagStatic();
    return;
  }
  groups_decided_ = same_keys_every_event;
  maybe_metadata_ = static_metadata_;
  if (codec_.pretty || codec_.format || groups_.empty()) {
    maybe_metadata_ = true;  // not scanned here: takeMetadata looks
    preencoded_.clear();
    intact_ = 0;
    preencoded_valid_ = false;
    return;
  }
  const size_t groups = std::min<size_t>(groups_.size(), 64);
  uint64_t intact = groups == 64 ? ~uint64_t{0} : (uint64_t{1} << groups) - 1;
  // A group is reusable only when its entries are exactly the static ones (not removed, not
  // replaced) and no other entry shares its top-level key (it would need merging).
  for (size_t i = 0; i < static_.size(); ++i) {
    const Entry& e = entries[i];
    if (e.removed || e.key.data() != static_[i].key.data() || e.value.data() != static_[i].value.data() ||
        e.value.size() != static_[i].value.size()) {
      intact &= ~group_bit_[i];
      if (!e.removed && !e.key.empty() && e.key[0] == '@') maybe_metadata_ = true;  // renamed there
    }
  }
  for (size_t i = static_.size(); i < entries.size(); ++i) {
    if (entries[i].removed || entries[i].key.empty()) continue;
    const std::string_view key = entries[i].key;
    if (key.front() == '@') maybe_metadata_ = true;
    uint64_t candidates = groups_by_first_byte_[static_cast<unsigned char>(key.front())] & intact;
    if (candidates == 0) continue;
    const std::string_view top = key.substr(0, key.find('.'));
    for (; candidates != 0; candidates &= candidates - 1) {
      const auto g = static_cast<size_t>(__builtin_ctzll(candidates));
      if (groups_[g].name == top) intact &= ~(uint64_t{1} << g);
    }
  }
  intact_ = intact;
  // Decoded lines mostly leave the same groups intact: rebuild the fragment only on a change.
  if (!preencoded_valid_ || intact_ != preencoded_for_) {
    preencoded_.clear();
    for (size_t g = 0; g < groups; ++g) {
      if (((intact_ >> g) & 1) == 0 || groups_[g].json.empty()) continue;
      if (!preencoded_.empty()) preencoded_.push_back(',');
      preencoded_ += groups_[g].json;
    }
    preencoded_for_ = intact_;
    preencoded_valid_ = true;
  }
  flagStatic();
}

void Pipeline::refreshReadTime() {
  const int64_t now_ms = time_.unixMillis();
  if (now_ms != ts_ms_) {
    ts_ms_ = now_ms;
    formatTimestamp(now_ms, ts_text_);
  }
}

void Pipeline::stampReadTime() {
  if (ts_ms_ < 0) refreshReadTime();
  event_.timestamp_ = ts_text_;
  event_.timestamp_ms = ts_ms_;
}

// Filebeat logs every line it cannot decode unless ignore_decoding_error is set; a file of
// plain text would flood the log, so after the first ten only every thousandth is logged.
void Pipeline::noteDecodeError(const Message& message, const HarvesterContext& ctx, std::string_view why) {
  metrics_.json_errors->inc();
  if (!input_.json.log_errors) return;
  const uint64_t n = metrics_.json_errors->value();
  if (n > 10 && n % 1000 != 0) return;
  log::warn(*log::get("tail"), "cannot decode JSON, shipped as text",
            {{"file", ctx.path}, {"offset", message.offset}, {"error", why}, {"errors_so_far", n}});
}

void Pipeline::addContainerFields(const Message& message, const HarvesterContext& ctx) {
  const ContainerMeta& c = *message.container;
  if (!c.error.empty()) {
    // Filebeat skips such a line (logging "Skipping unparsable line"); logship ships it as it is.
    event_.append("error.message", c.error, Entry::Kind::kString);
    event_.append("error.type", "container", Entry::Kind::kString);
    metrics_.container_errors->inc();
    const uint64_t n = metrics_.container_errors->value();
    if (n <= 10 || n % 1000 == 0)
      log::warn(*log::get("tail"), "not a container log line, shipped as it is",
                {{"file", ctx.path}, {"offset", message.offset}, {"error", c.error}, {"errors_so_far", n}});
    return;
  }
  event_.append("stream", c.stream, Entry::Kind::kString);
  if (!c.attrs.empty()) event_.append("docker.attrs", c.attrs, Entry::Kind::kRaw);
  // The container's time is the event's (a decoded @timestamp with overwrite_keys replaces it).
  event_.timestamp_.assign(c.timestamp);
  event_.timestamp_ms = c.timestamp_ms;
}

std::string_view Pipeline::messageKeyText(const Message& message) {
  const std::string_view decoded = json_->messageText();
  std::string_view text = message.json.empty() ? decoded : message.text;  // what multiline joined
  if (input_.json.strip_message_newline) text = stripLineEnding(text);
  // libbeat's MergeJSONFields writes the (joined, stripped) text back to the key.
  // Compared by content: decoded before multiline, a single line's text is a copy of the value.
  const bool changed = text != decoded;
  if (changed && (!decoded.empty() || message.lines > 1)) event_.setString(message_key_path_, text);
  return text;
}

bool Pipeline::finishDecoded(size_t first) {
  const JsonConfig& j = input_.json;
  if (j.expand_keys && !expandDecodedKeys(first)) return false;
  if (!j.document_id.empty()) {
    // libbeat's MergeJSONFields: the key is taken out of the decoded object and becomes the id.
    thread_local std::string key;
    key.clear();
    if (!j.keys_under_root) key.append(j.target).push_back('.');
    key.append(j.document_id);
    if (const std::string_view id = processors::takeDocumentId(event_, key, event_.arena()); !id.empty())
      event_.setString("@metadata._id", id);
  }
  return true;
}

bool Pipeline::expandDecodedKeys(size_t first) {
  // jsontransform.ExpandFields on the decoded members (appended from `first`): dotted keys and
  // objects merge into one tree of leaves; a value meeting an object is a decoding error.
  thread_local std::vector<Entry> members, leaves;
  members.clear();
  leaves.clear();
  auto& entries = event_.entries();
  for (size_t i = first; i < entries.size(); ++i)
    if (!entries[i].removed) members.push_back(entries[i]);
  expand_error_.clear();
  if (!processors::expandKeys(members, event_.arena(), leaves, expand_error_)) {
    entries.resize(first);
    if (input_.json.add_error_key) {
      event_.setString("error.message", event_.arena().copy(expand_error_));
      event_.setString("error.type", "json");
    }
    return false;
  }
  entries.resize(first);
  // Into the root, keys the event has (agent, host, ...) win unless overwrite_keys, as the
  // decoder's own writes.
  const bool keep_existing = input_.json.keys_under_root && !input_.json.overwrite_keys;
  for (const auto& leaf : leaves)
    if (!keep_existing || !event_.has(leaf.key)) event_.set(leaf.key, leaf.value, leaf.kind);
  return true;
}

PipelineOutcome Pipeline::process(const Message& message, const HarvesterContext& ctx) {
  event_.clear();
  auto& entries = event_.entries();
  entries.insert(entries.end(), static_.begin(), static_.end());
  if (message.container) addContainerFields(message, ctx);

  std::string_view filter_text = message.text;
  if (json_) {
    const size_t first_decoded = entries.size();
    // expand_keys merges the members itself: they are appended as they are, colliding or not.
    // Decoded before multiline, the line's fields come from its (last) JSON line.
    const std::string_view source = message.json.empty() ? message.text : message.json;
    const bool decoded = json_->decode(source, event_, input_.json.expand_keys);
    if (decoded && finishDecoded(first_decoded)) {
      if (!input_.json.message_key.empty()) filter_text = messageKeyText(message);
    } else {
      event_.setString("message", message.text);
      noteDecodeError(message, ctx, decoded ? std::string_view(expand_error_) : json_->error());
    }
  } else {
    event_.append("message", message.text, message.json_string ? Entry::Kind::kRaw : Entry::Kind::kString);
  }
  if (filter_.active() && !filter_.keep(filter_text)) {
    metrics_.filtered->inc();
    return {PipelineOutcome::Kind::kFiltered, {}, nullptr};
  }
  if (event_.timestamp_.empty()) stampReadTime();

  auto [end, ec] = std::to_chars(offset_buf_, offset_buf_ + sizeof(offset_buf_), message.offset);
  (void)ec;
  event_.append("log.offset", std::string_view(offset_buf_, static_cast<size_t>(end - offset_buf_)), Entry::Kind::kRaw);
  event_.append("log.file.path", ctx.path, Entry::Kind::kString);
  if (message.truncated || message.lines > 1) {
    event_.append("log.flags",
                  message.truncated && message.lines > 1 ? "[\"multiline\",\"truncated\"]"
                  : message.truncated                    ? "[\"truncated\"]"
                                                         : "[\"multiline\"]",
                  Entry::Kind::kRaw);
  }
  if (!processors_.empty()) {
    processors_.run(event_);
    if (event_.dropped) {
      metrics_.dropped->inc();
      return {PipelineOutcome::Kind::kDropped, {}, nullptr};
    }
  }
  if (ctx.file_hash != id_hash_ || id_prefix_ == 0) {  // "<file hash>-" changes only with the file
    id_.clear();
    appendEventId(ctx.file_hash, 0, id_);
    id_prefix_ = id_.size() - 1;
    id_hash_ = ctx.file_hash;
  }
  id_.resize(id_prefix_);
  json::appendUint(id_, message.offset);
  // Keys processors or a decoded line put under @metadata join the one @metadata object; an
  // `_id` among them (fingerprint's, add_id's) replaces the file-and-offset id.
  metadata_.clear();
  own_id_ = true;
  usePreencodedGroups();  // also tells whether any key may start with '@' (maybe_metadata_)
  if (maybe_metadata_ && (json_ || !processors_.empty()) && !codec_.format)
    own_id_ = !EventEncoder::takeMetadata(event_, metadata_);
  if (!encodePayload()) {
    metrics_.dropped->inc();
    return {PipelineOutcome::Kind::kDropped, {}, nullptr};
  }
  if (max_event_bytes_ != 0 && payload_.size() > max_event_bytes_) shrinkToFit(message);
  metrics_.events->inc();
  metrics_.bytes->inc(payload_.size());
  return {PipelineOutcome::Kind::kPublish, payload_, &event_};
}

void Pipeline::shrinkToFit(const Message& message) {
  // Only a plain-text `message` can be cut (decoded JSON values are raw JSON). Escaping can make
  // the encoded text longer than the raw one, so cut, re-encode and repeat until it fits.
  for (int attempt = 0; attempt < 8 && payload_.size() > max_event_bytes_; ++attempt) {
    const Entry* msg = event_.find("message");
    if (msg && msg->kind == Entry::Kind::kRaw && message.json_string && msg->isString()) {
      event_.setString("message", event_.arena().copy(Event::text(*msg, shrink_scratch_)));  // Docker's, kept escaped
      msg = event_.find("message");
    }
    if (!msg || msg->kind != Entry::Kind::kString || msg->value.empty()) return;
    // Escaping makes encoded text longer than raw text: scale the raw length by how far over we are.
    const double fit = static_cast<double>(max_event_bytes_ - std::min<size_t>(max_event_bytes_, 256)) /
                       static_cast<double>(payload_.size());
    size_t keep = static_cast<size_t>(static_cast<double>(msg->value.size()) * fit);
    while (keep > 0 && (static_cast<unsigned char>(msg->value[keep]) & 0xC0) == 0x80) --keep;  // UTF-8 boundary
    event_.setString("message", msg->value.substr(0, keep));
    event_.setRaw("log.flags", message.lines > 1 ? "[\"multiline\",\"truncated\"]" : "[\"truncated\"]");
    encodePayload();
  }
}

bool Pipeline::encodePayload() {
  payload_.clear();
  // Format strings read @timestamp (and %{+...} dates) from the event's timestamp itself.
  if (codec_.format) return codec_.format->evaluate(event_, payload_);
  encoder_.encode(event_, own_id_ ? std::string_view(id_) : std::string_view(), payload_, codec_.pretty, preencoded_,
                  metadata_);
  if (codec_.escape_html) escapeHtml(payload_, escape_scratch_);
  return true;
}

}  // namespace logship::tail
