// fingerprint: a digest of chosen fields (`|field|value|field|value|`, fields sorted, as
// libbeat's fingerprint) written hex/base32/base64 to target_field.
#include <openssl/evp.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "binary_text.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

enum class Encoding { kHex, kBase32, kBase64 };

struct FingerprintConfig {
  std::vector<std::string> fields;  // sorted, without duplicates (libbeat's StringSet.ToSlice)
  std::string target_field;
  const EVP_MD* method = nullptr;
  Encoding encoding = Encoding::kHex;
  bool ignore_missing = false;
};

// Go's %v of a UTC time.Time ("2021-10-28 17:46:23.5 +0000 UTC") from the event's RFC 3339
// "2021-10-28T17:46:23.500Z": libbeat hashes @timestamp in that form.
std::string_view goTimeText(std::string_view rfc3339, char (&buf)[64]) {
  std::string_view t = rfc3339;
  if (!t.empty() && t.back() == 'Z') t.remove_suffix(1);
  if (const size_t dot = t.find('.'); dot != std::string_view::npos) {
    size_t end = t.size();
    while (end > dot + 1 && t[end - 1] == '0') --end;
    t = t.substr(0, end == dot + 1 ? dot : end);  // Go's .999999999: trailing zeros and dot go
  }
  if (t.size() + 10 > sizeof(buf)) return rfc3339;
  size_t n = t.copy(buf, t.size());
  if (n > 10 && buf[10] == 'T') buf[10] = ' ';
  for (char c : std::string_view(" +0000 UTC")) buf[n++] = c;
  return {buf, n};
}

struct DigestCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

class Fingerprint final : public Processor {
 public:
  explicit Fingerprint(FingerprintConfig c) : c_(std::move(c)) {}

  std::optional<std::vector<std::string>> addedFields() const override {
    return std::vector<std::string>{c_.target_field};
  }

  void run(Event& event) const override {
    // One context per thread, reused: no allocation per event.
    thread_local std::unique_ptr<EVP_MD_CTX, DigestCtxFree> ctx(EVP_MD_CTX_new());
    EVP_DigestInit_ex(ctx.get(), c_.method, nullptr);
    if (!hashFields(event, ctx.get())) return;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &len);
    char text[hexLength(EVP_MAX_MD_SIZE)];  // the longest of the three encodings
    size_t n = 0;
    switch (c_.encoding) {
      case Encoding::kHex:
        n = encodeHex(digest, len, text);
        break;
      case Encoding::kBase32:
        n = encodeBase32(digest, len, text);
        break;
      case Encoding::kBase64:
        n = encodeBase64(digest, len, text, kBase64Std, /*pad=*/true);
        break;
    }
    event.setString(c_.target_field, event.arena().copy(std::string_view(text, n)));
  }

 private:
  // Feeds `|field|value` for each field, then `|`; false (event flagged) on a missing or
  // non-scalar field, as libbeat's writeFields.
  bool hashFields(Event& event, EVP_MD_CTX* ctx) const {
    thread_local std::string scratch;
    char time_buf[64];
    const auto feed = [ctx](std::string_view s) { EVP_DigestUpdate(ctx, s.data(), s.size()); };
    for (const auto& k : c_.fields) {
      std::string_view value;
      if (const Entry* e = event.find(k)) {
        if (e->kind == Entry::Kind::kRaw && !e->value.empty() && (e->value[0] == '{' || e->value[0] == '[')) {
          return fail(event, "cannot compute fingerprint using non-scalar field [" + k + "]");
        }
        value = e->kind == Entry::Kind::kRaw && e->value == "null" ? "<nil>" : Event::text(*e, scratch);
      } else if (k == "@timestamp" && !event.timestamp_.empty()) {
        value = goTimeText(event.timestamp_, time_buf);
      } else if (c_.ignore_missing) {
        continue;
      } else {
        return fail(event, "failed to find field [" + k + "] in event: key not found");
      }
      feed("|");
      feed(k);
      feed("|");
      feed(value);
    }
    feed("|");
    return true;
  }

  static bool fail(Event& event, const std::string& why) {
    flagProcessorError(event, "failed to compute fingerprint: " + why);
    return false;
  }

  FingerprintConfig c_;
};

const EVP_MD* parseMethod(const config::Node& node) {
  // xxhash would need libxxhash, which logship does not link: refused rather than replaced.
  const std::string m = node.oneOf({"md5", "sha1", "sha256", "sha384", "sha512"}, "sha256");
  if (m == "md5") return EVP_md5();
  if (m == "sha1") return EVP_sha1();
  if (m == "sha384") return EVP_sha384();
  if (m == "sha512") return EVP_sha512();
  return EVP_sha256();
}

}  // namespace

std::unique_ptr<const Processor> parseFingerprint(const config::Node& node) {
  FingerprintConfig c;
  const auto fields = node.child("fields");
  const std::vector<std::string> listed = fields.strings();
  const std::set<std::string> sorted(listed.begin(), listed.end());
  c.fields.assign(sorted.begin(), sorted.end());
  if (c.fields.empty()) (fields.exists() ? fields : node).fail("fingerprint needs a non-empty `fields` list");
  c.target_field = node.child("target_field").str("fingerprint");
  c.method = parseMethod(node.child("method"));
  const std::string enc = node.child("encoding").oneOf({"hex", "base32", "base64"}, "hex");
  c.encoding = enc == "base32" ? Encoding::kBase32 : enc == "base64" ? Encoding::kBase64 : Encoding::kHex;
  c.ignore_missing = node.child("ignore_missing").boolean(false);
  if (node.child("use_xxhash").boolean(false)) node.child("use_xxhash").fail("xxhash is not available in logship-tail");
  return std::make_unique<Fingerprint>(std::move(c));
}

}  // namespace logship::tail::processors
