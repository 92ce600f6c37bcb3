#!/usr/bin/env bash
# End-to-end latency: how soon a written line can be searched. A generator appends go-zero JSON
# lines at a steady rate, each carrying its write time; logship-tail (the reference filebeat.yml's
# shape: a log input, Kafka with required_acks 1) ships them, logship-stash (the reference go-stash
# filters) indexes them into the real Elasticsearch (1 s refresh, its default); a reader polls
# Elasticsearch every 100 ms and notes when each line first appears. Prints p50 / p99 / max of
# write-to-searchable and its parts (bench/latency_probe.py summary), and both daemons' CPU.
#   bench/latency_bench.sh [RATE lines/s] [SECONDS]     (default 20000 30)
# Needs scripts/services running (LOGSHIP_RUN_DIR honoured) and the build in $BUILD (default build).
# TAIL_EXTRA / STASH_EXTRA: a line added under output.kafka / Output.ElasticSearch (a before/after
# comparison of one setting, e.g. STASH_EXTRA='FlushInterval: 1s').
set -euo pipefail
# shellcheck source=bench/bench_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
root="$bench_root"
rate="${1:-20000}"
seconds="${2:-30}"
build="${BUILD:-$root/build}"
bench_start latency-bench
trap 'bench_cleanup "$ES_URL"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tail_port=$(free_port)
stash_port=$(free_port)

"$root/scripts/services" topic create "$topic" 3 >/dev/null
mkdir -p "$work/logs"
: > "$work/logs/app.log"
cat > "$work/filebeat.yml" <<YML
filebeat.inputs:
  - type: log
    enabled: true
    paths: ["$work/logs/*.log"]
path.data: $work/data
http.enabled: true
http.port: $tail_port
output.kafka:
  enabled: true
  hosts: ["$KAFKA_BOOTSTRAP"]
  topic: "$topic"
  partition.hash:
    reachable_only: true
  compression: gzip
  required_acks: 1
  ${TAIL_EXTRA:-}
YML
bench_stash_config "$work/stash.yml" "$topic" "$index" "$ES_URL" "Prometheus: {Host: 127.0.0.1, Port: $stash_port}" \
  "${STASH_EXTRA:-}"

"$build/logship-tail" -c "$work/filebeat.yml" >"$work/tail.log" 2>&1 &
tail_pid=$!; pids+=("$tail_pid")
"$build/logship-stash" -f "$work/stash.yml" >"$work/stash.log" 2>&1 &
stash_pid=$!; pids+=("$stash_pid")
for url in "http://127.0.0.1:$tail_port/healthz" "http://127.0.0.1:$stash_port/healthz"; do
  for _ in $(seq 100); do curl -sf "$url" >/dev/null && break; sleep 0.1; done
done
# Let the stash join its group before the first line is written (the join is not latency).
for _ in $(seq 300); do grep -q 'partitions assigned' "$work/stash.log" && break; sleep 0.1; done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
tail_cpu0=$(cpu "$tail_pid"); stash_cpu0=$(cpu "$stash_pid")
python3 "$root/bench/latency_probe.py" read "$ES_URL" "$index-*" "$work/written" "$work/seen" \
  $((${seconds%.*} + 120)) >"$work/read.out" &
reader=$!; pids+=("$reader")
written=$(python3 "$root/bench/latency_probe.py" write "$work/logs/app.log" "$rate" "$seconds")
echo "$written" > "$work/written.tmp" && mv "$work/written.tmp" "$work/written"
wait "$reader" || true
hz=$(getconf CLK_TCK)
tail_cpu=$(awk -v a="$(cpu "$tail_pid")" -v b="$tail_cpu0" -v hz="$hz" 'BEGIN{print (a - b) / hz}')
stash_cpu=$(awk -v a="$(cpu "$stash_pid")" -v b="$stash_cpu0" -v hz="$hz" 'BEGIN{print (a - b) / hz}')

echo "rate $rate lines/s for ${seconds}s: $written lines written, $(wc -l < "$work/seen") searchable"
python3 "$root/bench/latency_probe.py" summary "$work/seen" \
  "http://127.0.0.1:$tail_port/metrics" "http://127.0.0.1:$stash_port/metrics"
awk -v t="$tail_cpu" -v s="$stash_cpu" -v n="$written" 'BEGIN {
  printf "cpu: logship-tail %.2fs (%.2f s/M lines), logship-stash %.2fs (%.2f s/M lines)\n", t, t / n * 1e6, s, s / n * 1e6 }'
if [ "$(wc -l < "$work/seen")" != "$written" ]; then
  echo "not every line became searchable" >&2
  exit 1
fi
