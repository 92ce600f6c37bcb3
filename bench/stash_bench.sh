#!/usr/bin/env bash
# logship-stash end to end: a topic preloaded with Filebeat-shaped events (go-zero JSON lines in
# `message`), the reference go-stash filters, into (a) the null bulk sink or (b) the real
# Elasticsearch of scripts/services. Prints events/s and CPU-seconds per million events of the
# stash process, pinned to one core, and its peak resident set (VmHWM).
#   bench/stash_bench.sh null [events]     (default 1000000)
#   bench/stash_bench.sh es   [events]
# Needs scripts/services running (LOGSHIP_RUN_DIR honoured) and the build in $BUILD
# (default build-stash); STASH=path runs another logship-stash binary (a before/after comparison),
# STASH_KAFKA_EXTRA / STASH_ES_EXTRA add a line under Input.Kafka / Output.ElasticSearch
# (STASH_ES_EXTRA='MaxMemory: 128MiB'; '\n        ' separates several),
# KEEP_LOG=file keeps the stash's log.
set -euo pipefail
# shellcheck source=bench/bench_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
root="$bench_root"
mode="${1:-null}"
n="${2:-1000000}"
build="${BUILD:-$root/build-stash}"
bench_start stash-bench
cleanup() {
  if [ -n "${KEEP_LOG:-}" ]; then cp "$work/stash.log" "$KEEP_LOG" 2>/dev/null || true; fi
  if [ "$mode" = es ]; then bench_cleanup "$ES_URL"; else bench_cleanup; fi
}
trap cleanup EXIT

"$root/scripts/services" topic create "$topic" 3 >/dev/null
# 10% are info lines of an -rpc container: dropped by the reference filter.
awk -v n="$n" 'BEGIN {
  for (i = 0; i < n; i++) {
    c = (i % 10 == 0) ? "user-rpc" : "user-api";
    printf "{\"@timestamp\":\"2022-09-08T13:51:10.346Z\",\"@metadata\":{\"beat\":\"filebeat\",\"type\":\"_doc\",\"version\":\"7.17.0\"},\"k8s_container_name\":\"%s\",\"level\":\"info\",\"beat\":{\"name\":\"node-1\",\"hostname\":\"node-1\"},\"offset\":%d,\"source\":\"/var/log/app/access.log\",\"stream\":\"stdout\",\"prospector\":{\"type\":\"log\"},\"message\":\"{\\\"@timestamp\\\":\\\"2022-09-08T21:51:10.346+08:00\\\",\\\"level\\\":\\\"info\\\",\\\"duration\\\":\\\"12.3ms\\\",\\\"content\\\":\\\"GET /api/user/5f1e2d3c4b5a69788796a5b4 - 200 - 127.0.0.1 - %d\\\"}\"}\n", c, i * 211, i;
  } }' > "$work/events.ndjson"
kept=$(( n - (n + 9) / 10 ))
kcat -P -b "$KAFKA_BOOTSTRAP" -t "$topic" -z lz4 -l "$work/events.ndjson"
echo "preloaded $n events ($(du -h "$work/events.ndjson" | cut -f1)) into $topic; $kept pass the filters"

if [ "$mode" = null ]; then
  port=$(( 20000 + RANDOM % 10000 ))
  "$build/bench/bench_stash_null_sink" "$port" >"$work/sink.log" 2>&1 &
  pids+=($!)
  es="http://127.0.0.1:$port"
  for _ in $(seq 50); do curl -sf "$es/_stats/items" >/dev/null && break; sleep 0.1; done
  count() { curl -sf "$es/_stats/items" | sed 's/.*"items":\([0-9]*\).*/\1/'; }
else
  es="$ES_URL"
  count() { curl -sf -XPOST "$es/$index-*/_refresh" >/dev/null 2>&1; curl -sf "$es/$index-*/_count" | sed 's/.*"count":\([0-9]*\).*/\1/' || echo 0; }
fi

# STASH_KAFKA_EXTRA e.g. 'Librdkafka: {queued.max.messages.kbytes: "8192"}', STASH_ES_EXTRA e.g. 'MaxChunkBytes: 4194304'
bench_stash_config "$work/stash.yml" "$topic" "$index" "$es" "${STASH_KAFKA_EXTRA:-}" "${STASH_ES_EXTRA:-}"
stash="${STASH:-$build/logship-stash}"

start=$(date +%s.%N)
taskset -c 1 "$stash" -f "$work/stash.yml" >"$work/stash.log" 2>&1 &
spid=$!
pids+=($spid)
first=""
while :; do
  c=$(count || echo 0); c=${c:-0}
  now=$(date +%s.%N)
  if [ -z "$first" ] && [ "$c" -gt 0 ]; then first=$now; first_c=$c; fi
  [ "$c" -ge "$kept" ] && break
  if ! kill -0 "$spid" 2>/dev/null; then cat "$work/stash.log"; exit 1; fi
  sleep 0.2
done
end=$(date +%s.%N)
read -r ut st < <(awk '{print $14, $15}' "/proc/$spid/stat")
tck=$(getconf CLK_TCK)
hwm_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$spid/status")
kill -TERM "$spid"; wait "$spid" || true
awk -v n="$n" -v kept="$kept" -v s="$start" -v f="$first" -v fc="$first_c" -v e="$end" -v ut="$ut" -v st="$st" -v t="$tck" -v m="$mode" -v hwm="$hwm_kib" 'BEGIN {
  cpu = (ut + st) / t;
  printf "mode=%s events=%d indexed=%d wall_s=%.2f (incl. group join) steady_events_per_s=%.0f cpu_s=%.2f cpu_s_per_million=%.2f peak_rss_mib=%.1f\n",
         m, n, kept, e - s, (n * (kept - fc) / kept) / (e - f), cpu, cpu / (n / 1e6), hwm / 1024;
}'
