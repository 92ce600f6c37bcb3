// convert: `fields: [{from, to, type}]` (type integer long float double string boolean ip, or none:
// a plain copy/rename), ignore_missing (false), fail_on_error (true), mode copy (default) | rename,
// tag. As libbeat: every field is converted first; with fail_on_error one failure leaves the event
// as it was; results are then written (in place when `to` is empty). Values are JSON numbers,
// strings and booleans as decoded from the line; numbers convert as Go's float64 does.
#include <optional>

#include "go_strconv.h"
#include "logship/tail/event.h"
#include "string_field_decoder.h"

namespace logship::tail::processors {
namespace {

enum class Type { kNone, kInteger, kLong, kFloat, kDouble, kString, kBoolean, kIp };

struct Conversion {
  std::string from, to;
  Type type = Type::kNone;
  std::string type_name;
};

struct Converted {
  std::string value;  // JSON text, or the string's text when `is_string`
  bool is_string = false;
  bool skipped = false;
};

// The conversion of one value (`text`: a string's contents, else its raw JSON); false with `cause`.
bool convertValue(Type type, const std::string& type_name, bool is_string, std::string_view text, Converted& out,
                  std::string& cause) {
  const std::string go_type = is_string ? "string" : std::string(goTypeOfRaw(text));
  const bool is_number = !is_string && go_type == "float64";
  out.is_string = false;
  switch (type) {
    case Type::kNone:
      out.value.assign(text);
      out.is_string = is_string;
      return true;
    case Type::kString:
      if (!is_string && text == "null") {
        cause = "invalid conversion of [null] to string";
        return false;
      }
      out.value.assign(text);
      out.is_string = true;
      return true;
    case Type::kInteger:
    case Type::kLong: {
      const int bits = type == Type::kInteger ? 32 : 64;
      int64_t v = 0;
      double d = 0;
      if (is_string) {
        if (!goParseInt(text, bits, v, &cause)) return false;
      } else if (is_number && goParseDouble(text, d)) {
        v = bits == 32 ? static_cast<int32_t>(static_cast<int64_t>(d)) : static_cast<int64_t>(d);
      } else {
        cause = "invalid conversion of [" + go_type + "] to " + type_name;
        return false;
      }
      out.value = std::to_string(v);
      return true;
    }
    case Type::kFloat:
    case Type::kDouble: {
      double d = 0;
      if ((is_string || is_number) && goParseDouble(text, d)) {
        out.value = type == Type::kFloat ? goFloat(static_cast<float>(d)) : goFloat(d);
        return true;
      }
      cause = is_string ? goSyntaxError("ParseFloat", text) : "invalid conversion of [" + go_type + "] to float";
      return false;
    }
    case Type::kBoolean: {
      if (!is_string && (text == "true" || text == "false")) {
        out.value.assign(text);
        return true;
      }
      if (!is_string) {
        cause = "invalid conversion of [" + go_type + "] to boolean";
        return false;
      }
      if (const auto b = goParseBool(text)) return out.value = *b ? "true" : "false", true;
      cause = goSyntaxError("ParseBool", text);
      return false;
    }
    case Type::kIp: {
      if (!is_string) {
        cause = "invalid conversion of [" + go_type + "] to IP";
        return false;
      }
      if (!isIpAddress(text)) {
        cause = "value is not a valid IP address";
        return false;
      }
      out.value.assign(text);
      out.is_string = true;
      return true;
    }
  }
  return false;
}

class Convert final : public Processor {
 public:
  Convert(std::vector<Conversion> fields, bool ignore_missing, bool fail_on_error, bool rename, std::string tag)
      : fields_(std::move(fields)),
        ignore_missing_(ignore_missing),
        fail_on_error_(fail_on_error),
        rename_(rename),
        tag_(std::move(tag)) {}

  void run(Event& event) const override {
    thread_local std::vector<Converted> results;
    results.resize(fields_.size());
    for (size_t i = 0; i < fields_.size(); ++i) {
      std::string failure = convertOne(event, fields_[i], results[i]);
      if (failure.empty()) continue;
      if (fail_on_error_) {
        flagProcessorError(event, failure);  // nothing was written yet: the event is as it was
        return;
      }
      results[i].skipped = true;
    }
    for (size_t i = 0; i < fields_.size(); ++i) {
      const Converted& r = results[i];
      if (r.skipped) continue;
      const Conversion& c = fields_[i];
      const std::string& target = c.to.empty() ? c.from : c.to;
      if (rename_ && !c.to.empty()) event.remove(c.from);
      event.set(target, event.arena().copy(r.value), r.is_string ? Entry::Kind::kString : Entry::Kind::kRaw);
    }
  }
  std::optional<std::vector<std::string>> addedFields() const override {
    std::vector<std::string> out{"error.message"};
    for (const auto& c : fields_) out.push_back(c.to.empty() ? c.from : c.to);
    return out;
  }

 private:
  // libbeat's newConvertError text, empty on success or when the field is skipped.
  std::string convertOne(Event& event, const Conversion& c, Converted& out) const {
    out = Converted{};
    const auto prefix = [&] {
      std::string p = "failed in processor.convert";
      if (!tag_.empty()) p += " with instance_id=" + tag_;
      p += ": conversion of field [" + c.from + "] to type [" + c.type_name + "]";
      if (!c.to.empty()) p += " with target field [" + c.to + "]";
      return p + " failed: ";
    };
    const Entry* e = event.find(c.from);
    if (!e) {
      if (ignore_missing_) {
        out.skipped = true;
        return {};
      }
      return prefix() + "field [" + c.from + "] is missing: key not found";
    }
    const bool is_string = e->isString();
    thread_local std::string scratch;
    const std::string_view text = is_string ? Event::text(*e, scratch) : e->value;
    std::string cause;
    if (!convertValue(c.type, c.type_name, is_string, text, out, cause))
      return prefix() + "unable to convert value [" + std::string(text) + "]: " + cause;
    return {};
  }

  std::vector<Conversion> fields_;
  bool ignore_missing_, fail_on_error_, rename_;
  std::string tag_;
};

}  // namespace

std::unique_ptr<const Processor> parseConvert(const config::Node& node) {
  static const std::pair<const char*, Type> kTypes[] = {
      {"integer", Type::kInteger}, {"long", Type::kLong},       {"float", Type::kFloat}, {"double", Type::kDouble},
      {"string", Type::kString},   {"boolean", Type::kBoolean}, {"ip", Type::kIp}};
  std::vector<Conversion> fields;
  for (const auto& item : node.child("fields").items()) {
    Conversion c{item.child("from").str(), item.child("to").str(), Type::kNone, ""};
    if (c.from.empty()) item.fail("convert needs a from in each fields item");
    if (item.child("type").exists()) {
      std::string t = item.child("type").str();
      for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      bool known = false;
      for (const auto& [name, type] : kTypes)
        if (t == name) c.type = type, c.type_name = name, known = true;
      if (!known)
        item.child("type").fail("invalid data type \"" + t + "\" (integer long float double string boolean ip)");
    }
    if (c.type == Type::kNone && c.to.empty()) item.fail("each field must have a 'to' or a 'type'");
    fields.push_back(std::move(c));
  }
  if (fields.empty()) node.fail("convert needs a list of {from, to, type} under fields");
  const std::string mode = node.child("mode").oneOf({"copy", "rename"}, "copy");
  return std::make_unique<Convert>(std::move(fields), node.child("ignore_missing").boolean(false),
                                   node.child("fail_on_error").boolean(true), mode == "rename",
                                   node.child("tag").str());
}

}  // namespace logship::tail::processors
