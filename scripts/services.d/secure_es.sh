# shellcheck shell=bash
# scripts/services.d/secure_es.sh — sourced by scripts/services (not run on its own).
# The Elasticsearch of `scripts/services secure start`: the same integ-test-zip as the plain one
# (elasticsearch.sh does download, user switch, launch) with xpack.security on, TLS on HTTP
# (server.crt of secure_certs.sh), a file-realm user with a random password per start, an API key
# made by that user and a second one invalidated at once (for the revoked-key tests).
# API keys live in the .security index, whose mapping needs analysis components of the
# analysis-common module that the integ-test-zip lacks: secure/esplugin/ provides them, built into
# a copy of the zip ($CACHE/elasticsearch-<version>-secure) used by this set only.
# shellcheck disable=SC2034,SC2153

SECURE_ES_HEAP="${LOGSHIP_SECURE_ES_HEAP:-384m}"
SECURE_ES_USER=logship
SECURE_ES_ROLE=logship_writer

SECURE_ES_PLUGIN=logship-security-analysis

# The copy of the zip with the plugin of secure/esplugin/ (made once, kept in the cache).
secure_es_prepare_home() { # PLAIN_ES_HOME
    local plain="$1" home="$1-secure" tmp sum
    # Rebuilt when the plugin's source changes (its checksum is the marker's content).
    sum="$(cat "$SD"/secure/esplugin/*.java | sha256sum | cut -d' ' -f1)"
    [ "$(cat "$home/.complete" 2>/dev/null)" = "$sum" ] && return 0
    tmp="$home.tmp.$$"
    rm -rf "$tmp"
    cp -a "$plain" "$tmp"
    rm -f "$tmp/.complete"
    local pdir="$tmp/plugins/$SECURE_ES_PLUGIN"
    mkdir -p "$pdir" "$tmp/plugin-build"
    "$JAVAC" -nowarn -d "$tmp/plugin-build" -cp "$plain/lib/*" "$SD"/secure/esplugin/*.java >>"$MVN_LOG" 2>&1 \
        || die "javac of secure/esplugin failed (log $MVN_LOG)"
    "$JDK_HOME/bin/jar" cf "$pdir/$SECURE_ES_PLUGIN.jar" -C "$tmp/plugin-build" . || die "jar failed"
    rm -rf "$tmp/plugin-build"
    printf '%s\n' "description=analysis components of the .security index mapping (logship tests)" \
        "version=1.0" "name=$SECURE_ES_PLUGIN" "classname=org.logship.esplugin.LogshipSecurityAnalysisPlugin" \
        "java.version=17" "elasticsearch.version=$ES_VERSION" >"$pdir/plugin-descriptor.properties"
    echo "$sum" >"$tmp/.complete"
    rm -rf "$home"
    mv "$tmp" "$home"
}

# Points the ES_* variables of elasticsearch.sh at the secured node; use in a subshell.
secure_es_select() {
    es_select es
    ES_HOME="$ES_HOME-secure"
    ES_RUN="$SECURE_DIR/es"
    ES_LOG="$SECURE_DIR/elasticsearch.log"
    ES_PIDFILE="$SECURE_DIR/es.pid"
    ES_HEAP="$SECURE_ES_HEAP"
    ES_HTTP_PORT="$SECURE_ES_PORT"
    ES_TRANSPORT_PORT="$SECURE_ES_TRANSPORT_PORT"
    ES_DATA_DIR="$ES_RUN/data"
    ES_LOGS_DIR="$ES_RUN/logs"
    ES_TEMPLATE="$SD/secure/elasticsearch.yml.in"
    RUN_DIR="$SECURE_DIR" # ensure_es_user grants traverse access up to this dir
}

# curl as the file-realm user, verifying the server with the test CA. ARGS: curl arguments.
secure_es_curl() {
    curl -sS --fail-with-body -m 10 --cacert "$SECURE_CERTS/ca.crt" -u "$SECURE_ES_USER:$SECURE_ES_PASSWORD" "$@"
}

# Config dir, certificates (ES reads SSL files only from inside its config dir), role and user.
secure_es_init() {
    es_init_run_dir
    mkdir -p "$ES_RUN/config/certs"
    cp "$SECURE_CERTS/server.crt" "$SECURE_CERTS/server.key" "$SECURE_CERTS/ca.crt" "$ES_RUN/config/certs/"
    cp "$SD/secure/roles.yml" "$ES_RUN/config/roles.yml"
    ES_PATH_CONF="$ES_RUN/config" ES_JAVA_HOME="$JDK_HOME" CLI_JAVA_OPTS="-XX:TieredStopAtLevel=1" \
        "$ES_HOME/bin/elasticsearch-users" useradd "$SECURE_ES_USER" -p "$SECURE_ES_PASSWORD" \
        -r "$SECURE_ES_ROLE" </dev/null >>"$ES_LOG" 2>&1 || die "elasticsearch-users useradd failed (log $ES_LOG)"
    if [ "$IS_ROOT" = 1 ]; then
        chown -R "$ES_USER:$ES_USER" "$ES_RUN"
    fi
}

secure_es_health() { # prints cluster health JSON, fails if not yellow/green
    secure_es_curl "https://127.0.0.1:$SECURE_ES_PORT/_cluster/health?wait_for_status=yellow&timeout=2s" \
        2>/dev/null | grep -E '"status":"(yellow|green)"'
}

secure_es_wait() { # DEADLINE
    local deadline="$1" pid
    pid="$(read_pid "$ES_PIDFILE")"
    while ! secure_es_health >/dev/null; do
        if ! pid_alive "$pid" || [ "$(now)" -ge "$deadline" ]; then
            show_log_tail "$ES_LOG"
            echo "[services] ERROR: secure Elasticsearch did not start (log: $ES_LOG)" >&2
            return 1
        fi
        sleep 0.5
    done
}

# Makes an API key named NAME as the file-realm user; prints "ID ENCODED".
secure_es_api_key() { # NAME
    local out
    out="$(secure_es_curl -X POST -H 'Content-Type: application/json' \
        "https://127.0.0.1:$SECURE_ES_PORT/_security/api_key" -d "{\"name\":\"$1\"}")" \
        || { echo "[services] making API key $1 failed: $out" >&2; return 1; }
    python3 -c 'import json,sys; k=json.load(sys.stdin); print(k["id"], k["encoded"])' <<<"$out"
}

# The two API keys: one to use, one invalidated (DELETE /_security/api_key) for the negative tests.
secure_es_make_keys() {
    local id revoked_id
    read -r id SECURE_ES_API_KEY <<<"$(secure_es_api_key logship-test)"
    read -r revoked_id SECURE_ES_REVOKED_API_KEY <<<"$(secure_es_api_key logship-revoked)"
    [ -n "${id:-}" ] && [ -n "${revoked_id:-}" ] || return 1
    secure_es_curl -X DELETE -H 'Content-Type: application/json' \
        "https://127.0.0.1:$SECURE_ES_PORT/_security/api_key" -d "{\"ids\":[\"$revoked_id\"],\"owner\":true}" \
        | grep -q "\"invalidated_api_keys\":\[\"$revoked_id\"\]"
}

secure_es_up() { # the env file must be loaded (SECURE_ES_PORT, SECURE_ES_PASSWORD)
    ( secure_es_select; pid_alive "$(read_pid "$ES_PIDFILE")" && secure_es_health >/dev/null )
}
