# shellcheck shell=bash
# scripts/services.d/lifecycle.sh — sourced by scripts/services (not run on its own).
# Both services together (start, stop, status, fetch) and one at a time for
# fault injection (`kafka|es stop|start|restart|kill|status`).
# The ports and dirs set in cmd_start are read by write_env and the templates
# (other modules), which shellcheck cannot see in a file checked alone.
# shellcheck disable=SC2034

# Java processes whose command line mentions this run dir (leftovers).
leftovers() {
    local pat pid
    pat="$(printf '%s' "$RUN_DIR/" | sed 's/[][\.*^$+?(){}|]/\\&/g')"
    for pid in $(pgrep -f -- "$pat" 2>/dev/null || true); do
        [ "$pid" = "$$" ] && continue
        if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ]; then
            echo "$pid"
        fi
    done
}

stop_all() {
    [ -d "$RUN_DIR" ] || return 0
    stop_service kafka "$KAFKA_PIDFILE" 30 &
    local kp=$!
    stop_service elasticsearch "$ES_PIDFILE" 30 &
    local ep=$!
    local cp=""
    if [ -f "$RUN_DIR/es7.pid" ] || [ -f "$RUN_DIR/opensearch.pid" ]; then
        compat_stop_servers &
        cp=$!
    fi
    cluster_stop_nodes TERM &
    local clp=$!
    wait "$kp" || true
    wait "$ep" || true
    wait "$clp" || true
    [ -z "$cp" ] || wait "$cp" || true
    local left
    left="$(leftovers)"
    if [ -n "$left" ]; then
        # shellcheck disable=SC2086,SC2116 # echo joins the pid lines with spaces
        warn "killing leftover processes of $RUN_DIR: $(echo $left)"
        # shellcheck disable=SC2086
        kill -TERM $left 2>/dev/null || true
        sleep 2
        left="$(leftovers)"
        # shellcheck disable=SC2086
        [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
        sleep 0.5
    fi
    left="$(leftovers)"
    # shellcheck disable=SC2086,SC2116 # echo joins the pid lines with spaces
    [ -z "$left" ] || die "processes still running for $RUN_DIR: $(echo $left)"
}

# ----------------------------------------------------------------- status --
print_status() { # returns 0 iff both up
    local rc=0
    if [ ! -f "$ENV_FILE" ]; then
        say "not started (no $ENV_FILE)"
        return 1
    fi
    load_env
    if kafka_up; then
        say "kafka:         up    $KAFKA_BOOTSTRAP (Kafka $KAFKA_VERSION, KRaft, pid $(read_pid "$KAFKA_PIDFILE"))"
    else
        say "kafka:         DOWN  $KAFKA_BOOTSTRAP (Kafka $KAFKA_VERSION)"
        rc=1
    fi
    if es_up; then
        say "elasticsearch: up    $ES_URL (Elasticsearch $ES_VERSION, pid $(read_pid "$ES_PIDFILE"))"
    else
        say "elasticsearch: DOWN  $ES_URL (Elasticsearch $ES_VERSION)"
        rc=1
    fi
    say "env file:      $ENV_FILE"
    say "logs:          $KAFKA_LOG $ES_LOG"
    return $rc
}

# ---------------------------------------------------------------- commands --
cmd_fetch() {
    ensure_tools
    mkdir -p "$CACHE"
    kafka_prepare
    es_prepare
    say "cache ready: $KAFKA_HOME $ES_HOME"
}

prepare_run_dir() {
    if [ -e "$RUN_DIR" ]; then
        if [ ! -f "$RUN_DIR/$RUN_MARKER" ] && [ -n "$(ls -A "$RUN_DIR" 2>/dev/null)" ]; then
            die "refusing to wipe $RUN_DIR: it is not empty and was not created by scripts/services"
        fi
        rm -rf "$RUN_DIR"
    fi
    mkdir -p "$RUN_DIR"
    touch "$RUN_DIR/$RUN_MARKER"
    : >"$KAFKA_LOG"
    : >"$ES_LOG"
}

# The running services are the versions this script would start?
same_versions() {
    local kv ev
    kv="$(sed -n 's/^KAFKA_VERSION=//p' "$ENV_FILE")"
    ev="$(sed -n 's/^ES_VERSION=//p' "$ENV_FILE")"
    [ "$kv" = "$KAFKA_VERSION" ] && [ "$ev" = "$ES_VERSION" ]
}

cmd_start() {
    local t0 t1 kp ep=""
    t0="$(now)"
    take_lock
    if [ -f "$ENV_FILE" ]; then
        if (print_status >/dev/null 2>&1) && same_versions; then
            say "already running; nothing to do"
            print_status || true
            echo "$ENV_FILE"
            return 0
        fi
        say "not (fully) running; starting from scratch"
        stop_all
    fi
    ensure_tools
    mkdir -p "$CACHE"
    kafka_prepare          # mvn (cold only); ES download below runs in parallel
    prepare_run_dir
    read -r KAFKA_PORT KAFKA_CONTROLLER_PORT ES_HTTP_PORT ES_TRANSPORT_PORT <<<"$(pick_ports 4)"
    KAFKA_DATA_DIR="$RUN_DIR/kafka/data"
    ES_DATA_DIR="$RUN_DIR/es/data"
    ES_LOGS_DIR="$RUN_DIR/es/logs"
    write_env
    (
        kafka_init_run_dir
        kafka_launch
        kafka_wait "$(($(now) + TIMEOUT))"
    ) &
    kp=$!
    # Interrupted (Ctrl-C, ctest timeout): leave nothing running.
    trap 'echo "[services] interrupted; stopping" >&2; kill "$kp" "${ep:-}" 2>/dev/null || true; sleep 1; stop_all || true; exit 130' INT TERM
    (
        es_prepare
        ensure_es_user
        es_init_run_dir
        es_launch
        es_wait "$(($(now) + TIMEOUT))"
    ) &
    ep=$!
    local krc=0 erc=0
    wait "$kp" || krc=$?
    wait "$ep" || erc=$?
    trap - INT TERM
    if [ "$krc" != 0 ] || [ "$erc" != 0 ]; then
        [ "$krc" = 0 ] || echo "[services] ERROR: Kafka failed to start (see above; log $KAFKA_LOG)" >&2
        [ "$erc" = 0 ] || echo "[services] ERROR: Elasticsearch failed to start (see above; log $ES_LOG)" >&2
        say "stopping whatever did start"
        stop_all || true
        exit 1
    fi
    t1="$(now)"
    say "both services up in $((t1 - t0))s"
    print_status || true
    echo "$ENV_FILE"
}

cmd_stop() {
    take_lock
    if [ ! -d "$RUN_DIR" ]; then
        say "nothing to stop ($RUN_DIR does not exist)"
        return 0
    fi
    stop_all
    say "stopped (data and logs kept in $RUN_DIR until the next start)"
}

cmd_service() { # kafka|es ACTION
    local svc="$1" action="${2:-}"
    case "$action" in
    status)
        load_env
        if [ "$svc" = kafka ]; then
            kafka_up && { say "kafka up at $KAFKA_BOOTSTRAP"; return 0; }
            say "kafka down"; return 1
        else
            es_up && { say "elasticsearch up at $ES_URL"; return 0; }
            say "elasticsearch down"; return 1
        fi
        ;;
    stop | kill | start | restart) ;;
    *) die "usage: scripts/services $svc stop|start|restart|kill|status" ;;
    esac
    take_lock
    load_env
    find_java
    if [ "$action" = stop ] || [ "$action" = kill ] || [ "$action" = restart ]; then
        local sig=TERM
        [ "$action" = kill ] && sig=KILL
        if [ "$svc" = kafka ]; then
            stop_service kafka "$KAFKA_PIDFILE" 30 "$sig"
            wait_port_free "$KAFKA_PORT"
        else
            stop_service elasticsearch "$ES_PIDFILE" 30 "$sig"
            wait_port_free "$ES_HTTP_PORT"
        fi
    fi
    if [ "$action" = start ] || [ "$action" = restart ]; then
        if [ "$svc" = kafka ]; then
            if kafka_up; then say "kafka already up at $KAFKA_BOOTSTRAP"; return 0; fi
            stop_service kafka "$KAFKA_PIDFILE" 10 # reap a half-dead one
            tcp_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process; cannot restart Kafka on it"
            kafka_prepare
            kafka_launch
            kafka_wait "$(($(now) + TIMEOUT))" || { stop_service kafka "$KAFKA_PIDFILE" 10; exit 1; }
        else
            if es_up; then say "elasticsearch already up at $ES_URL"; return 0; fi
            stop_service elasticsearch "$ES_PIDFILE" 10
            tcp_open "$ES_HTTP_PORT" && die "port $ES_HTTP_PORT is taken by another process; cannot restart Elasticsearch on it"
            ensure_es_user
            es_launch
            es_wait "$(($(now) + TIMEOUT))" || { stop_service elasticsearch "$ES_PIDFILE" 10; exit 1; }
        fi
    fi
}
