#!/bin/bash
# Entry point of logship-test/kafka (see Dockerfile): apache/kafka's environment convention,
# KAFKA_FOO_BAR=v -> foo.bar=v (`__` -> `_`, `___` -> `-`), CLUSTER_ID for the KRaft storage
# format, then the broker in the foreground (logs on stdout).
set -euo pipefail
conf=/opt/kafka/config/server.properties
: >"$conf"
for name in $(compgen -e | sort); do
    case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS) continue ;;
    KAFKA_*) ;;
    *) continue ;;
    esac
    key="${name#KAFKA_}"
    key="${key,,}"
    key="${key//___/-}"
    key="${key//__/@}"
    key="${key//_/.}"
    key="${key//@/_}"
    printf '%s=%s\n' "$key" "${!name}" >>"$conf"
done
: "${CLUSTER_ID:?CLUSTER_ID must be set (KRaft cluster id)}"
java=(java -cp '/opt/kafka/libs/*' -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties)
"${java[@]}" -Xmx128m -XX:+UseSerialGC kafka.tools.StorageTool format --ignore-formatted \
    -t "$CLUSTER_ID" -c "$conf"
# shellcheck disable=SC2086 # the *_OPTS are lists of options
exec "${java[@]}" ${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true ${KAFKA_OPTS:-} kafka.Kafka "$conf"
