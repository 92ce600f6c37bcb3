# shellcheck shell=bash
# scripts/services.d/kafka.sh — sourced by scripts/services (not run on its own).
# Apache Kafka (KRaft, one node): jars via Maven, the admin tool
# (kafka/LogshipKafkaAdmin.java), run dir, launch, readiness wait, liveness.

# -------------------------------------------------------- kafka: prepare --
kafka_prepare() {
    if [ ! -f "$KAFKA_HOME/libs/.complete" ]; then
        say "fetching Kafka $KAFKA_VERSION jars from Maven Central (mvn)"
        local tmp="$KAFKA_HOME/libs.tmp.$$"
        rm -rf "$tmp"
        mkdir -p "$tmp"
        run_mvn -f "$SD/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
            "$DEP_PLUGIN:copy-dependencies" -DoutputDirectory="$tmp" -DincludeScope=runtime
        ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 \
            || die "mvn did not produce kafka_2.13-$KAFKA_VERSION.jar"
        touch "$tmp/.complete"
        rm -rf "$KAFKA_HOME/libs"
        mv "$tmp" "$KAFKA_HOME/libs"
    fi
    local h
    h="$(sha1sum "$SD/kafka/LogshipKafkaAdmin.java" | cut -c1-12)"
    ADMIN_DIR="$KAFKA_HOME/admin-$h"
    if [ ! -f "$ADMIN_DIR/LogshipKafkaAdmin.class" ]; then
        local tmp="$ADMIN_DIR.tmp.$$"
        rm -rf "$tmp"
        mkdir -p "$tmp"
        "$JAVAC" -nowarn -d "$tmp" -cp "$KAFKA_HOME/libs/*" "$SD/kafka/LogshipKafkaAdmin.java" \
            || die "javac LogshipKafkaAdmin.java failed"
        rm -rf "$ADMIN_DIR"
        mv "$tmp" "$ADMIN_DIR"
        # drop builds of older versions of the tool
        find "$KAFKA_HOME" -maxdepth 1 -type d -name 'admin-*' ! -name "admin-$h" ! -name '*.tmp.*' \
            -exec rm -rf {} + 2>/dev/null || true
    fi
}

kafka_admin() { # ARGS...
    "$JAVA" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
        -Dlogship.run.dir="$RUN_DIR/" \
        -Dlog4j.configuration="file:$SD/kafka/log4j-tools.properties" \
        -cp "$ADMIN_DIR:$KAFKA_HOME/libs/*" LogshipKafkaAdmin "$@" </dev/null 9>&-
}

# ------------------------------------------------------------- launching --
kafka_launch() {
    {
        echo "==== $(date -u +%Y-%m-%dT%H:%M:%SZ) scripts/services: starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
    } >>"$KAFKA_LOG"
    # shellcheck disable=SC2164 # set -e (scripts/services) ends the subshell if cd fails
    (
        cd "$RUN_DIR/kafka"
        exec setsid "$JAVA" -server -Xms128m -Xmx"$KAFKA_HEAP" \
            -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
            -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
            -Djava.awt.headless=true \
            -Dlog4j.configuration="file:$RUN_DIR/kafka/log4j.properties" \
            -Dkafka.logs.dir="$RUN_DIR/kafka/logs" \
            -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$RUN_DIR/kafka/server.properties"
    ) </dev/null >>"$KAFKA_LOG" 2>&1 9>&- &
    echo $! >"$KAFKA_PIDFILE"
}

# Fresh Kafka data dir + config (only at `start`).
kafka_init_run_dir() {
    KAFKA_DATA_DIR="$RUN_DIR/kafka/data"
    mkdir -p "$RUN_DIR/kafka/logs" "$KAFKA_DATA_DIR"
    render "$SD/kafka/server.properties.in" "$RUN_DIR/kafka/server.properties"
    cp "$SD/kafka/log4j.properties" "$RUN_DIR/kafka/log4j.properties"
    # KRaft cluster id: 16 random bytes, URL-safe base64 without padding
    local cid
    # A KRaft cluster id is 16 random bytes in base64url; one starting with '-' would be read as
    # an option by the storage tool, so draw again.
    cid="-"
    while [[ "$cid" == -* ]]; do
      cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    if ! "$JAVA" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dlog4j.configuration="file:$SD/kafka/log4j-tools.properties" \
        -cp "$KAFKA_HOME/libs/*" kafka.tools.StorageTool format \
        -t "$cid" -c "$RUN_DIR/kafka/server.properties" </dev/null >>"$KAFKA_LOG" 2>&1 9>&-; then
        show_log_tail "$KAFKA_LOG" 30
        die "kafka storage format failed"
    fi
}

# ---------------------------------------------------------------- waiting --
kafka_wait() { # DEADLINE(epoch s)
    # The probe (one JVM that retries in-process: metadata, then create and
    # delete a topic) runs while we watch that the broker process stays alive.
    local deadline="$1" pid probe rc=0
    pid="$(read_pid "$KAFKA_PIDFILE")"
    local left=$((deadline - $(now)))
    [ "$left" -ge 5 ] || left=5
    kafka_admin probe "127.0.0.1:$KAFKA_PORT" "$left" &
    probe=$!
    while kill -0 "$probe" 2>/dev/null; do
        if ! pid_alive "$pid"; then
            kill "$probe" 2>/dev/null || true
            wait "$probe" 2>/dev/null || true
            show_log_tail "$KAFKA_LOG"
            echo "[services] ERROR: Kafka exited during startup (log: $KAFKA_LOG)" >&2
            return 1
        fi
        sleep 0.2
    done
    wait "$probe" || rc=$?
    if [ "$rc" != 0 ]; then
        show_log_tail "$KAFKA_LOG"
        echo "[services] ERROR: Kafka on 127.0.0.1:$KAFKA_PORT did not become ready (metadata + create/delete of a probe topic) within ${TIMEOUT}s" >&2
        return 1
    fi
}

# ----------------------------------------------------------------- status --
kafka_up() {
    local pid
    pid="$(read_pid "$KAFKA_PIDFILE")"
    pid_alive "$pid" && [ -n "${KAFKA_PORT:-}" ] && tcp_open "$KAFKA_PORT"
}
