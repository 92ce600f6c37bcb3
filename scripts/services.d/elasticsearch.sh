# shellcheck shell=bash
# scripts/services.d/elasticsearch.sh — sourced by scripts/services (not run on its own).
# The es_* functions shared by Elasticsearch 8 (`start`) and the compat servers
# Elasticsearch 7.17 and OpenSearch 2 (`compat start`, see compat.sh): es_select
# points the ES_* variables at one of them; then download (Maven), ES user when
# run as root, run dir, launch, health wait, liveness.
# Variables are shared with the other modules (set in common.sh, read by
# render's @VAR@ templates), which shellcheck cannot see in a file checked alone.
# shellcheck disable=SC2034,SC2153

# Points the ES_* variables (home, run dir, log, pid file, ports, heap, ...)
# at one of the Elasticsearch-like servers, so that es_prepare, es_init_run_dir,
# es_launch, es_wait, es_up and stop_service work for each of them:
#   es     Elasticsearch 8 (the main one, `start`)
#   es7    Elasticsearch 7.17 (`compat start`)
#   os     OpenSearch 2 (`compat start`)
# Use it in a subshell (or for es: anywhere; it restores the defaults).
es_select() { # es|es7|os
    case "$1" in
    es)
        ES_VERSION="${LOGSHIP_ES_VERSION:-8.19.21}"; ES_FLAVOR=elasticsearch; ES_NAME="Elasticsearch"
        ES_RUN="$RUN_DIR/es"; ES_LOG="$RUN_DIR/elasticsearch.log"; ES_PIDFILE="$RUN_DIR/es.pid"
        ES_HEAP="$ES_MAIN_HEAP"
        ;;
    es7)
        ES_VERSION="$ES7_VERSION"; ES_FLAVOR=elasticsearch; ES_NAME="Elasticsearch 7"
        ES_RUN="$RUN_DIR/es7"; ES_LOG="$RUN_DIR/elasticsearch7.log"; ES_PIDFILE="$RUN_DIR/es7.pid"
        ES_HEAP="$COMPAT_HEAP"
        ES_HTTP_PORT="${ES7_HTTP_PORT:-}"; ES_TRANSPORT_PORT="${ES7_TRANSPORT_PORT:-}"
        ;;
    os)
        ES_VERSION="$OPENSEARCH_VERSION"; ES_FLAVOR=opensearch; ES_NAME="OpenSearch"
        ES_RUN="$RUN_DIR/opensearch"; ES_LOG="$RUN_DIR/opensearch.log"; ES_PIDFILE="$RUN_DIR/opensearch.pid"
        ES_HEAP="$COMPAT_HEAP"
        ES_HTTP_PORT="${OPENSEARCH_HTTP_PORT:-}"; ES_TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-}"
        ;;
    *) die "es_select: unknown server $1" ;;
    esac
    if [ "$ES_FLAVOR" = opensearch ]; then
        ES_HOME="$CACHE/opensearch-$ES_VERSION"
        ES_ARTIFACT="org.opensearch.distribution.integ-test-zip:opensearch:$ES_VERSION:zip"
        ES_TEMPLATE="$SD/opensearch/opensearch.yml.in"
    else
        ES_HOME="$CACHE/elasticsearch-$ES_VERSION"
        ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
        ES_TEMPLATE="$SD/elasticsearch/elasticsearch.yml.in"
    fi
    ES_DATA_DIR="$ES_RUN/data"
    ES_LOGS_DIR="$ES_RUN/logs"
}

# ------------------------------------------------- elasticsearch: prepare --
es_prepare() {
    [ -f "$ES_HOME/.complete" ] && return 0
    local dl="$CACHE/downloads"
    local zip="$dl/$ES_FLAVOR-$ES_VERSION.zip"
    mkdir -p "$dl"
    if [ ! -s "$zip" ]; then
        say "fetching $ES_NAME $ES_VERSION (integ-test-zip) from Maven Central (mvn)"
        # own log per server: es7 and os are fetched in parallel
        MVN_LOG="$CACHE/mvn-$ES_FLAVOR-$ES_VERSION.log" run_mvn "$DEP_PLUGIN:copy" -Dartifact="$ES_ARTIFACT" \
            -DoutputDirectory="$dl" -Dmdep.overWriteIfNewer=true
    fi
    [ -s "$zip" ] || die "mvn did not produce $zip"
    local tmp="$CACHE/es-unpack.tmp.$$.$ES_FLAVOR"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    unzip -q "$zip" -d "$tmp" || die "unzip $zip failed"
    [ -x "$tmp/$ES_FLAVOR-$ES_VERSION/bin/$ES_FLAVOR" ] || die "unexpected layout in $zip"
    touch "$tmp/$ES_FLAVOR-$ES_VERSION/.complete"
    rm -rf "$ES_HOME"
    mv "$tmp/$ES_FLAVOR-$ES_VERSION" "$ES_HOME"
    rm -rf "$tmp"
    rm -f "$zip" # Maven keeps its own copy in ~/.m2
}

# When run as root, ES runs as a system user; that user must be able to
# traverse every ancestor of its directories (e.g. /root is usually 0700).
ensure_es_user() {
    [ "$IS_ROOT" = 1 ] || return 0
    if ! id -u "$ES_USER" >/dev/null 2>&1; then
        say "creating system user $ES_USER (Elasticsearch refuses to run as root)"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$ES_USER" 2>/dev/null \
            || id -u "$ES_USER" >/dev/null 2>&1 || die "useradd $ES_USER failed"
    fi
    local target d
    for target in "$ES_HOME" "$RUN_DIR"; do
        d="$target"
        local chain=()
        while [ "$d" != "/" ] && [ -n "$d" ]; do
            chain=("$d" "${chain[@]}")
            d="$(dirname "$d")"
        done
        for d in "${chain[@]}"; do
            [ -d "$d" ] || continue
            if ! setpriv --reuid="$ES_USER" --regid="$ES_USER" --clear-groups test -x "$d" 2>/dev/null; then
                command -v setfacl >/dev/null 2>&1 || apt_install acl
                if setfacl -m "u:$ES_USER:x" "$d" 2>/dev/null; then
                    say "granted $ES_USER traverse-only access (ACL u:$ES_USER:x) to $d"
                else
                    chmod o+x "$d"
                    warn "setfacl failed on $d; made it world-traversable (chmod o+x)"
                fi
            fi
        done
    done
}

# ------------------------------------------------------------- launching --
es_launch() {
    {
        echo "==== $(date -u +%Y-%m-%dT%H:%M:%SZ) scripts/services: starting $ES_NAME $ES_VERSION on 127.0.0.1:$ES_HTTP_PORT"
    } >>"$ES_LOG"
    local as_user=()
    if [ "$IS_ROOT" = 1 ]; then
        as_user=(setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups --)
    fi
    # Elasticsearch reads ES_*, OpenSearch the same names with OPENSEARCH_.
    local p=ES
    [ "$ES_FLAVOR" = opensearch ] && p=OPENSEARCH
    # shellcheck disable=SC2164 # set -e (scripts/services) ends the subshell if cd fails
    (
        cd "$ES_RUN"
        unset JAVA_HOME JAVA_TOOL_OPTIONS _JAVA_OPTIONS JAVA_OPTS
        # CLI_JAVA_OPTS: only for ES 8's short-lived launcher JVM (C1 is enough)
        exec setsid "${as_user[@]}" env \
            HOME="$ES_RUN" \
            CLI_JAVA_OPTS="-XX:TieredStopAtLevel=1" \
            "${p}_JAVA_HOME=$JDK_HOME" \
            "${p}_PATH_CONF=$ES_RUN/config" \
            "${p}_TMPDIR=$ES_RUN/tmp" \
            "${p}_JAVA_OPTS=-Xms$ES_HEAP -Xmx$ES_HEAP -XX:HeapDumpPath=$ES_RUN/logs -XX:ErrorFile=$ES_RUN/logs/hs_err_pid%p.log" \
            "$ES_HOME/bin/$ES_FLAVOR"
    ) </dev/null >>"$ES_LOG" 2>&1 9>&- &
    echo $! >"$ES_PIDFILE"
}

# Fresh ES config/data/log dirs (only at `start`).
es_init_run_dir() {
    ES_DATA_DIR="$ES_RUN/data"
    ES_LOGS_DIR="$ES_RUN/logs"
    rm -rf "$ES_RUN"
    mkdir -p "$ES_RUN/config" "$ES_RUN/tmp" "$ES_DATA_DIR" "$ES_LOGS_DIR"
    cp -r "$ES_HOME/config/." "$ES_RUN/config/"
    render "$ES_TEMPLATE" "$ES_RUN/config/$ES_FLAVOR.yml"
    # no GC log files in the working dir (7.x/OpenSearch prefix the line with "9-:")
    sed -i '/^\([0-9]*-*:\)\{0,1\}-Xlog:gc/d' "$ES_RUN/config/jvm.options"
    if [ "$IS_ROOT" = 1 ]; then
        chown -R "$ES_USER:$ES_USER" "$ES_RUN"
    fi
}

# ---------------------------------------------------------------- waiting --
es_health() { # prints cluster health JSON, fails if not yellow/green
    curl -fsS -m 10 "http://127.0.0.1:$ES_HTTP_PORT/_cluster/health?wait_for_status=yellow&timeout=${1:-2s}" 2>/dev/null \
        | grep -E '"status":"(yellow|green)"'
}

es_wait() { # DEADLINE
    local deadline="$1" pid
    pid="$(read_pid "$ES_PIDFILE")"
    while ! es_health 2s >/dev/null; do
        if ! pid_alive "$pid"; then
            show_log_tail "$ES_LOG"
            echo "[services] ERROR: $ES_NAME exited during startup (log: $ES_LOG)" >&2
            return 1
        fi
        if [ "$(now)" -ge "$deadline" ]; then
            show_log_tail "$ES_LOG"
            echo "[services] ERROR: $ES_NAME did not reach yellow health on 127.0.0.1:$ES_HTTP_PORT within ${TIMEOUT}s" >&2
            return 1
        fi
        sleep 0.5
    done
    say "$ES_NAME ready: $ES_VERSION at http://127.0.0.1:$ES_HTTP_PORT"
}

# ----------------------------------------------------------------- status --
es_up() {
    local pid
    pid="$(read_pid "$ES_PIDFILE")"
    pid_alive "$pid" && [ -n "${ES_HTTP_PORT:-}" ] && es_health 1s >/dev/null
}
