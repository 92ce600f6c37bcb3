# shellcheck shell=bash
# scripts/services.d/cluster.sh — sourced by scripts/services (not run on its own).
# `cluster start|stop|status`, `cluster kafka-node N stop|start|kill`, `cluster es-node N
# stop|start|kill`, `cluster topic create NAME [PARTITIONS]`: a 3-broker Kafka cluster (KRaft,
# combined broker+controller quorum of 3, RF 3, min.insync.replicas=2) and a 3-node
# Elasticsearch cluster (1 replica per index) under $RUN_DIR/cluster, next to the main services
# (needs `start` first, like `compat`; `stop` stops it too). Each node reuses the launch, wait
# and liveness functions of kafka.sh / elasticsearch.sh with its own RUN_DIR/ES_RUN set in a
# subshell. The CLUSTER_* keys of the env file name the nodes (see docs/test-services.md).
# Variables are shared with the other modules and the templates (shellcheck cannot see that).
# shellcheck disable=SC2034,SC2153

CLUSTER_DIR="$RUN_DIR/cluster"
CLUSTER_KEYS='^CLUSTER_'
CLUSTER_KAFKA_HEAP="${LOGSHIP_CLUSTER_KAFKA_HEAP:-256m}"
CLUSTER_ES_HEAP="${LOGSHIP_CLUSTER_ES_HEAP:-384m}"

cluster_load_env() {
    load_env
    [ -n "${CLUSTER_KAFKA_PORTS:-}" ] || die "no cluster in $ENV_FILE: run 'scripts/services cluster start' first"
    read -r -a CK_PORTS <<<"$CLUSTER_KAFKA_PORTS"
    read -r -a CC_PORTS <<<"$CLUSTER_CONTROLLER_PORTS"
    read -r -a CE_PORTS <<<"$CLUSTER_ES_PORTS"
    read -r -a CT_PORTS <<<"$CLUSTER_ES_TRANSPORT_PORTS"
}

# Points the KAFKA_* variables of kafka.sh at broker N (1..3); use in a subshell.
cluster_kafka_select() { # N
    local n="$1"
    RUN_DIR="$CLUSTER_DIR/k$n"
    KAFKA_PORT="${CK_PORTS[$((n - 1))]}"
    KAFKA_LOG="$CLUSTER_DIR/kafka$n.log"
    KAFKA_PIDFILE="$CLUSTER_DIR/kafka$n.pid"
    KAFKA_HEAP="$CLUSTER_KAFKA_HEAP"
}

# Points the ES_* variables of elasticsearch.sh at node N (1..3); use in a subshell.
cluster_es_select() { # N
    local n="$1"
    es_select es
    ES_RUN="$CLUSTER_DIR/es$n"
    ES_LOG="$CLUSTER_DIR/elasticsearch$n.log"
    ES_PIDFILE="$CLUSTER_DIR/es$n.pid"
    ES_HEAP="$CLUSTER_ES_HEAP"
    ES_HTTP_PORT="${CE_PORTS[$((n - 1))]}"
    ES_TRANSPORT_PORT="${CT_PORTS[$((n - 1))]}"
    ES_DATA_DIR="$ES_RUN/data"
    ES_LOGS_DIR="$ES_RUN/logs"
    ES_TEMPLATE="$SD/elasticsearch/elasticsearch-cluster.yml.in"
    ES_NODE_NAME="logship-es-c$n"
    ES_SEED_HOSTS="\"127.0.0.1:${CT_PORTS[0]}\", \"127.0.0.1:${CT_PORTS[1]}\", \"127.0.0.1:${CT_PORTS[2]}\""
    ES_MASTER_NODES='"logship-es-c1", "logship-es-c2", "logship-es-c3"'
}

# server.properties of broker N: the single-node file's settings with node id, the quorum of
# three and replicated internal topics.
cluster_kafka_properties() { # N
    local n="$1" voters="" i
    for i in 1 2 3; do voters+="${voters:+,}$i@127.0.0.1:${CC_PORTS[$((i - 1))]}"; done
    cat <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:${CK_PORTS[$((n - 1))]},CONTROLLER://127.0.0.1:${CC_PORTS[$((n - 1))]}
advertised.listeners=PLAINTEXT://127.0.0.1:${CK_PORTS[$((n - 1))]}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$CLUSTER_DIR/k$n/kafka/data
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=3
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=3
group.initial.rebalance.delay.ms=0
unclean.leader.election.enable=false
num.network.threads=2
num.io.threads=2
num.replica.fetchers=1
log.segment.bytes=67108864
log.retention.hours=24
message.max.bytes=10485760
replica.fetch.max.bytes=10485760
PROPS
}

cluster_kafka_init() { # N CLUSTER_ID
    local n="$1" cid="$2"
    mkdir -p "$RUN_DIR/kafka/logs" "$RUN_DIR/kafka/data"
    cluster_kafka_properties "$n" >"$RUN_DIR/kafka/server.properties"
    cp "$SD/kafka/log4j.properties" "$RUN_DIR/kafka/log4j.properties"
    "$JAVA" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dlog4j.configuration="file:$SD/kafka/log4j-tools.properties" \
        -cp "$KAFKA_HOME/libs/*" kafka.tools.StorageTool format \
        -t "$cid" -c "$RUN_DIR/kafka/server.properties" </dev/null >>"$KAFKA_LOG" 2>&1 9>&- \
        || { show_log_tail "$KAFKA_LOG" 30; die "kafka storage format failed (broker $n)"; }
}

cluster_write_env() {
    env_drop_keys "$CLUSTER_KEYS"
    local b="" h="" i
    for i in 0 1 2; do
        b+="${b:+,}127.0.0.1:${CK_PORTS[$i]}"
        h+="${h:+,}http://127.0.0.1:${CE_PORTS[$i]}"
    done
    {
        printf 'CLUSTER_KAFKA_BOOTSTRAP=%q\n' "$b"
        printf 'CLUSTER_ES_HOSTS=%q\n' "$h"
        printf 'CLUSTER_KAFKA_PORTS=%q\n' "${CK_PORTS[*]}"
        printf 'CLUSTER_CONTROLLER_PORTS=%q\n' "${CC_PORTS[*]}"
        printf 'CLUSTER_ES_PORTS=%q\n' "${CE_PORTS[*]}"
        printf 'CLUSTER_ES_TRANSPORT_PORTS=%q\n' "${CT_PORTS[*]}"
        printf 'CLUSTER_DIR=%q\n' "$CLUSTER_DIR"
    } >>"$ENV_FILE"
}

# The env file without the lines matching KEYS_REGEX.
env_drop_keys() { # KEYS_REGEX
    grep -Ev "$1" "$ENV_FILE" >"$ENV_FILE.tmp" || true
    mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

cluster_kafka_up() { ( cluster_kafka_select "$1"; kafka_up ); }
cluster_es_up() { ( cluster_es_select "$1"; es_up ); }

cluster_stop_nodes() { # SIGNAL
    local pids=() i
    [ -d "$CLUSTER_DIR" ] || return 0
    for i in 1 2 3; do
        stop_service "cluster kafka $i" "$CLUSTER_DIR/kafka$i.pid" 30 "${1:-TERM}" &
        pids+=($!)
        stop_service "cluster elasticsearch $i" "$CLUSTER_DIR/es$i.pid" 30 "${1:-TERM}" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || true; done
}

# Waits until the Elasticsearch cluster has 3 nodes and is green (all replicas assigned).
cluster_es_wait_green() { # DEADLINE
    local port
    while [ "$(now)" -lt "$1" ]; do
        for port in "${CE_PORTS[@]}"; do
            curl -fsS -m 10 "http://127.0.0.1:$port/_cluster/health?wait_for_nodes=3&wait_for_status=green&timeout=5s" \
                2>/dev/null | grep -q '"status":"green"' && return 0
        done
        sleep 0.5
    done
    echo "[services] ERROR: the Elasticsearch cluster did not become green with 3 nodes within ${TIMEOUT}s" >&2
    return 1
}

# Every index gets one replica (also those a test creates with its own settings-less template).
cluster_es_template() {
    curl -fsS -m 30 -X PUT -H 'Content-Type: application/json' \
        "http://127.0.0.1:${CE_PORTS[0]}/_index_template/logship-cluster-replicas" \
        -d '{"index_patterns":["logship*","test*","itest*"],"priority":1,"template":{"settings":{"number_of_replicas":1}}}' \
        >/dev/null || die "cannot put the index template of the cluster"
}

cluster_start() {
    local t0 i pids=() rc=0 cid
    t0="$(now)"
    take_lock
    load_env
    ensure_tools
    kafka_prepare
    es_prepare
    ensure_es_user
    cluster_stop_nodes TERM
    rm -rf "$CLUSTER_DIR"
    mkdir -p "$CLUSTER_DIR"
    # shellcheck disable=SC2207 # pick_ports prints space-separated numbers
    local p=($(pick_ports 12))
    CK_PORTS=("${p[@]:0:3}") CC_PORTS=("${p[@]:3:3}") CE_PORTS=("${p[@]:6:3}") CT_PORTS=("${p[@]:9:3}")
    cluster_write_env
    cid="-"
    while [[ "$cid" == -* ]]; do cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; done
    for i in 1 2 3; do
        ( cluster_kafka_select "$i"; cluster_kafka_init "$i" "$cid"; kafka_launch ) || rc=1
        ( cluster_es_select "$i"; es_init_run_dir; es_launch ) || rc=1
    done
    for i in 1 2 3; do
        ( cluster_kafka_select "$i"; kafka_wait "$(($(now) + TIMEOUT))" ) &
        pids+=($!)
    done
    cluster_es_wait_green "$(($(now) + TIMEOUT))" || rc=1
    for i in "${pids[@]}"; do wait "$i" || rc=1; done
    [ "$rc" = 0 ] && cluster_es_template
    if [ "$rc" != 0 ]; then
        say "cluster failed to start (logs in $CLUSTER_DIR); stopping it"
        cluster_stop_nodes TERM
        exit 1
    fi
    say "cluster up in $(($(now) - t0))s"
    cluster_status || true
}

cluster_status() {
    local rc=0 i
    cluster_load_env
    for i in 1 2 3; do
        if cluster_kafka_up "$i"; then say "kafka-node $i: up    127.0.0.1:${CK_PORTS[$((i - 1))]}"
        else say "kafka-node $i: DOWN  127.0.0.1:${CK_PORTS[$((i - 1))]}"; rc=1; fi
    done
    for i in 1 2 3; do
        if cluster_es_up "$i"; then say "es-node $i:    up    http://127.0.0.1:${CE_PORTS[$((i - 1))]}"
        else say "es-node $i:    DOWN  http://127.0.0.1:${CE_PORTS[$((i - 1))]}"; rc=1; fi
    done
    say "bootstrap:    $CLUSTER_KAFKA_BOOTSTRAP"
    say "es hosts:     $CLUSTER_ES_HOSTS"
    return $rc
}

# kafka-node|es-node N stop|start|kill: one node down (TERM or KILL) or up again on its port and
# data dir. `start` returns once the node answers (Kafka: probe; ES: yellow health).
cluster_node() { # kafka|es N ACTION
    local kind="$1" n="${2:-}" action="${3:-}"
    case "$n" in 1 | 2 | 3) ;; *) die "usage: scripts/services cluster $kind-node 1|2|3 stop|start|kill" ;; esac
    take_lock
    cluster_load_env
    find_java
    case "$kind:$action" in
    kafka:stop | kafka:kill)
        local sig=TERM; [ "$action" = kill ] && sig=KILL
        ( cluster_kafka_select "$n"; stop_service "cluster kafka $n" "$KAFKA_PIDFILE" 30 "$sig"; wait_port_free "$KAFKA_PORT" ) ;;
    es:stop | es:kill)
        local sig=TERM; [ "$action" = kill ] && sig=KILL
        ( cluster_es_select "$n"; stop_service "cluster elasticsearch $n" "$ES_PIDFILE" 30 "$sig"; wait_port_free "$ES_HTTP_PORT" ) ;;
    kafka:start)
        cluster_kafka_up "$n" && { say "kafka-node $n already up"; return 0; }
        ( cluster_kafka_select "$n"; kafka_prepare; kafka_launch; kafka_wait "$(($(now) + TIMEOUT))" ) ;;
    es:start)
        cluster_es_up "$n" && { say "es-node $n already up"; return 0; }
        ( cluster_es_select "$n"; ensure_es_user; es_launch; es_wait "$(($(now) + TIMEOUT))" ) ;;
    *) die "usage: scripts/services cluster $kind-node 1|2|3 stop|start|kill" ;;
    esac
}

cmd_cluster() { # start|stop|status|kafka-node N A|es-node N A|topic create NAME [PARTITIONS]
    local action="${1:-}"
    [ $# -gt 0 ] && shift
    case "$action" in
    start) cluster_start ;;
    stop) take_lock; cluster_stop_nodes TERM; [ ! -f "$ENV_FILE" ] || env_drop_keys "$CLUSTER_KEYS"; say "cluster stopped" ;;
    status) cluster_status ;;
    kafka-node) cluster_node kafka "$@" ;;
    es-node) cluster_node es "$@" ;;
    topic)
        [ "${1:-}" = create ] && [ -n "${2:-}" ] || die "usage: scripts/services cluster topic create NAME [PARTITIONS]"
        cluster_load_env
        find_java
        kafka_prepare
        kafka_admin create "$CLUSTER_KAFKA_BOOTSTRAP" "$2" "${3:-3}" 3
        ;;
    *) die "usage: scripts/services cluster start|stop|status|kafka-node N stop|start|kill|es-node N stop|start|kill|topic create NAME [PARTITIONS]" ;;
    esac
}
