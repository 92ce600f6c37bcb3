# shellcheck shell=bash
# scripts/services.d/compat.sh — sourced by scripts/services (not run on its own).
# `compat start|stop|status`: Elasticsearch 7.17 and OpenSearch 2 next to the
# main services (same run dir, same env file), for logship-stash's
# compatibility test. Same functions as the main Elasticsearch
# (elasticsearch.sh), selected with es_select.
# ES7_VERSION etc. are set in common.sh, ES_* by es_select (elasticsearch.sh),
# which shellcheck cannot see in a file checked alone.
# shellcheck disable=SC2153
# compat_stop_servers' SIGNAL argument is optional (default TERM):
# shellcheck disable=SC2119,SC2120

COMPAT_KEYS='^(ES7|OPENSEARCH)_'

compat_stop_servers() { # SIGNAL
    ( es_select es7; stop_service "$ES_NAME" "$ES_PIDFILE" 30 "${1:-TERM}" ) &
    local a=$!
    ( es_select os; stop_service "$ES_NAME" "$ES_PIDFILE" 30 "${1:-TERM}" ) &
    local b=$!
    wait "$a" || true
    wait "$b" || true
}

compat_drop_env() {
    [ -f "$ENV_FILE" ] || return 0
    grep -Ev "$COMPAT_KEYS" "$ENV_FILE" >"$ENV_FILE.tmp" || true
    mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

compat_up() { # both answer and are the versions this script would start
    [ -n "${ES7_HTTP_PORT:-}" ] && [ -n "${OPENSEARCH_HTTP_PORT:-}" ] || return 1
    [ "${ES7_VERSION_RUNNING:-}" = "$ES7_VERSION" ] && [ "${OPENSEARCH_VERSION_RUNNING:-}" = "$OPENSEARCH_VERSION" ] || return 1
    ( es_select es7; es_up ) && ( es_select os; es_up )
}

compat_load_env() {
    load_env
    ES7_VERSION_RUNNING="$(sed -n 's/^ES7_VERSION=//p' "$ENV_FILE")"
    OPENSEARCH_VERSION_RUNNING="$(sed -n 's/^OPENSEARCH_VERSION=//p' "$ENV_FILE")"
    # the env file's ES7_VERSION/OPENSEARCH_VERSION are the running ones, not the wanted ones
    ES7_VERSION="${LOGSHIP_ES7_VERSION:-7.17.29}"
    OPENSEARCH_VERSION="${LOGSHIP_OPENSEARCH_VERSION:-2.19.6}"
}

compat_status() {
    local rc=0 k
    for k in es7 os; do
        ( es_select "$k"
          if es_up; then say "$ES_NAME $ES_VERSION: up at http://127.0.0.1:$ES_HTTP_PORT (pid $(read_pid "$ES_PIDFILE"))"
          else say "$ES_NAME: DOWN"; exit 1; fi ) || rc=1
    done
    return $rc
}

# `compat es7 stop|kill|start`: fault injection on the Elasticsearch 7 server (go-stash, which
# needs `GET /`, runs only against it: docs/guarantees.md's peer comparison).
compat_es7_fault() { # stop|kill|start
    take_lock
    compat_load_env
    find_java
    es_select es7
    [ -n "$ES_HTTP_PORT" ] || die "the compat servers are not running: scripts/services compat start"
    case "$1" in
    stop | kill)
        stop_service "$ES_NAME" "$ES_PIDFILE" 30 "$([ "$1" = kill ] && echo KILL || echo TERM)"
        wait_port_free "$ES_HTTP_PORT"
        ;;
    start)
        if es_up; then say "$ES_NAME already up at http://127.0.0.1:$ES_HTTP_PORT"; return 0; fi
        stop_service "$ES_NAME" "$ES_PIDFILE" 10 # reap a half-dead one
        ensure_es_user
        es_launch
        es_wait "$(($(now) + TIMEOUT))" || { stop_service "$ES_NAME" "$ES_PIDFILE" 10; exit 1; }
        ;;
    *) die "usage: scripts/services compat es7 stop|kill|start" ;;
    esac
}

cmd_compat() { # start|stop|status|es7 ACTION
    case "${1:-}" in
    es7) compat_es7_fault "${2:-}" ;;
    status)
        compat_load_env
        compat_status
        ;;
    stop)
        take_lock
        [ -d "$RUN_DIR" ] || { say "nothing to stop"; return 0; }
        compat_stop_servers
        compat_drop_env
        say "compat servers stopped"
        ;;
    start)
        local t0 a b arc=0 brc=0
        t0="$(now)"
        take_lock
        compat_load_env
        if compat_up; then
            say "compat servers already running; nothing to do"
            compat_status || true
            echo "$ENV_FILE"
            return 0
        fi
        compat_stop_servers
        compat_drop_env
        find_java
        read -r ES7_HTTP_PORT ES7_TRANSPORT_PORT OPENSEARCH_HTTP_PORT OPENSEARCH_TRANSPORT_PORT <<<"$(pick_ports 4)"
        ( es_select es7; es_prepare; ensure_es_user; es_init_run_dir; : >"$ES_LOG"; es_launch
          es_wait "$(($(now) + TIMEOUT))" ) &
        a=$!
        ( es_select os; es_prepare; ensure_es_user; es_init_run_dir; : >"$ES_LOG"; es_launch
          es_wait "$(($(now) + TIMEOUT))" ) &
        b=$!
        trap 'echo "[services] interrupted; stopping the compat servers" >&2; kill "$a" "$b" 2>/dev/null || true; sleep 1; compat_stop_servers || true; exit 130' INT TERM
        wait "$a" || arc=$?
        wait "$b" || brc=$?
        trap - INT TERM
        if [ "$arc" != 0 ] || [ "$brc" != 0 ]; then
            [ "$arc" = 0 ] || echo "[services] ERROR: Elasticsearch $ES7_VERSION failed to start (see above; log $RUN_DIR/elasticsearch7.log)" >&2
            [ "$brc" = 0 ] || echo "[services] ERROR: OpenSearch $OPENSEARCH_VERSION failed to start (see above; log $RUN_DIR/opensearch.log)" >&2
            compat_stop_servers
            exit 1
        fi
        {
            printf 'ES7_VERSION=%q\n' "$ES7_VERSION"
            printf 'ES7_URL=%q\n' "http://127.0.0.1:$ES7_HTTP_PORT"
            printf 'ES7_HTTP_PORT=%q\n' "$ES7_HTTP_PORT"
            printf 'ES7_TRANSPORT_PORT=%q\n' "$ES7_TRANSPORT_PORT"
            printf 'ES7_LOG=%q\n' "$RUN_DIR/elasticsearch7.log"
            printf 'OPENSEARCH_VERSION=%q\n' "$OPENSEARCH_VERSION"
            printf 'OPENSEARCH_URL=%q\n' "http://127.0.0.1:$OPENSEARCH_HTTP_PORT"
            printf 'OPENSEARCH_HTTP_PORT=%q\n' "$OPENSEARCH_HTTP_PORT"
            printf 'OPENSEARCH_TRANSPORT_PORT=%q\n' "$OPENSEARCH_TRANSPORT_PORT"
            printf 'OPENSEARCH_LOG=%q\n' "$RUN_DIR/opensearch.log"
        } >>"$ENV_FILE"
        say "compat servers up in $(($(now) - t0))s"
        compat_status || true
        echo "$ENV_FILE"
        ;;
    *) die "usage: scripts/services compat start|stop|status|es7 stop|kill|start" ;;
    esac
}
