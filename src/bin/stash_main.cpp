// logship-stash: Kafka -> go-stash filters -> date-suffixed Elasticsearch indices (see docs/stash.md).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "logship/stash/stash_app.h"

// Nothing escapes: an exception reaching here is reported as one line and exit 1, never abort().
int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    return logship::stash::stashMain(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "logship-stash: fatal: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "logship-stash: fatal: unknown exception\n");
  }
  return 1;
}
