# shellcheck shell=bash
# scripts/docker.d/sidecar.sh — sourced by scripts/docker-test (not run on its own).
# The image checks and the sidecar test against the loopback Kafka and Elasticsearch of
# scripts/services (the ctest fixture's): a writer container (busybox) and a logship-tail container
# share a named volume; logship-stash indexes the topic; every line must be in Elasticsearch once.

SIDECAR_LINES="${LOGSHIP_DOCKER_LINES:-2000}"

# --version of both daemons in the image (no network), the user, the size.
check_image() {
    local out uid size bin
    for bin in logship-tail logship-stash; do
        if out="$(docker run --rm --network none --label "$LABEL" "$IMAGE" "$bin" --version 2>&1)" \
            && [[ "$out" == *"$bin"* ]]; then
            pass "$bin --version in $IMAGE: $out"
        else
            fail "$bin --version in $IMAGE: $out"
        fi
    done
    uid="$(docker run --rm --network none --label "$LABEL" "$IMAGE" id -u 2>&1 || true)"
    if [ "$uid" = 10001 ]; then pass "the image runs as uid 10001 (logship)"; else fail "the image runs as uid '$uid', not 10001"; fi
    size="$(docker image inspect -f '{{.Size}}' "$IMAGE")"
    IMAGE_SIZE_MB=$((size / 1000000))
    say "image $IMAGE: ${IMAGE_SIZE_MB} MB ($(docker image inspect -f '{{len .RootFS.Layers}}' "$IMAGE") layers)"
}

health_of() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1" 2>/dev/null; }
is_healthy() { [ "$(health_of "$1")" = healthy ]; }
metric() { python3 "$DD/dtest.py" metric "$1" "$2" 2>/dev/null; }
metric_at_least() { local v; v="$(metric "$1" "$2")" && [ -n "$v" ] && [ "${v%.*}" -ge "$3" ]; }
metric_is() { [ "$(metric "$1" "$2")" = "$3" ]; }
es_count() { python3 "$DD/dtest.py" es-count "$1" "$2"; }
es_count_at_least() { local v; v="$(es_count "$1" "$2")" && [ "$v" -ge "$3" ]; }

print_container_logs() { # NAME...
    local c
    for c in "$@"; do
        printf '[docker-test] ---- docker logs %s (last 30 lines) ----\n' "$c" >&2
        docker logs --tail 30 "$c" >&2 2>&1 || true
        printf '[docker-test] health log: %s\n' \
            "$(docker inspect -f '{{if .State.Health}}{{range .State.Health.Log}}{{.ExitCode}}:{{.Output}} {{end}}{{end}}' "$c" 2>/dev/null | tr '\n' ' ' | cut -c1-400)" >&2
    done
}

sidecar_test() {
    local env_file work topic index_prefix pattern vol tail_port stash_port tail_c stash_c writer_c out
    env_file="$("$ROOT/scripts/services" env)"
    # shellcheck disable=SC1090
    . "$env_file"
    : "${KAFKA_BOOTSTRAP:?no KAFKA_BOOTSTRAP in $env_file}" "${ES_URL:?no ES_URL in $env_file}"
    work="$DOCKER_RUN/$RUN_ID-sidecar"
    mkdir -p "$work"
    topic="logship-docker-$RUN_ID"
    index_prefix="logship-docker-$RUN_ID"
    pattern="$index_prefix-*"
    vol="$RUN_ID-logs"
    read -r tail_port stash_port <<<"$(python3 "$DD/dtest.py" free-ports 2)"
    tail_c="$RUN_ID-tail" stash_c="$RUN_ID-stash" writer_c="$RUN_ID-writer"
    SIDECAR_TOPIC="$topic" SIDECAR_PATTERN="$pattern" SIDECAR_ES="$ES_URL"

    say "Kafka $KAFKA_BOOTSTRAP, Elasticsearch $ES_URL (from $env_file); topic $topic, index $index_prefix-yyyy.MM.dd"
    "$ROOT/scripts/services" topic create "$topic" 3 </dev/null >/dev/null

    # The sidecar's config: the shared volume's files, Kafka given with -E as in docker-compose.yml.
    cat >"$work/filebeat.yml" <<EOF
filebeat.inputs:
  - type: log
    paths: ["/var/log/app/*.log"]
    scan_frequency: 1s
filebeat.registry.flush: 1s
path.data: /var/lib/logship/tail
output.kafka:
  hosts: ["kafka:9092"]
  topic: "$topic"
  required_acks: 1
  compression: gzip
http.enabled: true
http.host: 127.0.0.1
http.port: $tail_port
EOF
    cat >"$work/stash.yml" <<EOF
Clusters:
  - Input:
      Kafka:
        Name: docker-test
        Brokers: ["$KAFKA_BOOTSTRAP"]
        Topics: ["$topic"]
        Group: $RUN_ID
        Offset: first
        Prometheus: {Host: 127.0.0.1, Port: $stash_port, Path: /metrics}
    Filters:
      - Action: remove_field
        Fields: ["@metadata", beat, offset, source, prospector]
    DeadLetter:
      File: /var/lib/logship/dead-letter.ndjson
    Output:
      ElasticSearch:
        Hosts: ["$ES_URL"]
        Index: "$index_prefix-{{yyyy.MM.dd}}"
        TimeZone: UTC
GracePeriod: 10s
EOF
    chmod 0644 "$work/filebeat.yml" "$work/stash.yml"
    docker volume create --label "$LABEL" "$vol" >/dev/null

    # --network host: the services listen on 127.0.0.1 only (and with --bridge=none there is no
    # other way out); each daemon's admin port is its HEALTHCHECK's LOGSHIP_HEALTH_PORT.
    docker run -d --name "$stash_c" --label "$LABEL" --network host \
        -e LOGSHIP_HEALTH_PORT="$stash_port" \
        -v "$work/stash.yml:/etc/logship/stash.yml:ro" \
        "$IMAGE" logship-stash -f /etc/logship/stash.yml >/dev/null
    docker run -d --name "$tail_c" --label "$LABEL" --network host \
        -e LOGSHIP_HEALTH_PORT="$tail_port" \
        -v "$vol:/var/log/app:ro" \
        -v "$work/filebeat.yml:/etc/logship/filebeat.yml:ro" \
        "$IMAGE" logship-tail -c /etc/logship/filebeat.yml -E "output.kafka.hosts=[\"$KAFKA_BOOTSTRAP\"]" >/dev/null
    local ok=1
    wait_for "$TIMEOUT" "logship-tail's /metrics on 127.0.0.1:$tail_port" metric "http://127.0.0.1:$tail_port/metrics" logship_tail_lines_read_total || ok=0
    wait_for "$TIMEOUT" "logship-stash's /metrics on 127.0.0.1:$stash_port" metric "http://127.0.0.1:$stash_port/metrics" logship_stash_consumed_total || ok=0

    # The service: writes N lines with unique ids into the shared volume while the sidecar runs.
    local writer_rc
    docker run -d --name "$writer_c" --label "$LABEL" --network none -v "$vol:/var/log/app" \
        "$BUSYBOX_IMAGE" awk -v n="$SIDECAR_LINES" -v run="$RUN_ID" 'BEGIN {
            for (i = 0; i < n; i++)
                printf "{\"level\":\"info\",\"content\":\"id=sc-%06d run=%s docker sidecar line\"}\n", i, run >> "/var/log/app/app.log"
        }' >/dev/null
    writer_rc="$(docker wait "$writer_c")"
    if [ "$writer_rc" = 0 ]; then pass "writer container wrote $SIDECAR_LINES lines into volume $vol"; else fail "writer exited $writer_rc"; ok=0; fi

    local tail_m="http://127.0.0.1:$tail_port/metrics" stash_m="http://127.0.0.1:$stash_port/metrics"
    wait_for "$TIMEOUT" "logship-tail: $SIDECAR_LINES events acked by Kafka" \
        metric_at_least "$tail_m" logship_tail_events_acked_total "$SIDECAR_LINES" || ok=0
    wait_for "$TIMEOUT" "$SIDECAR_LINES documents in $pattern" es_count_at_least "$ES_URL" "$pattern" "$SIDECAR_LINES" || ok=0
    wait_for "$TIMEOUT" "logship-stash: $SIDECAR_LINES indexed, nothing pending" \
        eval "metric_at_least $stash_m logship_stash_indexed_total $SIDECAR_LINES && metric_is $stash_m logship_stash_pending_messages 0" || ok=0

    local v
    v="$(metric "$tail_m" logship_tail_events_acked_total || echo '?')"
    if [ "$v" = "$SIDECAR_LINES" ]; then pass "logship-tail: events acked = $v"; else fail "logship-tail: events acked = $v, want $SIDECAR_LINES"; fi
    v="$(metric "$stash_m" logship_stash_indexed_total || echo '?')"
    if [ "$v" = "$SIDECAR_LINES" ]; then pass "logship-stash: indexed = $v"; else fail "logship-stash: indexed = $v, want $SIDECAR_LINES"; fi
    v="$(metric "$stash_m" logship_stash_dead_lettered_total || echo '?')"
    if [ "$v" = 0 ]; then pass "logship-stash: nothing dead-lettered"; else fail "logship-stash: dead-lettered = $v"; fi
    v="$(es_count "$ES_URL" "$pattern" || echo '?')"
    if [ "$v" = "$SIDECAR_LINES" ]; then pass "Elasticsearch: $v documents in $pattern"; else fail "Elasticsearch: $v documents in $pattern, want $SIDECAR_LINES"; fi
    if out="$(python3 "$DD/dtest.py" es-ids "$ES_URL" "$pattern" message 'id=(sc-[0-9]+) ' sc "$SIDECAR_LINES")"; then
        pass "ids in Elasticsearch = ids written, each once ($out)"
    else
        fail "ids in Elasticsearch differ from those written: $out"
    fi

    # HEALTHCHECK of the image (LOGSHIP_HEALTH_PORT = the admin port) turns healthy on its own
    # schedule (interval 15s); and the same command fails against a port nothing listens on.
    local c
    for c in "$tail_c" "$stash_c"; do
        if wait_for "$TIMEOUT" "$c to be healthy" is_healthy "$c"; then
            pass "$c: HEALTHCHECK status healthy"
        else
            fail "$c: HEALTHCHECK status $(health_of "$c")"
            ok=0
        fi
    done
    if docker exec -e LOGSHIP_HEALTH_PORT=1 "$tail_c" logship-healthcheck /healthz >/dev/null 2>&1; then
        fail "logship-healthcheck succeeds against a closed port"
    else
        pass "logship-healthcheck fails against a closed port"
    fi
    v="$(docker exec "$tail_c" id -u 2>&1 || true)"
    if [ "$v" = 10001 ]; then pass "logship-tail container runs as uid 10001"; else fail "logship-tail container runs as uid $v"; fi

    [ "$ok" = 1 ] || print_container_logs "$tail_c" "$stash_c"
    sidecar_cleanup
}

# Containers, the volume, the topic and the index of the sidecar test (also from the EXIT trap).
sidecar_cleanup() {
    [ -n "${SIDECAR_TOPIC:-}" ] || return 0
    remove_our_containers
    "$ROOT/scripts/services" topic delete "$SIDECAR_TOPIC" </dev/null >/dev/null 2>&1 || warn "could not delete topic $SIDECAR_TOPIC"
    curl -fsS -m 30 -X DELETE "$SIDECAR_ES/$SIDECAR_PATTERN" >/dev/null 2>&1 || warn "could not delete $SIDECAR_PATTERN"
    SIDECAR_TOPIC=""
}
