#pragma once
// What urldecode, decode_base64_field and replace share (libbeat's shape for all three): read a
// string field, transform it, write the text to `to` (or back to `from` when `to` is empty); a
// missing field is
// skipped with ignore_missing, else a failure; a failure with fail_on_error (default) rolls the
// event back to its state before the processor and sets error.message; without it the failure is
// ignored, as libbeat only logs it at debug level.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "field_paths.h"
#include "logship/common/config.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {

// Transforms `in` into `out` (appending); on failure returns false and sets `error` (libbeat's
// text after "error trying to ...").
using StringTransformFn = std::function<bool(std::string_view in, std::string& out, std::string& error)>;

struct StringFieldDecoderTexts {
  std::string_view error_prefix;  // "failed to decode fields in urldecode processor: "
  std::string_view fetch_error;   // "could not fetch value for key: "
  std::string_view decode_error;  // "error trying to URL-decode "
  // The failure for a value that is not a string, from the field and its raw JSON; null: libbeat's
  // "invalid type for `from`, expecting a string received <Go type>".
  std::string (*type_error)(std::string_view field, std::string_view raw) = nullptr;
};

// One field to transform, with its own transform (replace: its pattern).
struct StringFieldStep {
  FromTo field;
  StringTransformFn transform;
};

class StringFieldDecoder final : public Processor {
 public:
  StringFieldDecoder(std::vector<StringFieldStep> steps, FromToOptions options, StringFieldDecoderTexts texts)
      : steps_(std::move(steps)), options_(options), texts_(texts) {}
  // Every field with the same transform (urldecode, decode_base64_field).
  StringFieldDecoder(const std::vector<FromTo>& fields, FromToOptions options, const StringTransformFn& transform,
                     StringFieldDecoderTexts texts);
  void run(Event& event) const override;
  std::optional<std::vector<std::string>> addedFields() const override;

 private:
  // The failure text for one field, empty when it was decoded or skipped.
  std::string decodeOne(Event& event, const StringFieldStep& step) const;

  std::vector<StringFieldStep> steps_;
  FromToOptions options_;
  StringFieldDecoderTexts texts_;
};

// Go's %T of a JSON value held raw (float64, bool, map[string]interface {}, ...): for libbeat's
// "expecting a string received %T".
std::string_view goTypeOfRaw(std::string_view raw);

}  // namespace logship::tail::processors
