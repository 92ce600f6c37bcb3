# shellcheck shell=bash
# scripts/services.d/secure.sh — sourced by scripts/services (not run on its own).
# `scripts/services secure start|stop|status`: a secured Kafka broker (SASL_SSL with SCRAM-SHA-512
# and PLAIN, SSL with client certificates) and a secured Elasticsearch (secure_es.sh: TLS on HTTP,
# file-realm user, API keys) with certificates made at start (secure_certs.sh).
# It is a set of its own beside the plain services: its dir is $LOGSHIP_RUN_DIR-secure, so the
# plain `start` (which wipes the run dir) and `stop` leave it alone. The ports and credentials
# go to secure.env there, read by tests/support/secure_env.
# shellcheck disable=SC2034

SECURE_DIR="$RUN_DIR-secure"
SECURE_CERTS="$SECURE_DIR/certs"
SECURE_ENV_FILE="$SECURE_DIR/secure.env"
SECURE_KAFKA_PIDFILE="$SECURE_DIR/kafka.pid"
SECURE_KAFKA_LOG="$SECURE_DIR/kafka.log"
SECURE_KAFKA_HEAP="${LOGSHIP_SECURE_KAFKA_HEAP:-256m}"
SECURE_KAFKA_USER=logship

secure_prepare_dir() {
    if [ -e "$SECURE_DIR" ]; then
        [ -f "$SECURE_DIR/$RUN_MARKER" ] || [ -z "$(ls -A "$SECURE_DIR" 2>/dev/null)" ] \
            || die "refusing to wipe $SECURE_DIR: it was not created by scripts/services"
        rm -rf "$SECURE_DIR"
    fi
    mkdir -p "$SECURE_DIR/kafka/logs" "$SECURE_DIR/kafka/data"
    touch "$SECURE_DIR/$RUN_MARKER"
    : >"$SECURE_KAFKA_LOG"
}

# The broker's config and storage, SCRAM credentials written at format time (KRaft has no
# ZooKeeper to hold them; `--add-scram` is the documented way before the first start).
secure_kafka_init() {
    local c
    for c in server expired wrong-host unknown-ca-server; do
        cat "$SECURE_CERTS/$c.key" "$SECURE_CERTS/$c.crt" >"$SECURE_DIR/kafka/$c-keystore.pem"
    done
    render "$SD/secure/server.properties.in" "$SECURE_DIR/kafka/server.properties"
    cp "$SD/kafka/log4j.properties" "$SECURE_DIR/kafka/log4j.properties"
    local cid="-"
    while [[ "$cid" == -* ]]; do
        cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    "$JAVA" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dlog4j.configuration="file:$SD/kafka/log4j-tools.properties" \
        -cp "$KAFKA_HOME/libs/*" kafka.tools.StorageTool format -t "$cid" \
        -c "$SECURE_DIR/kafka/server.properties" \
        --add-scram "SCRAM-SHA-512=[name=$SECURE_KAFKA_USER,password=$SECURE_KAFKA_PASSWORD]" \
        </dev/null >>"$SECURE_KAFKA_LOG" 2>&1 9>&- || { show_log_tail "$SECURE_KAFKA_LOG" 30; die "secure kafka: storage format failed"; }
}

secure_write_env() {
    local tmp="$SECURE_ENV_FILE.tmp"
    {
        echo "# written by scripts/services secure start on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        printf 'SECURE_KAFKA_SASL_SSL=%q\n' "127.0.0.1:$SECURE_KAFKA_SASL_SSL_PORT"
        printf 'SECURE_KAFKA_MTLS=%q\n' "127.0.0.1:$SECURE_KAFKA_MTLS_PORT"
        printf 'SECURE_KAFKA_PLAINTEXT=%q\n' "127.0.0.1:$SECURE_KAFKA_PLAIN_PORT"
        printf 'SECURE_KAFKA_EXPIRED_CERT=%q\n' "127.0.0.1:$SECURE_KAFKA_EXPIRED_PORT"
        printf 'SECURE_KAFKA_WRONG_HOST_CERT=%q\n' "127.0.0.1:$SECURE_KAFKA_WRONGHOST_PORT"
        printf 'SECURE_KAFKA_UNKNOWN_CA_CERT=%q\n' "127.0.0.1:$SECURE_KAFKA_UNKNOWNCA_PORT"
        printf 'SECURE_KAFKA_USER=%q\n' "$SECURE_KAFKA_USER"
        printf 'SECURE_KAFKA_PASSWORD=%q\n' "$SECURE_KAFKA_PASSWORD"
        printf 'SECURE_KAFKA_LOG=%q\n' "$SECURE_KAFKA_LOG"
        printf 'SECURE_CERTS=%q\n' "$SECURE_CERTS"
        printf 'SECURE_ES_PORT=%q\n' "$SECURE_ES_PORT"
        printf 'SECURE_ES_TRANSPORT_PORT=%q\n' "$SECURE_ES_TRANSPORT_PORT"
        printf 'SECURE_ES_URL=%q\n' "https://127.0.0.1:$SECURE_ES_PORT"
        printf 'SECURE_ES_WRONG_HOST_URL=%q\n' "https://127.0.0.2:$SECURE_ES_PORT"
        printf 'SECURE_ES_USER=%q\n' "$SECURE_ES_USER"
        printf 'SECURE_ES_PASSWORD=%q\n' "$SECURE_ES_PASSWORD"
        printf 'SECURE_ES_API_KEY=%q\n' "$SECURE_ES_API_KEY"
        printf 'SECURE_ES_REVOKED_API_KEY=%q\n' "$SECURE_ES_REVOKED_API_KEY"
        printf 'SECURE_ES_LOG=%q\n' "$SECURE_DIR/elasticsearch.log"
    } >"$tmp"
    mv -f "$tmp" "$SECURE_ENV_FILE"
}

# kafka_launch / kafka_wait (kafka.sh) with this set's dir, pid file, log and probe port.
secure_kafka_run() { # launch|wait
    local RUN_DIR="$SECURE_DIR" KAFKA_PIDFILE="$SECURE_KAFKA_PIDFILE" KAFKA_LOG="$SECURE_KAFKA_LOG"
    local KAFKA_PORT="$SECURE_KAFKA_PLAIN_PORT" KAFKA_HEAP="$SECURE_KAFKA_HEAP"
    if [ "$1" = launch ]; then kafka_launch; else kafka_wait "$(($(now) + TIMEOUT))"; fi
}

secure_up() {
    [ -f "$SECURE_ENV_FILE" ] || return 1
    (
        # shellcheck disable=SC1090
        . "$SECURE_ENV_FILE"
        pid_alive "$(read_pid "$SECURE_KAFKA_PIDFILE")" && tcp_open "${SECURE_KAFKA_SASL_SSL##*:}" && secure_es_up
    )
}

secure_start() {
    local t0
    t0="$(now)"
    if secure_up; then
        say "secure services already running"
        echo "$SECURE_ENV_FILE"
        return 0
    fi
    secure_stop
    ensure_tools
    mkdir -p "$CACHE"
    kafka_prepare
    es_prepare
    secure_es_prepare_home "$ES_HOME"
    secure_prepare_dir
    read -r SECURE_KAFKA_PLAIN_PORT SECURE_KAFKA_CONTROLLER_PORT SECURE_KAFKA_SASL_SSL_PORT \
        SECURE_KAFKA_MTLS_PORT SECURE_KAFKA_EXPIRED_PORT SECURE_KAFKA_WRONGHOST_PORT \
        SECURE_KAFKA_UNKNOWNCA_PORT SECURE_ES_PORT SECURE_ES_TRANSPORT_PORT <<<"$(pick_ports 9)"
    SECURE_KAFKA_PASSWORD="$(openssl rand -hex 12)"
    SECURE_ES_PASSWORD="$(openssl rand -hex 12)"
    certs_make_all "$SECURE_CERTS"
    ( secure_es_select; ensure_es_user; secure_es_init )
    secure_kafka_init
    trap 'echo "[services] interrupted; stopping" >&2; secure_stop || true; exit 130' INT TERM
    ( secure_es_select; es_launch )
    secure_kafka_run launch
    if ! secure_kafka_run wait; then
        secure_stop || true
        die "secure Kafka failed to start (log $SECURE_KAFKA_LOG)"
    fi
    # The keys exist only once ES is up; the env file is written after, complete.
    if ! ( secure_es_select; secure_es_wait "$(($(now) + TIMEOUT))" ) || ! secure_es_make_keys; then
        secure_stop || true
        die "secure Elasticsearch failed to start or to make its API keys (log $SECURE_DIR/elasticsearch.log)"
    fi
    secure_write_env
    trap - INT TERM
    say "secure services up in $(($(now) - t0))s"
    secure_status || true
    echo "$SECURE_ENV_FILE"
}

secure_stop() {
    [ -d "$SECURE_DIR" ] || return 0
    stop_service kafka "$SECURE_KAFKA_PIDFILE" 30 &
    stop_service elasticsearch "$SECURE_DIR/es.pid" 30 &
    wait
}

secure_status() {
    if secure_up; then
        say "secure kafka:  up    $(sed -n 's/^SECURE_KAFKA_SASL_SSL=//p' "$SECURE_ENV_FILE") SASL_SSL," \
            "$(sed -n 's/^SECURE_KAFKA_MTLS=//p' "$SECURE_ENV_FILE") SSL+client cert (pid $(read_pid "$SECURE_KAFKA_PIDFILE"))"
        say "secure es:     up    $(sed -n 's/^SECURE_ES_URL=//p' "$SECURE_ENV_FILE") TLS, basic auth, API keys" \
            "(pid $(read_pid "$SECURE_DIR/es.pid"))"
        say "env file:      $SECURE_ENV_FILE"
        return 0
    fi
    say "secure kafka or es: DOWN (env file $SECURE_ENV_FILE)"
    return 1
}

cmd_secure() { # start|stop|status
    case "${1:-}" in
    start) take_lock; secure_start ;;
    stop) take_lock; secure_stop; say "secure services stopped" ;;
    status) secure_status ;;
    *) die "usage: scripts/services secure start|stop|status" ;;
    esac
}
