# Sourced by the stash and latency benches: the services' env file, a work dir, and the reference
# go-stash config pointed at this run's broker, topic, group and index.
# shellcheck shell=bash
bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_envfile="$("$bench_root/scripts/services" env | tail -1)"
# shellcheck disable=SC1090
source "$bench_envfile"

# bench_stash_config OUT TOPIC INDEX ES_URL [KAFKA_LINE] [ES_LINE]: the reference go-stash.yml with
# this run's hosts, topic (also the group), index prefix, reading from the first offset; KAFKA_LINE
# and ES_LINE are added under Input.Kafka and Output.ElasticSearch.
bench_stash_config() {
  local out="$1" topic="$2" index="$3" es="$4" kafka_line="${5:-}" es_line="${6:-}"
  sed -e "s#\"kafka:9092\"#\"$KAFKA_BOOTSTRAP\"#" -e "s#\"http://elasticsearch:9200\"#\"$es\"#" \
      -e "s#courseware-log#$topic#" -e "s#Group: pro#Group: $topic#" -e "s#courseware-{{#$index-{{#" \
      -e "s#Consumers: 16#Consumers: 16\n        Offset: first#" \
      "$bench_root/../shared/reference-configs/go-stash.yml" > "$out"
  if [ -n "$kafka_line" ]; then sed -i "s#^        Offset: first#&\n        $kafka_line#" "$out"; fi
  if [ -n "$es_line" ]; then sed -i "s#^        Index: .*#&\n        $es_line#" "$out"; fi
}

# bench_start NAME: a work dir, a topic and an index prefix of this run (named after NAME), `pids`
# for the processes the bench starts; bench_cleanup kills and reaps them (also when the bench is cut
# short), deletes the topic, the run's indices at $1 (optional) and the work dir.
bench_start() {
  work="$(mktemp -d "/tmp/$1-XXXXXX")"
  topic="$1-$$-$(date +%s)"
  index="$1-$$"
  pids=()
}
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  "$bench_root/scripts/services" topic delete "$topic" >/dev/null 2>&1 || true
  if [ -n "${1:-}" ]; then curl -s -XDELETE "$1/$index-*" >/dev/null || true; fi
  rm -rf "$work"
}
