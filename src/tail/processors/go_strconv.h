#pragma once
// Go's strconv and encoding/json number rules, for the processors that convert strings as libbeat
// does (convert, dissect's `|type` suffixes): ParseInt (base 10 or a 0x prefix), ParseFloat,
// ParseBool's spellings, net.ParseIP, and floats written as encoding/json writes them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logship::tail::processors {

// Go's strconv error wording ("strconv.ParseInt: parsing \"x\": invalid syntax"), for the messages
// users grep for.
std::string goSyntaxError(std::string_view fn, std::string_view s, bool range = false);

// strconv.ParseInt of `s` in `bits` (32 or 64) bits, base 10 or hex after 0x/0X; on failure false
// with Go's error text in `error` (when not null).
bool goParseInt(std::string_view s, int bits, int64_t& out, std::string* error);

// strconv.ParseFloat's decimal forms; false when `s` is not entirely a number, or not a finite one.
bool goParseDouble(std::string_view s, double& out);

// strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False.
std::optional<bool> goParseBool(std::string_view s);

// net.ParseIP: an IPv4 or IPv6 address.
bool isIpAddress(std::string_view s);

// A float as Go's encoding/json writes it: fixed notation for 1e-6 <= |v| < 1e21, else exponent;
// the shortest text that reads back as the same float (or double).
std::string goFloat(float v);
std::string goFloat(double v);

}  // namespace logship::tail::processors
