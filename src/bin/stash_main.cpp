// logship-stash: Kafka -> go-stash filters -> date-suffixed Elasticsearch indices (see docs/stash.md).
#include <string>
#include <vector>

#include "logship/stash/stash_app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return logship::stash::stashMain(args);
}
