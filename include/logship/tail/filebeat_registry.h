#pragma once
// Taking over from Filebeat: reads Filebeat's registry (the memlog store of 7.9+, the version 0
// directory of 7.0-7.8, the single JSON array of older versions) into {device, inode, offset,
// source}, and seeds logship's registry with the files the inputs see now, so that a first start
// after Filebeat continues every file where Filebeat stopped.
#include <cstdint>
#include <string>
#include <vector>

#include "logship/common/time_source.h"
#include "logship/tail/registry.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

struct FilebeatFileState {
  std::string key;  // Filebeat's registry key (memlog) or "source" (JSON array)
  std::string source;
  uint64_t dev = 0;
  uint64_t inode = 0;
  uint64_t offset = 0;
  // filestream's fingerprint identity: hex SHA-256 of the first 1024 bytes (Filebeat's default
  // prospector.scanner.fingerprint); when set, the file is matched by it instead of dev + inode.
  std::string fingerprint;
  // Which input's state this is, as filebeatStateScope (state_scope.h) names it.
  std::string scope;
};

struct FilebeatRegistryData {
  enum class Format { kNone, kMemlog, kJsonArray };
  Format format = Format::kNone;
  std::string location;  // the directory or file read
  std::string error;     // non-empty: corrupt, nothing taken over
  std::vector<FilebeatFileState> states;
  // Entries that cannot be matched (filestream with the path or inode_marker file_identity).
  std::vector<std::pair<std::string, std::string>> unmatchable;  // key, reason
};

// The memlog store in `dir` (meta.json, the newest <txid>.json checkpoint, then log.json's ops
// after it; a half-written or corrupt op ends the log there, as in Filebeat).
FilebeatRegistryData readFilebeatMemlog(const std::string& dir);
// A JSON array of {"source", "offset", "FileStateOS": {"inode", "device"}} (Filebeat < 7.9).
FilebeatRegistryData readFilebeatJsonArray(const std::string& file);
// Finds and reads Filebeat's registry as Filebeat's own migration does: the legacy file
// (`filebeat.registry_file` / `registry.migrate_file`, or `registry.path` itself when it is a
// file), else `<registry.path>/filebeat/` by its meta.json version ("0": data.json, "1": memlog).
FilebeatRegistryData readFilebeatRegistry(const TailConfig& config);

// `${path.data}/registry` of Filebeat < 7.0 is a file where logship keeps a directory: moves it
// to `registry/filebeat/data.json` with meta.json version "0", the layout Filebeat 7.0 migrates it
// to (readable by Filebeat 7+ and by readFilebeatRegistry). No-op when it is not a file.
void moveLegacyFilebeatRegistryFile(const TailConfig& config);

struct TakeOverSummary {
  size_t taken_over = 0;
  size_t gone = 0;       // no current file of any input has that device + inode (or fingerprint)
  size_t truncated = 0;  // the file is shorter than Filebeat's offset
  size_t unmatchable = 0;
};
// Seeds `registry` (which must have no state of its own) with a FileState per Filebeat entry
// matched by device + inode (or fingerprint) to a file the paths of an input of the entry's scope
// find now, at Filebeat's offset, in that input's scope (stateScope). Logs each file and a summary.
TakeOverSummary takeOverFromFilebeat(const FilebeatRegistryData& data, const std::vector<InputConfig>& inputs,
                                     Registry& registry, TimeSource& time);

}  // namespace logship::tail
