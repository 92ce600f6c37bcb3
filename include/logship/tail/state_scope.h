#pragma once
// Which registry state an input's files belong to. Filebeat gives two inputs reading one file
// separate states in two cases, and so does logship: a filestream input keeps its states under
// its `id` (keys `filestream::<id>::...`), and a `container`/`docker` input with `stream: stdout`
// or `stderr` adds the stream to its state's meta (keys `<hash of meta>-native::...`), so the
// stdout and stderr inputs of one container log each keep their own offset. Every other input
// shares the file's one state (the empty scope).
#include <string>

#include "logship/tail/tail_config.h"

namespace logship::tail {

// logship's scope of `input`'s states: "" (shared), "filestream::<id>", or "stream::<stdout|stderr>".
// A filestream input without an id but with a container parser that picks a stream takes that
// stream's scope (Filebeat would have both such inputs share one state and fight over it).
std::string stateScope(const InputConfig& input);
// The scope the same input had in Filebeat's registry, to match its entries on a first start:
// "filestream::<id or .global>" for filestream, "stream::<stream>" or "" for the others.
std::string filebeatStateScope(const InputConfig& input);

}  // namespace logship::tail
