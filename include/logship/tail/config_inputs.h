#pragma once
// filebeat.config.inputs (external input files), filebeat.config.modules and
// filebeat.autodiscover: what filebeat.yml says about inputs that are not in filebeat.yml, and
// the check that at least one input can ever run.
#include <string>
#include <vector>

#include "logship/common/config.h"
#include "logship/tail/input_set.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

// Reads filebeat.config.inputs / .prospectors / .modules and filebeat.autodiscover from the root
// of filebeat.yml into `c` (called by parseTailConfig, after the inputs). Throws ConfigError:
// a bad value, or an autodiscover provider logship-tail cannot run.
void parseExternalConfig(const config::Node& root, TailConfig& c);

// The step of loadTailConfig that needs the directories: resolves the paths against path.config,
// refuses enabled module files, and loads the input files once (each must parse, or ConfigError).
// Without reload their inputs join c.inputs; with reload they are only checked here (the
// InputsReloader reads them again when the tailer starts).
void loadExternalInputs(const LoadArgs& args, const std::string& home, TailConfig& c);

// One filebeat.config.inputs file: a YAML list of inputs (an empty file: none). The enabled ones,
// with the general fields applied, each with the hash of its config as id. Warnings (unknown keys,
// keys without effect) are appended, prefixed with the file. Throws ConfigError naming
// file:line:col: key.
std::vector<InputSpec> loadInputsFile(const std::string& file, const ConfigInputsSettings& settings,
                                      const GeneralFields& general, std::vector<std::string>& warnings);

// The regular files `glob` matches, sorted (Go's filepath.Glob, as Filebeat's glob watcher).
std::vector<std::string> globFiles(const std::string& glob);

// Adds the general fields and tags to inputs (filebeat.yml's and the files'), as libbeat does: an
// input's own field of the same name wins, tags are appended.
void applyGeneralFields(const GeneralFields& general, std::vector<InputConfig>& inputs);

// Throws c.nothing_to_read when no input can ever run (start and --check; not `test output`).
void requireAnInput(const TailConfig& c);

}  // namespace logship::tail
