// replace: `fields: [{field, pattern, replacement}]`, ignore_missing, fail_on_error, as libbeat's
// (Go's Regexp.ReplaceAllString: every match replaced, `$1` / `${1}` / `${name}` / `$$` in the
// replacement; a group that does not exist expands to nothing). Patterns are RE2, compiled once.
#include <re2/re2.h>

#include "string_field_decoder.h"

namespace logship::tail::processors {
namespace {

bool nameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// Go's template syntax as RE2's rewrite string (`\N`, `\\` for a backslash); false with `error`
// set when a group number is above 9 (RE2 rewrites stop there).
bool toRe2Rewrite(const re2::RE2& re, std::string_view go, std::string& out, std::string& error) {
  for (size_t i = 0; i < go.size(); ++i) {
    const char c = go[i];
    if (c == '\\') {
      out += "\\\\";
      continue;
    }
    if (c != '$' || i + 1 >= go.size()) {
      out += c;
      continue;
    }
    if (go[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    size_t start = i + 1, end;
    if (go[start] == '{') {
      end = go.find('}', start);
      if (end == std::string_view::npos) {
        out += c;  // not a template: Go keeps the text
        continue;
      }
      ++start;
    } else {
      end = start;
      while (end < go.size() && nameChar(go[end])) ++end;
      if (end == start) {
        out += c;
        continue;
      }
    }
    const std::string name(go.substr(start, end - start));
    int group = -1;
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
      group = std::stoi(name.size() > 3 ? "1000" : name);
    } else if (auto it = re.NamedCapturingGroups().find(name); it != re.NamedCapturingGroups().end()) {
      group = it->second;
    }
    if (group > 9) {
      error = "replacement group $" + name + " is above 9, which logship cannot expand";
      return false;
    }
    if (group >= 0 && group <= re.NumberOfCapturingGroups()) out += "\\" + std::to_string(group);
    i = go[i + 1] == '{' ? end : end - 1;
  }
  return true;
}

std::string typeError(std::string_view field, std::string_view raw) {
  return "key '" + std::string(field) + "' expected type string, but got " + std::string(goTypeOfRaw(raw)) +
         " with value '" + std::string(raw) + "'";
}

}  // namespace

std::unique_ptr<const Processor> parseReplace(const config::Node& node) {
  std::vector<StringFieldStep> steps;
  for (const auto& item : node.child("fields").items()) {
    const std::string field = item.child("field").str();
    if (field.empty()) item.fail("replace needs a field in each fields item");
    if (!item.child("pattern").exists()) item.fail("replace needs a pattern in each fields item");
    if (!item.child("replacement").exists()) item.fail("missing replacement");
    auto re = std::make_shared<re2::RE2>(item.child("pattern").str(), re2::RE2::Quiet);
    if (!re->ok()) item.child("pattern").fail("invalid regexp: " + re->error());
    auto rewrite = std::make_shared<std::string>();
    std::string error;
    if (!toRe2Rewrite(*re, item.child("replacement").str(), *rewrite, error)) item.child("replacement").fail(error);
    steps.push_back({FromTo{field, ""}, [re, rewrite](std::string_view in, std::string& out, std::string&) {
                       out.assign(in);
                       re2::RE2::GlobalReplace(&out, *re, *rewrite);
                       return true;
                     }});
  }
  if (steps.empty()) node.fail("replace needs a list of {field, pattern, replacement} under fields");
  return std::make_unique<StringFieldDecoder>(
      std::move(steps), parseFromToOptions(node),
      StringFieldDecoderTexts{"Failed to replace fields in processor: ", "could not fetch value for key: ", "",
                              &typeError});
}

}  // namespace logship::tail::processors
