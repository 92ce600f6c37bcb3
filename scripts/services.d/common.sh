# shellcheck shell=bash
# scripts/services.d/common.sh — sourced by scripts/services (not run on its own).
# Settings (versions, cache and run dir, file names), logging, process and port
# helpers, tools and Java, template rendering, Maven downloads, the env file,
# the lock, and stopping one service.
# SD (scripts/services.d) is set by scripts/services before sourcing.
# The settings are read by the other modules (shellcheck cannot see that).
# shellcheck disable=SC2034

# KAFKA_VERSION, ES_VERSION, CACHE, RUN_DIR (shared with scripts/docker.d/lib.sh).
# shellcheck source=services.d/locations.sh
. "$SD/locations.sh"
TIMEOUT="${LOGSHIP_SERVICES_TIMEOUT:-180}"
ES_USER="${LOGSHIP_ES_USER:-logship-es}"
KAFKA_HEAP="${LOGSHIP_KAFKA_HEAP:-512m}"
ES_HEAP="${LOGSHIP_ES_HEAP:-512m}"
ES7_VERSION="${LOGSHIP_ES7_VERSION:-7.17.29}"
OPENSEARCH_VERSION="${LOGSHIP_OPENSEARCH_VERSION:-2.19.6}"
COMPAT_HEAP="${LOGSHIP_COMPAT_HEAP:-320m}"

ENV_FILE="$RUN_DIR/services.env"
KAFKA_HOME="$CACHE/kafka-$KAFKA_VERSION"          # libs/ + admin-<hash>/
ES_HOME="$CACHE/elasticsearch-$ES_VERSION"        # unpacked integ-test-zip
KAFKA_LOG="$RUN_DIR/kafka.log"
ES_LOG="$RUN_DIR/elasticsearch.log"
KAFKA_PIDFILE="$RUN_DIR/kafka.pid"
ES_PIDFILE="$RUN_DIR/es.pid"
RUN_MARKER=".logship-run-dir"
MVN_LOG="$CACHE/mvn.log"

ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
ES_RUN="$RUN_DIR/es"                              # config/ data/ logs/ tmp/
ES_NAME="Elasticsearch"                           # for messages
ES_FLAVOR=elasticsearch                           # elasticsearch | opensearch (binary, env vars, yml)
ES_TEMPLATE="$SD/elasticsearch/elasticsearch.yml.in"
ES_MAIN_HEAP="$ES_HEAP"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

# ---------------------------------------------------------------- helpers --
say()  { printf '[services] %s\n' "$*"; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die()  { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
now()  { date +%s; }

show_log_tail() { # FILE [LINES]
    local f="$1" n="${2:-60}"
    if [ -s "$f" ]; then
        printf '[services] ---- last %s lines of %s ----\n' "$n" "$f" >&2
        tail -n "$n" "$f" >&2 || true
        printf '[services] ---- end of %s ----\n' "$f" >&2
    else
        printf '[services] (%s is empty or missing)\n' "$f" >&2
    fi
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
# shellcheck disable=SC2015 # `|| true`: no pid file reads as an empty pid
read_pid() { [ -f "$1" ] && tr -dc '0-9' <"$1" || true; }

# process group of a service still has members?
group_alive() { [ -n "${1:-}" ] && pgrep -g "$1" >/dev/null 2>&1; }

tcp_open() { # PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

apt_install() { # PKG...
    [ $# -gt 0 ] || return 0
    if [ "$IS_ROOT" != 1 ] || ! command -v apt-get >/dev/null 2>&1; then
        die "missing tools; please install the Debian packages: $*"
    fi
    say "installing with apt-get: $*"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null 2>&1; then
        apt-get update -qq </dev/null >/dev/null 2>&1 || true
        apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null \
            || die "apt-get install $* failed"
    fi
}

find_java() {
    local j
    if [ -n "${LOGSHIP_JAVA_HOME:-}" ]; then
        JDK_HOME="$LOGSHIP_JAVA_HOME"
    else
        j="$(command -v java || true)"
        [ -n "$j" ] || apt_install openjdk-17-jdk-headless
        j="$(command -v java)"
        JDK_HOME="$(dirname "$(dirname "$(readlink -f "$j")")")"
    fi
    JAVA="$JDK_HOME/bin/java"
    JAVAC="$JDK_HOME/bin/javac"
    [ -x "$JAVA" ] || die "no java at $JAVA"
    if [ ! -x "$JAVAC" ]; then
        apt_install openjdk-17-jdk-headless
        [ -x "$JAVAC" ] || JAVAC="$(command -v javac || true)"
        # shellcheck disable=SC2015 # either test failing means no javac
        [ -n "$JAVAC" ] && [ -x "$JAVAC" ] || die "no javac (a JDK, not a JRE, is needed)"
    fi
}

ensure_tools() {
    local missing=()
    command -v curl    >/dev/null 2>&1 || missing+=(curl)
    command -v unzip   >/dev/null 2>&1 || missing+=(unzip)
    command -v mvn     >/dev/null 2>&1 || missing+=(maven)
    command -v pgrep   >/dev/null 2>&1 || missing+=(procps)
    command -v flock   >/dev/null 2>&1 || missing+=(util-linux)
    command -v setsid  >/dev/null 2>&1 || missing+=(util-linux)
    if [ "$IS_ROOT" = 1 ]; then
        command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
        command -v useradd >/dev/null 2>&1 || missing+=(passwd)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        # shellcheck disable=SC2207
        missing=($(printf '%s\n' "${missing[@]}" | sort -u))
        apt_install "${missing[@]}"
    fi
    find_java
}

# Picks N distinct free TCP ports on 127.0.0.1 below the kernel's ephemeral
# range (so no outgoing connection grabs them between a stop and a restart).
pick_ports() { # N
    local n="$1" lo=32768 hi=60999 out=""
    if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
        read -r lo hi </proc/sys/net/ipv4/ip_local_port_range || true
    fi
    local pmin=15000 pmax=$((lo - 1))
    if [ "$pmax" -lt 20000 ]; then pmin=$((hi + 1)); pmax=65000; fi
    if [ "$pmax" -le "$pmin" ]; then pmin=20000; pmax=30000; fi
    if command -v python3 >/dev/null 2>&1; then
        out="$(python3 - "$n" "$pmin" "$pmax" <<'PY' 2>/dev/null || true
import random, socket, sys
n, lo, hi = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
held, ports = [], []
for _ in range(2000):
    if len(ports) == n:
        break
    p = random.randint(lo, hi)
    if p in ports:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        s.close()
        continue
    held.append(s)
    ports.append(p)
if len(ports) != n:
    sys.exit(1)
print(" ".join(map(str, ports)))
PY
)"
    fi
    if [ -z "$out" ]; then
        local ports=() p tries=0
        while [ ${#ports[@]} -lt "$n" ] && [ $tries -lt 2000 ]; do
            tries=$((tries + 1))
            p=$((pmin + (RANDOM * 32768 + RANDOM) % (pmax - pmin + 1)))
            case " ${ports[*]} " in *" $p "*) continue ;; esac
            tcp_open "$p" && continue
            if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ]; then
                continue
            fi
            ports+=("$p")
        done
        [ ${#ports[@]} -eq "$n" ] || die "could not find $n free ports"
        out="${ports[*]}"
    fi
    echo "$out"
}

render() { # TEMPLATE OUT  (replaces @VAR@ by the value of shell variable VAR)
    local tpl="$1" out="$2" line
    : >"$out"
    while IFS= read -r line || [ -n "$line" ]; do
        while [[ "$line" =~ @([A-Z_]+)@ ]]; do
            local name="${BASH_REMATCH[1]}"
            [ -n "${!name+x}" ] || die "render $tpl: variable $name is not set"
            line="${line//@${name}@/${!name}}"
        done
        printf '%s\n' "$line" >>"$out"
    done <"$tpl"
}

run_mvn() { # ARGS...
    mkdir -p "$CACHE"
    if ! mvn -B -q -Dstyle.color=never "$@" </dev/null >"$MVN_LOG" 2>&1; then
        show_log_tail "$MVN_LOG" 40
        die "mvn $* failed (full output in $MVN_LOG)"
    fi
}

load_env() {
    [ -f "$ENV_FILE" ] || die "no $ENV_FILE: run 'scripts/services start' first"
    # shellcheck disable=SC1090
    . "$ENV_FILE"
}

write_env() {
    local tmp="$ENV_FILE.tmp"
    {
        echo "# written by scripts/services start on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        printf 'LOGSHIP_RUN_DIR=%q\n' "$RUN_DIR"
        printf 'KAFKA_VERSION=%q\n' "$KAFKA_VERSION"
        printf 'KAFKA_BOOTSTRAP=%q\n' "127.0.0.1:$KAFKA_PORT"
        printf 'KAFKA_PORT=%q\n' "$KAFKA_PORT"
        printf 'KAFKA_CONTROLLER_PORT=%q\n' "$KAFKA_CONTROLLER_PORT"
        printf 'KAFKA_DATA_DIR=%q\n' "$KAFKA_DATA_DIR"
        printf 'KAFKA_LOG=%q\n' "$KAFKA_LOG"
        printf 'ES_VERSION=%q\n' "$ES_VERSION"
        printf 'ES_URL=%q\n' "http://127.0.0.1:$ES_HTTP_PORT"
        printf 'ES_HTTP_PORT=%q\n' "$ES_HTTP_PORT"
        printf 'ES_TRANSPORT_PORT=%q\n' "$ES_TRANSPORT_PORT"
        printf 'ES_DATA_DIR=%q\n' "$ES_DATA_DIR"
        printf 'ES_LOG=%q\n' "$ES_LOG"
    } >"$tmp"
    mv -f "$tmp" "$ENV_FILE"
}

take_lock() {
    mkdir -p "$(dirname "$RUN_DIR")"
    exec 9>"$RUN_DIR.lock"
    flock -w 900 9 || die "could not lock $RUN_DIR.lock (another scripts/services running?)"
}

# ---------------------------------------------------------------- stopping --
stop_service() { # NAME PIDFILE GRACE_SECONDS [SIGNAL]
    local name="$1" pidfile="$2" grace="$3" sig="${4:-TERM}" pid i
    pid="$(read_pid "$pidfile")"
    if [ -z "$pid" ]; then
        return 0
    fi
    if pid_alive "$pid" || group_alive "$pid"; then
        kill -"$sig" -- "-$pid" 2>/dev/null || kill -"$sig" "$pid" 2>/dev/null || true
        for ((i = 0; i < grace * 10; i++)); do
            pid_alive "$pid" || group_alive "$pid" || break
            sleep 0.1
        done
        if pid_alive "$pid" || group_alive "$pid"; then
            warn "$name (pid $pid) still running after ${grace}s; sending SIGKILL"
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            for ((i = 0; i < 100; i++)); do
                pid_alive "$pid" || group_alive "$pid" || break
                sleep 0.1
            done
        fi
        pid_alive "$pid" && die "could not stop $name (pid $pid)"
        say "$name stopped"
    fi
    rm -f "$pidfile"
}

wait_port_free() { # PORT
    local i
    for ((i = 0; i < 100; i++)); do
        tcp_open "$1" || return 0
        sleep 0.1
    done
    warn "port $1 still answers after stop"
}
