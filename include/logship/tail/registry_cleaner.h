#pragma once
// Forgets registry states nothing can need again. A running input forgets a deleted file itself
// (clean_removed, prospector.cpp); this covers the states no input holds any more: the input of a
// container that autodiscover stopped, or of a config that was reloaded away. Filebeat kept those
// for years (beats#13140: its registry grew with every container a node ran). Here a state no input
// holds is forgotten once the directory of its file's last known path is gone (`docker rm`
// deletes /var/lib/docker/containers/<id>/, the kubelet /var/log/pods/<pod>/): rotation keeps a
// file in its directory, so a state whose directory exists is kept. A running input of the same
// scope with `clean_removed: false` whose paths match the file keeps its state too (a network
// share that is unmounted for a while).
#include <functional>

#include "logship/tail/registry.h"

namespace logship::tail {

struct RegistryCleaner {
  // The state is held: an input of its scope has the file open or waits for its acks.
  std::function<bool(const FileState&)> held;
  // The state is kept whatever happened to its directory (clean_removed: false).
  std::function<bool(const FileState&)> kept;

  // Returns the number of states forgotten (each logged).
  size_t forgetOrphans(Registry& registry) const;
};

}  // namespace logship::tail
