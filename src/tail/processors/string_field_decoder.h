#pragma once
// What urldecode and decode_base64_field share (libbeat's shape for both): read a string field,
// decode it, write the text to `to` (or back to `from` when `to` is empty); a missing field is
// skipped with ignore_missing, else a failure; a failure with fail_on_error (default) rolls the
// event back to its state before the processor and sets error.message; without it the failure is
// ignored, as libbeat only logs it at debug level.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logship/common/config.h"
#include "logship/tail/processor.h"
#include "field_paths.h"

namespace logship::tail::processors {

// Decodes `in` into `out`; on failure returns false and sets `error` (libbeat's text after
// "error trying to ...").
using StringDecodeFn = bool (*)(std::string_view in, std::string& out, std::string& error);

struct StringFieldDecoderTexts {
  std::string_view error_prefix;  // "failed to decode fields in urldecode processor: "
  std::string_view fetch_error;   // "could not fetch value for key: "
  std::string_view decode_error;  // "error trying to URL-decode "
};

class StringFieldDecoder final : public Processor {
 public:
  StringFieldDecoder(std::vector<FromTo> fields, FromToOptions options, StringDecodeFn decode,
                     StringFieldDecoderTexts texts)
      : fields_(std::move(fields)), options_(options), decode_(decode), texts_(texts) {}
  void run(Event& event) const override;
  std::optional<std::vector<std::string>> addedFields() const override;

 private:
  // The failure text for one field, empty when it was decoded or skipped.
  std::string decodeOne(Event& event, const FromTo& field) const;

  std::vector<FromTo> fields_;
  FromToOptions options_;
  StringDecodeFn decode_;
  StringFieldDecoderTexts texts_;
};

// Go's %T of a JSON value held raw (float64, bool, map[string]interface {}, ...): for libbeat's
// "expecting a string received %T".
std::string_view goTypeOfRaw(std::string_view raw);

}  // namespace logship::tail::processors
