#pragma once
// `logship-tail test output`: Filebeat's connection test, per configured Kafka host, printed the
// way Filebeat's console test driver prints it (libbeat/testing/console.go):
//   kafka: 127.0.0.1:9092...
//     parse host... OK
//     dns lookup... OK
//     addresses: 127.0.0.1
//     dial up... ERROR connect: Connection refused
#include <chrono>
#include <ostream>

#include "logship/tail/tail_config.h"

namespace logship::tail {

// Returns true when every host answered a metadata request (the process then exits 0).
bool testOutput(const TailConfig& config, std::ostream& out,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

}  // namespace logship::tail
