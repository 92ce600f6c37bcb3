#!/usr/bin/env bash
# logship-tail benchmark (not a test): go-zero-like corpus -> real broker, side by side with
# `kcat -P` producing the same lines (the librdkafka floor). Prints lines/s and CPU-seconds per
# million lines for both, and each one's peak resident set (GNU time's maximum RSS).
#   bench/tail_bench.sh [SIZE_MB]        default 1024 (about 1 GB); ROUNDS=n (default 3);
#   QUEUE_EVENTS=n sets queue.mem.events (default: the tailer's default, 4096, as Filebeat's);
#   INPUT=container wraps the same lines in Docker json-file envelopes and reads them with
#   `type: container` (kcat then produces the envelopes)
# Needs: scripts/services running (KAFKA_BOOTSTRAP in its env file), build dir with logship-tail
# (LOGSHIP_BUILD_DIR, default build-tail), kcat.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LOGSHIP_BUILD_DIR:-$root/build-tail}"
size_mb="${1:-1024}"
env_file="${LOGSHIP_SERVICES_ENV:-${LOGSHIP_RUN_DIR:-${LOGSHIP_CACHE:-$HOME/.cache/logship}/run}/services.env}"
# shellcheck disable=SC1090
source "$env_file"
bootstrap="$KAFKA_BOOTSTRAP"
work="$(mktemp -d /tmp/tail-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs"

echo "generating ${size_mb} MB corpus..." >&2
input="${INPUT:-log}"
awk -v target=$((size_mb * 1024 * 1024)) -v docker=$([[ $input == container ]] && echo 1 || echo 0) 'BEGIN {
  srand(42); split("info info info info error slow stat", lv, " ");
  pad = "abcdefghijklmnopqrstuvwxyz0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ/:-_=.,";
  while (bytes < target) {
    n++; len = 20 + int(rand() * rand() * 600);
    body = ""; while (length(body) < len) body = body substr(pad, 1 + int(rand() * 60), 12);
    line = sprintf("{\"@timestamp\":\"2022-09-08T21:51:%02d.%03d+08:00\",\"level\":\"%s\",\"content\":\"req-%d %s\"}", n % 60, n % 1000, lv[1 + n % 7], n, body);
    bytes += length(line) + 1;  # the same lines in both modes
    if (docker) {  # as the json-file log driver writes it; ~1000 lines per second
      gsub(/\\/, "\\\\", line); gsub(/"/, "\\\"", line);
      line = sprintf("{\"log\":\"%s\\n\",\"stream\":\"%s\",\"time\":\"2024-05-01T10:%02d:%02d.%09dZ\"}", line, n % 5 ? "stdout" : "stderr", int(n / 60000) % 60, int(n / 1000) % 60, (n % 1000) * 1000000);
    }
    print line;
  } }' > "$work/logs/app.log"
lines=$(wc -l < "$work/logs/app.log")
echo "corpus: $lines lines, $(du -m "$work/logs/app.log" | cut -f1) MB" >&2

topic_k="bench-kcat-$$"; topic_t="bench-tail-$$"
for t in "$topic_k" "$topic_t"; do "$root/scripts/services" topic create "$t" 3 >/dev/null; done
trap '"$root/scripts/services" topic delete "$topic_k" >/dev/null 2>&1; "$root/scripts/services" topic delete "$topic_t" >/dev/null 2>&1; rm -rf "$work"' EXIT

measure() {  # prints "wall_s cpu_s peak_rss_kib"
  local out; out="$( { /usr/bin/time -f '%e %U %S %M' "$@" >/dev/null 2>"$work/err"; } 2>&1; tail -1 "$work/err")"
  awk '{print $1, $2 + $3, $4}' <<<"$out"
}

cat > "$work/filebeat.yml" <<YML
filebeat.inputs:
  - type: $input
    paths: ["$work/logs/*.log"]
path.data: $work/data
${QUEUE_EVENTS:+queue.mem.events: $QUEUE_EVENTS}
output.kafka:
  hosts: ["$bootstrap"]
  topic: $topic_t
  compression: lz4
  required_acks: 1
YML

# CPU time on a shared VM varies run to run by +-20 %: run ROUNDS rounds, alternating the two
# producers (each tail run starts with an empty registry), and compare medians.
rounds="${ROUNDS:-3}"
: > "$work/runs"
for ((r = 1; r <= rounds; r++)); do
  read -r kw kc km < <(measure kcat -P -b "$bootstrap" -t "$topic_k" -z lz4 -X linger.ms=5 -l "$work/logs/app.log")
  rm -rf "$work/data"
  read -r tw tc tm < <(measure "$build/logship-tail" -c "$work/filebeat.yml" --once)
  echo "round $r: kcat ${kc}s cpu, logship-tail ${tc}s cpu (ratio $(awk -v a="$tc" -v b="$kc" 'BEGIN{printf "%.2f", a/b}'))" >&2
  echo "$kw $kc $tw $tc $km $tm" >> "$work/runs"
done
# Nothing may be missing: each topic must hold every line once per round.
produced() {  # sum of the topic's high watermarks
  "$root/scripts/services" topic offsets "$1" | awk '{n += $2} END {print n + 0}'
}
for t in "$topic_k" "$topic_t"; do
  got=$(produced "$t")
  if [[ "$got" != $((rounds * lines)) ]]; then
    echo "topic $t holds $got messages, expected $((rounds * lines))" >&2
    exit 1
  fi
done
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
kw=$(cut -d' ' -f1 "$work/runs" | median); kc=$(cut -d' ' -f2 "$work/runs" | median)
tw=$(cut -d' ' -f3 "$work/runs" | median); tc=$(cut -d' ' -f4 "$work/runs" | median)
km=$(cut -d' ' -f5 "$work/runs" | median); tm=$(cut -d' ' -f6 "$work/runs" | median)
echo "medians of $rounds rounds:"
awk -v l="$lines" -v kw="$kw" -v kc="$kc" -v tw="$tw" -v tc="$tc" -v km="$km" -v tm="$tm" 'BEGIN {
  printf "%-14s %10s %10s %12s %16s %14s\n", "producer", "wall_s", "cpu_s", "lines/s", "cpu_s/M_lines", "peak_rss_MiB";
  printf "%-14s %10.2f %10.2f %12.0f %16.3f %14.1f\n", "kcat -P", kw, kc, l / kw, kc / l * 1e6, km / 1024;
  printf "%-14s %10.2f %10.2f %12.0f %16.3f %14.1f\n", "logship-tail", tw, tc, l / tw, tc / l * 1e6, tm / 1024;
  printf "cpu ratio tail/kcat: %.2f   lines/s per cpu-second (tail): %.0f\n", tc / kc, l / tc }'
