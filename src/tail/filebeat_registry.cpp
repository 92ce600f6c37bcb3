#include "logship/tail/filebeat_registry.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <simdjson.h>

#include "logship/common/logging.h"
#include "logship/tail/file_identity.h"
#include "logship/tail/scanner.h"
#include "logship/tail/state_scope.h"

namespace logship::tail {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kFilestreamPrefix = "filestream::";

bool readAll(const std::string& file, std::string& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

bool isFile(const std::string& p) {
  std::error_code ec;
  return !p.empty() && fs::is_regular_file(p, ec);
}

// A value of the log input (and of the JSON array): offset, source, FileStateOS {inode, device}.
bool logInputState(simdjson::dom::element v, FilebeatFileState& out) {
  simdjson::dom::element os;
  if (v["offset"].get(out.offset) != simdjson::SUCCESS || v["FileStateOS"].get(os) != simdjson::SUCCESS ||
      os["inode"].get(out.inode) != simdjson::SUCCESS || os["device"].get(out.dev) != simdjson::SUCCESS)
    return false;
  std::string_view source;
  if (v["source"].get(source) == simdjson::SUCCESS) out.source = std::string(source);
  // The container and docker inputs with one stream put it in the state's meta (state_scope.h).
  std::string_view stream;
  if (v["meta"]["stream"].get(stream) == simdjson::SUCCESS && !stream.empty())
    out.scope = "stream::" + std::string(stream);
  return true;
}

// A filestream value: {"cursor": {"offset": N} or null, "meta": {"source", "identifier_name"}},
// its key `filestream::<input id>::<identifier>::<inode>-<device>` for the native identity.
// Empty reason: matched; else why it cannot be matched by device + inode.
std::string filestreamState(const std::string& key, simdjson::dom::element v, FilebeatFileState& out) {
  std::string_view source, identifier;
  if (v["meta"]["source"].get(source) == simdjson::SUCCESS) out.source = std::string(source);
  const size_t last = key.rfind("::");
  const size_t prev = last == std::string::npos || last == 0 ? std::string::npos : key.rfind("::", last - 1);
  if (prev == std::string::npos) return "malformed filestream key";
  identifier = std::string_view(key).substr(prev + 2, last - prev - 2);
  if (prev < kFilestreamPrefix.size() + 1) return "malformed filestream key";
  out.scope = key.substr(0, prev);  // filestream::<input id>
  const std::string os = key.substr(last + 2);
  if (identifier == "fingerprint") {
    if (os.size() != 64 || os.find_first_not_of("0123456789abcdef") != std::string::npos)
      return "fingerprint is not a SHA-256 (growing_fingerprint is not matched)";
    out.fingerprint = os;
  } else if (identifier == "native") {
    unsigned long long inode = 0, dev = 0;
    char end = 0;
    if (std::sscanf(os.c_str(), "%llu-%llu%c", &inode, &dev, &end) != 2) return "malformed filestream key";
    out.inode = inode;
    out.dev = dev;
  } else {
    return "file_identity " + std::string(identifier) + " is not matched (only native and fingerprint)";
  }
  simdjson::dom::element cursor;
  out.offset = 0;  // cursor null: nothing read yet
  if (v["cursor"].get(cursor) == simdjson::SUCCESS && cursor.is_object() &&
      cursor["offset"].get(out.offset) != simdjson::SUCCESS)
    return "filestream cursor without offset";
  return "";
}

void addValue(const std::string& key, simdjson::dom::element v, std::map<std::string, FilebeatFileState>& states,
              std::map<std::string, std::string>& unmatchable) {
  FilebeatFileState s;
  s.key = key;
  std::string reason;
  if (!v.is_object()) {
    reason = "value is not an object";
  } else if (std::string_view(key).substr(0, kFilestreamPrefix.size()) == kFilestreamPrefix) {
    reason = filestreamState(key, v, s);
  } else if (!logInputState(v, s)) {
    reason = "no offset and FileStateOS";
  }
  states.erase(key);
  unmatchable.erase(key);
  if (reason.empty()) {
    states.emplace(key, std::move(s));
  } else {
    unmatchable.emplace(key, std::move(reason));
  }
}

void removeKey(const std::string& key, std::map<std::string, FilebeatFileState>& states,
               std::map<std::string, std::string>& unmatchable) {
  states.erase(key);
  unmatchable.erase(key);
}

FilebeatRegistryData finish(FilebeatRegistryData d, std::map<std::string, FilebeatFileState>& states,
                            std::map<std::string, std::string>& unmatchable) {
  for (auto& [key, s] : states) d.states.push_back(std::move(s));
  for (auto& [key, why] : unmatchable) d.unmatchable.emplace_back(key, std::move(why));
  return d;
}

// Filebeat's filestream fingerprint with its defaults (offset 0, length 1024): hex SHA-256 of the
// first 1024 bytes; empty for a shorter file (Filebeat does not track those either).
std::string fingerprintOf(const std::string& path) {
  constexpr size_t kLength = 1024;
  char buf[kLength];
  std::ifstream in(path, std::ios::binary);
  if (!in.read(buf, kLength)) return "";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(buf, kLength, md, &n, EVP_sha256(), nullptr) != 1) return "";
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < n; ++i) {
    std::snprintf(two, sizeof(two), "%02x", md[i]);
    hex += two;
  }
  return hex;
}

}  // namespace

FilebeatRegistryData readFilebeatMemlog(const std::string& dir) {
  FilebeatRegistryData d;
  d.format = FilebeatRegistryData::Format::kMemlog;
  d.location = dir;
  std::map<std::string, FilebeatFileState> states;
  std::map<std::string, std::string> unmatchable;
  simdjson::dom::parser parser;

  // The active checkpoint: the data file with the highest transaction id.
  uint64_t txid = 0;
  std::string checkpoint;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() <= 5 || name.compare(name.size() - 5, 5, ".json") != 0 || !e.is_regular_file(ec)) continue;
    const std::string stem = name.substr(0, name.size() - 5);
    if (stem.find_first_not_of("0123456789") != std::string::npos) continue;
    const uint64_t id = std::strtoull(stem.c_str(), nullptr, 10);
    if (checkpoint.empty() || id > txid) {
      txid = id;
      checkpoint = e.path().string();
    }
  }
  if (!checkpoint.empty()) {
    std::string text;
    simdjson::dom::array entries;
    if (!readAll(checkpoint, text) || parser.parse(text).get(entries) != simdjson::SUCCESS) {
      d.error = "checkpoint " + checkpoint + " is not a JSON array";
      return d;
    }
    for (simdjson::dom::element e : entries) {
      std::string_view key;
      if (!e.is_object() || e["_key"].get(key) != simdjson::SUCCESS) continue;  // as Filebeat: skipped
      addValue(std::string(key), e, states, unmatchable);
    }
  }

  // The log: pairs of {"op", "id"} and {"k", "v"}; ops up to the checkpoint's id are older than it.
  // Filebeat stops at the first op it cannot decode (a half-written last line after a crash, or an
  // id out of sequence) and keeps the state before it; so does this.
  std::ifstream in(dir + "/log.json", std::ios::binary);
  std::string action, body;
  size_t line = 0;
  while (std::getline(in, action)) {
    ++line;
    if (action.find_first_not_of(" \t\r") == std::string::npos) continue;
    simdjson::dom::element a, op;
    std::string_view name, key;
    uint64_t id = 0;
    const bool have_body = static_cast<bool>(std::getline(in, body));
    if (parser.parse(action).get(a) != simdjson::SUCCESS || a["op"].get(name) != simdjson::SUCCESS ||
        a["id"].get(id) != simdjson::SUCCESS || !have_body) {
      log::debug(*log::get("registry"), "Filebeat log.json ends in an incomplete operation, ignored",
                 {{"file", dir + "/log.json"}, {"line", static_cast<uint64_t>(line)}});
      break;
    }
    ++line;
    if (id <= txid) continue;  // before the checkpoint (the log was not truncated yet)
    const std::string op_name(name);
    if (parser.parse(body).get(op) != simdjson::SUCCESS || op["k"].get(key) != simdjson::SUCCESS ||
        (op_name != "set" && op_name != "remove") || id != txid + 1) {
      log::debug(*log::get("registry"), "Filebeat log.json ends in an incomplete operation, ignored",
                 {{"file", dir + "/log.json"}, {"line", static_cast<uint64_t>(line)}});
      break;
    }
    txid = id;
    if (op_name == "set") {
      simdjson::dom::element v;
      if (op["v"].get(v) != simdjson::SUCCESS) break;
      addValue(std::string(key), v, states, unmatchable);
    } else {
      removeKey(std::string(key), states, unmatchable);
    }
  }
  return finish(std::move(d), states, unmatchable);
}

FilebeatRegistryData readFilebeatJsonArray(const std::string& file) {
  FilebeatRegistryData d;
  d.format = FilebeatRegistryData::Format::kJsonArray;
  d.location = file;
  std::string text;
  simdjson::dom::parser parser;
  simdjson::dom::array entries;
  if (!readAll(file, text) || parser.parse(text).get(entries) != simdjson::SUCCESS) {
    d.error = "not a JSON array";
    return d;
  }
  std::map<std::string, FilebeatFileState> states;
  std::map<std::string, std::string> unmatchable;
  size_t index = 0;
  for (simdjson::dom::element e : entries) {
    FilebeatFileState s;
    std::string_view source;
    if (e.is_object() && e["source"].get(source) == simdjson::SUCCESS) s.source = std::string(source);
    // Keyed by position: the array may hold one file twice (takeOverFromFilebeat keeps the lower offset).
    const std::string key = std::to_string(index++) + ":" + s.source;
    addValue(key, e, states, unmatchable);
  }
  return finish(std::move(d), states, unmatchable);
}

namespace {

// Filebeat's paths.Resolve(paths.Data, p).
std::string resolveData(const TailConfig& config, const std::string& p) {
  if (p.empty() || p.front() == '/') return p;
  return config.path_data + "/" + p;
}

}  // namespace

FilebeatRegistryData readFilebeatRegistry(const TailConfig& config) {
  const std::string path = resolveData(config, config.filebeat_registry_path);
  std::string legacy = resolveData(config, config.filebeat_registry_file);
  if (legacy.empty() && isFile(path)) legacy = path;
  if (isFile(legacy)) return readFilebeatJsonArray(legacy);
  const std::string home = path + "/filebeat";
  std::string text;
  if (!isFile(home + "/meta.json") || !readAll(home + "/meta.json", text)) return {};
  simdjson::dom::parser parser;
  std::string_view version;
  simdjson::dom::element meta;
  if (parser.parse(text).get(meta) != simdjson::SUCCESS || meta["version"].get(version) != simdjson::SUCCESS) {
    FilebeatRegistryData d;
    d.format = FilebeatRegistryData::Format::kMemlog;
    d.location = home;
    d.error = "meta.json has no version";
    return d;
  }
  if (version == "0") return readFilebeatJsonArray(home + "/data.json");
  if (version == "1") return readFilebeatMemlog(home);
  FilebeatRegistryData d;
  d.format = FilebeatRegistryData::Format::kMemlog;
  d.location = home;
  d.error = "unsupported registry version " + std::string(version);
  return d;
}

void moveLegacyFilebeatRegistryFile(const TailConfig& config) {
  const std::string file = config.path_data + "/registry";
  if (!isFile(file)) return;
  const std::string bak = file + ".bak", home = file + "/filebeat";
  std::error_code ec;
  fs::rename(file, bak, ec);
  if (!ec) fs::create_directories(home, ec);
  if (!ec) std::ofstream(home + "/meta.json") << "{\"version\": \"0\"}";
  if (!ec) fs::rename(bak, home + "/data.json", ec);
  if (ec) {
    log::warn(*log::get("registry"), "cannot move Filebeat's registry file into the registry directory",
              {{"from", file}, {"error", ec.message()}});
  } else {
    log::info(*log::get("registry"), "moved Filebeat's registry file into the registry directory (as Filebeat 7 does)",
              {{"from", file}, {"to", home + "/data.json"}});
  }
}

namespace {

// A file the inputs see now, under the scope of one input that finds it.
struct SeenFile {
  FoundFile file;
  std::string scope;     // logship's (stateScope)
  std::string fb_scope;  // Filebeat's (filebeatStateScope)
};

enum class Seedable { kYes, kGone, kTruncated };

// Identifies `f` for an entry at `offset`: kTruncated when the file is shorter (or has no first
// line yet while Filebeat had read some), kGone when it cannot be read.
Seedable identifyForTakeOver(const FoundFile& f, uint64_t offset, FileIdentity& identity) {
  Identify identified = Identify::kIoError;
  if (offset <= f.size) {
    const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      identified = identify(fd, identity);
      ::close(fd);
    }
  }
  // A file shorter than Filebeat's offset was truncated since; one without a complete first
  // line cannot have had lines shipped (offset 0 leaves nothing to take over).
  if (offset > f.size || (identified == Identify::kTooShort && offset > 0)) return Seedable::kTruncated;
  return identified == Identify::kOk ? Seedable::kYes : Seedable::kGone;
}

// "dev-inode" -> the file under each input (scope) that finds it now.
std::map<std::string, std::vector<SeenFile>> filesSeenNow(const std::vector<InputConfig>& inputs) {
  std::map<std::string, std::vector<SeenFile>> current;
  for (const auto& in : inputs) {
    const std::string fb_scope = filebeatStateScope(in), scope = stateScope(in);
    for (auto& f : Scanner(in.paths, in.exclude_files).scan()) {
      auto& seen = current[FileIdentity{f.dev, f.inode, 0, 0}.key()];
      const bool known = std::any_of(seen.begin(), seen.end(),
                                     [&](const SeenFile& s) { return s.scope == scope && s.fb_scope == fb_scope; });
      if (!known) seen.push_back(SeenFile{std::move(f), scope, fb_scope});
    }
  }
  return current;
}

// fingerprint -> "dev-inode" of the files seen now; computed only when an entry has a fingerprint.
std::map<std::string, std::string> fingerprintsOf(const FilebeatRegistryData& data,
                                                  const std::map<std::string, std::vector<SeenFile>>& current) {
  std::map<std::string, std::string> by_fingerprint;
  if (std::none_of(data.states.begin(), data.states.end(), [](const auto& s) { return !s.fingerprint.empty(); }))
    return by_fingerprint;
  for (const auto& [inode, seen] : current) {
    const std::string fp = fingerprintOf(seen.front().file.path);
    if (!fp.empty()) by_fingerprint.emplace(fp, inode);
  }
  return by_fingerprint;
}

}  // namespace

TakeOverSummary takeOverFromFilebeat(const FilebeatRegistryData& data, const std::vector<InputConfig>& inputs,
                                     Registry& registry, TimeSource& time) {
  auto logger = log::get("registry");
  TakeOverSummary sum;
  const auto current = filesSeenNow(inputs);
  const auto by_fingerprint = fingerprintsOf(data, current);
  for (const auto& [key, why] : data.unmatchable) {
    ++sum.unmatchable;
    log::info(*logger, "Filebeat registry entry skipped", {{"key", key}, {"reason", why}});
  }
  // An entry seeds the inputs of its own scope (a stdout state the stdout input). One that no
  // input of its scope finds (the config changed since, e.g. a filestream id added) seeds every
  // input finding the file that no entry of its own scope seeded, at the lowest such offset.
  std::set<std::string> seeded_exactly;
  std::vector<std::pair<const FilebeatFileState*, const std::vector<SeenFile>*>> inexact;
  const int64_t now_ms = time.unixMillis();
  auto seed = [&](const FilebeatFileState& s, const std::vector<SeenFile>& seen, bool exact) {
    const FoundFile& f = seen.front().file;
    FileIdentity identity;
    const Seedable seedable = identifyForTakeOver(f, s.offset, identity);
    if (seedable != Seedable::kYes) {
      ++(seedable == Seedable::kTruncated ? sum.truncated : sum.gone);
      if (seedable == Seedable::kTruncated)
        log::info(*logger, "Filebeat registry entry skipped: file is shorter than Filebeat's offset (truncated)",
                  {{"file", f.path}, {"offset", s.offset}, {"size", f.size}});
      return;
    }
    bool taken = false;
    for (const auto& one : seen) {
      if (exact != (one.fb_scope == s.scope)) continue;
      const std::string key = Registry::keyOf(one.scope, identity);
      if (!exact && seeded_exactly.count(key)) continue;
      const FileState* was = registry.find(one.scope, identity);
      if (was && !was->legacy && was->offset <= s.offset) continue;  // twice: the lower offset skips nothing
      if (exact) seeded_exactly.insert(key);
      taken = taken || !was;
      registry.update(FileState{identity, f.path, s.offset, now_ms, one.scope});
      log::info(*logger, "file taken over from Filebeat",
                {{"file", f.path}, {"offset", s.offset}, {"scope", one.scope}});
    }
    if (taken) ++sum.taken_over;
  };
  for (const auto& s : data.states) {
    std::string inode = FileIdentity{s.dev, s.inode, 0, 0}.key();
    if (!s.fingerprint.empty()) {
      auto fp = by_fingerprint.find(s.fingerprint);
      inode = fp == by_fingerprint.end() ? "" : fp->second;
    }
    auto it = inode.empty() ? current.end() : current.find(inode);
    if (it == current.end()) {
      ++sum.gone;
      log::debug(*logger, "Filebeat registry entry skipped: no such file now",
                 {{"source", s.source}, {"inode", s.inode}, {"device", s.dev}, {"offset", s.offset}});
      continue;
    }
    const bool exact =
        std::any_of(it->second.begin(), it->second.end(), [&](const SeenFile& one) { return one.fb_scope == s.scope; });
    if (exact) {
      seed(s, it->second, true);
    } else {
      inexact.emplace_back(&s, &it->second);
    }
  }
  for (const auto& [s, seen] : inexact) seed(*s, *seen, false);
  log::info(*logger, "Filebeat registry taken over",
            {{"registry", data.location},
             {"taken_over", static_cast<uint64_t>(sum.taken_over)},
             {"skipped_gone", static_cast<uint64_t>(sum.gone)},
             {"skipped_truncated", static_cast<uint64_t>(sum.truncated)},
             {"skipped_unmatchable", static_cast<uint64_t>(sum.unmatchable)}});
  return sum;
}

}  // namespace logship::tail
