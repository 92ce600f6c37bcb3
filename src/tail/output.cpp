#include "logship/tail/output.h"

namespace logship::tail {

OutputMetrics OutputMetrics::in(metrics::Registry& r) {
  OutputMetrics m;
  m.acked = &r.counter("logship_tail_events_acked_total", "Events acknowledged by the output");
  return m;
}

}  // namespace logship::tail
