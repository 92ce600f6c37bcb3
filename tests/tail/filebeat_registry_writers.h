#pragma once
// Filebeat's registry as Filebeat 7.9+ writes it (memlog: meta.json, log.json operations,
// <txid>.json checkpoints), for the take-over tests.
#include <cstdint>
#include <string>

namespace logship::tail::testing::filebeat_registry {

// A log input value as Filebeat 7.9+ stores it (memlog: typeconv of file.State).
inline std::string logValue(const std::string& source, uint64_t offset, uint64_t inode, uint64_t dev) {
  const std::string os = std::to_string(inode) + "-" + std::to_string(dev);
  return "{\"id\":\"native::" + os + "\",\"prev_id\":\"\",\"source\":\"" + source +
         "\",\"offset\":" + std::to_string(offset) +
         ",\"timestamp\":[2062583329080,1648206113],\"ttl\":-1,\"type\":\"log\",\"identifier_name\":\"native\","
         "\"FileStateOS\":{\"inode\":" +
         std::to_string(inode) + ",\"device\":" + std::to_string(dev) + "}}";
}
inline std::string logKey(uint64_t inode, uint64_t dev) {
  return "filebeat::logs::native::" + std::to_string(inode) + "-" + std::to_string(dev);
}
// One memlog op: the action line and the op line.
inline std::string op(const char* name, uint64_t id, const std::string& key, const std::string& value = "") {
  std::string s = "{\"op\":\"" + std::string(name) + "\",\"id\":" + std::to_string(id) + "}\n{\"k\":\"" + key + "\"";
  if (!value.empty()) s += ",\"v\":" + value;
  return s + "}\n";
}
// A checkpoint entry: {"_key": ..., ...value}.
inline std::string entry(const std::string& key, const std::string& value) {
  return "{\"_key\":\"" + key + "\"," + value.substr(1);
}

}  // namespace logship::tail::testing::filebeat_registry
