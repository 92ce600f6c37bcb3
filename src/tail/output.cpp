#include "logship/tail/output.h"

namespace logship::tail {

OutputMetrics OutputMetrics::in(metrics::Registry& r) {
  return {&r.counter("logship_tail_events_acked_total", "Events acknowledged by the output")};
}

}  // namespace logship::tail
