# shellcheck shell=bash
# scripts/docker.d/compose.sh — sourced by scripts/docker-test (not run on its own).
# Docker Compose v2 (built once from the Go module proxy, cached, installed as the CLI plugin),
# validation of docker/docker-compose.yml, the local stand-in images of the seed stack, and the
# whole stack up with scripts/docker.d/compose.test.yml until documents are in the date indices.

COMPOSE_PROJECT="logship-dtest"
COMPOSE_UP=0

version_ge() { # A B: A >= B (dotted versions, leading v ignored)
    [ -n "$1" ] && [ "$(printf '%s\n%s\n' "${1#v}" "${2#v}" | sort -V | head -1)" = "${2#v}" ]
}

find_go() {
    local g
    for g in "$GO" "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go; do
        if [ -z "$g" ] || [ ! -x "$g" ]; then continue; fi
        # Compose v2.40 needs Go >= 1.24 (Debian 12's golang is 1.19).
        if version_ge "$("$g" env GOVERSION 2>/dev/null | sed 's/^go//')" 1.24; then
            GO="$g"
            return 0
        fi
    done
    return 1
}

# github.com/docker/compose/v2 at $COMPOSE_VERSION, built as its own main module (`go install
# pkg@version` refuses a go.mod with exclude directives), from the module's go.sum.
build_compose() { # OUT
    local out="$1" src dir
    find_go || die "Docker Compose v2 is built from source and needs Go >= 1.24 (set LOGSHIP_GO); none found"
    say "building Docker Compose $COMPOSE_VERSION with $("$GO" env GOVERSION) (Go module proxy), once; cached as $out"
    dir="$(GOFLAGS=-mod=mod GOTOOLCHAIN=local "$GO" mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')" || die "go mod download compose $COMPOSE_VERSION failed"
    src="$DOCKER_RUN/compose-src.$$"
    rm -rf "$src"
    cp -r "$dir" "$src"
    chmod -R u+w "$src"
    mkdir -p "$(dirname "$out")"
    if ! (cd "$src" && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 "$GO" build -trimpath \
        -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
        -o "$out.tmp" ./cmd) </dev/null >"$DOCKER_RUN/compose-build.log" 2>&1; then
        show_log_tail "$DOCKER_RUN/compose-build.log"
        rm -rf "$src"
        die "building Docker Compose failed (log $DOCKER_RUN/compose-build.log)"
    fi
    mv -f "$out.tmp" "$out"
    rm -rf "$src"
}

COMPOSE_BIN="$DOCKER_CACHE/compose-$COMPOSE_VERSION/docker-compose"
COMPOSE_BUILD_PID=""
COMPOSE_BUILD_T0=0

# The override needs `!override` (Compose >= 2.24.4).
compose_usable() { version_ge "$(docker compose version --short 2>/dev/null || true)" 2.24.4; }

# On a fresh machine the Go build (~4 min of CPU) starts early, in the background, so that it
# overlaps the network-bound parts (debootstrap, apt-get in the image build). Its own process
# group (job control), so the cleanup can stop it with all its compilers.
start_compose_build() {
    if compose_usable || [ -x "$COMPOSE_BIN" ]; then return 0; fi
    find_go || die "Docker Compose v2 is built from source and needs Go >= 1.24 (set LOGSHIP_GO); none found"
    say "building Docker Compose $COMPOSE_VERSION in the background (log $DOCKER_RUN/compose-build.log)"
    set -m
    (build_compose "$COMPOSE_BIN") </dev/null >"$DOCKER_RUN/compose-build.log" 2>&1 &
    COMPOSE_BUILD_PID=$!
    set +m
    COMPOSE_BUILD_T0="$SECONDS"
}

stop_compose_build() {
    [ -n "$COMPOSE_BUILD_PID" ] || return 0
    if pid_alive "$COMPOSE_BUILD_PID"; then
        kill -TERM -- "-$COMPOSE_BUILD_PID" 2>/dev/null || true
        wait "$COMPOSE_BUILD_PID" 2>/dev/null || true
    fi
    rm -rf "$DOCKER_RUN"/compose-src.* "$COMPOSE_BIN.tmp"
    COMPOSE_BUILD_PID=""
}

ensure_compose() {
    local have plugin="$HOME/.docker/cli-plugins/docker-compose" rc=0
    if compose_usable; then
        say "using Docker Compose $(docker compose version --short)"
        return 0
    fi
    have="$(docker compose version --short 2>/dev/null || true)"
    if [ -n "$COMPOSE_BUILD_PID" ]; then
        say "waiting for the background build of Docker Compose $COMPOSE_VERSION"
        wait "$COMPOSE_BUILD_PID" || rc=$?
        COMPOSE_BUILD_PID=""
        [ "$rc" = 0 ] || { show_log_tail "$DOCKER_RUN/compose-build.log"; die "building Docker Compose failed (log $DOCKER_RUN/compose-build.log)"; }
        COMPOSE_BUILD_SECONDS=$((SECONDS - COMPOSE_BUILD_T0))
        say "Docker Compose built in ${COMPOSE_BUILD_SECONDS}s (in the background)"
    fi
    [ -x "$COMPOSE_BIN" ] || build_compose "$COMPOSE_BIN"
    local bin="$COMPOSE_BIN"
    [ -z "$have" ] || warn "replacing Docker Compose $have in $plugin by $COMPOSE_VERSION"
    mkdir -p "$(dirname "$plugin")"
    install -m 0755 "$bin" "$plugin"
    have="$(docker compose version --short 2>/dev/null || true)"
    version_ge "$have" 2.24.4 || die "docker compose does not work after installing $plugin"
    say "Docker Compose $have installed as $plugin"
}

# Stand-ins for apache/kafka, elasticsearch and python:3.11-slim (scripts/docker.d/images/): one
# Debian + JRE base, then the jars and the integ-test-zip from scripts/services' cache. The build
# contexts are hard links into the cache; layer caching makes a second run take seconds.
build_stack_images() {
    local ctx="$DOCKER_RUN/ctx" admin
    "$ROOT/scripts/services" fetch </dev/null >/dev/null # no-op when cached (the fixture started them)
    rm -rf "$ctx"
    mkdir -p "$ctx"
    docker_build logship-test/base:bookworm "$DD/images/base"
    docker tag logship-test/base:bookworm logship-test/python:3.11

    cp -r "$DD/images/kafka" "$ctx/kafka"
    cp -rl "$CACHE/kafka-$KAFKA_VERSION/libs" "$ctx/kafka/libs"
    rm -f "$ctx/kafka/libs/.complete"
    admin="$(find "$CACHE/kafka-$KAFKA_VERSION" -maxdepth 2 -path '*/admin-*/LogshipKafkaAdmin.class' ! -path '*.tmp.*' | head -1)"
    [ -n "$admin" ] || die "no compiled LogshipKafkaAdmin in $CACHE/kafka-$KAFKA_VERSION (scripts/services fetch)"
    mkdir -p "$ctx/kafka/admin" "$ctx/kafka/config"
    cp "$(dirname "$admin")"/*.class "$ctx/kafka/admin/"
    cp "$ROOT/scripts/services.d/kafka/log4j.properties" "$ROOT/scripts/services.d/kafka/log4j-tools.properties" "$ctx/kafka/config/"
    docker_build "logship-test/kafka:$KAFKA_VERSION" "$ctx/kafka"

    cp -r "$DD/images/elasticsearch" "$ctx/elasticsearch"
    cp -rl "$CACHE/elasticsearch-$ES_VERSION" "$ctx/elasticsearch/elasticsearch"
    rm -f "$ctx/elasticsearch/elasticsearch/.complete"
    docker_build "logship-test/elasticsearch:$ES_VERSION" "$ctx/elasticsearch"
    rm -rf "$ctx"
    pass "stand-in images: logship-test/kafka:$KAFKA_VERSION, logship-test/elasticsearch:$ES_VERSION, logship-test/python:3.11"
}

docker_build() { # TAG CONTEXT
    local log="$DOCKER_RUN/build-${1//[:\/]/_}.log"
    if ! DOCKER_BUILDKIT=0 docker build --network host -t "$1" "$2" </dev/null >"$log" 2>&1; then
        show_log_tail "$log"
        die "docker build -t $1 failed (log $log)"
    fi
}

compose() {
    docker compose -p "$COMPOSE_PROJECT" -f "$ROOT/docker/docker-compose.yml" -f "$DD/compose.test.yml" "$@"
}

# One container's state: healthy / starting / unhealthy / exited:<code> / running / missing.
service_state() { # SERVICE
    local id
    id="$(compose ps -a -q "$1" 2>/dev/null | head -1)"
    [ -n "$id" ] || { echo missing; return; }
    docker inspect -f '{{if eq .State.Status "exited"}}exited:{{.State.ExitCode}}{{else if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || echo missing
}
stack_ready() {
    local s
    [ "$(service_state kafka-init)" = exited:0 ] || return 1
    for s in kafka elasticsearch courseware-api logship-tail logship-stash; do
        [ "$(service_state "$s")" = healthy ] || return 1
    done
}
print_stack_state() {
    local s
    for s in kafka kafka-init elasticsearch kibana courseware-api logship-tail logship-stash; do
        say "  $s: $(service_state "$s")"
    done
}

compose_test() {
    local es_port tail_port stash_port es logs summary total f0="$FAILURES" out s
    # 1. The user-facing file alone, as a real Compose implementation reads it.
    if out="$(docker compose -f "$ROOT/docker/docker-compose.yml" config -q 2>&1)"; then
        pass "docker compose config accepts docker/docker-compose.yml"
    else
        fail "docker compose config rejects docker/docker-compose.yml: $out"
        return 0
    fi
    read -r es_port tail_port stash_port <<<"$(python3 "$DD/dtest.py" free-ports 3)"
    export LOGSHIP_DT_KAFKA_VERSION="$KAFKA_VERSION" LOGSHIP_DT_ES_VERSION="$ES_VERSION" LOGSHIP_DT_IMAGE="$IMAGE" \
        LOGSHIP_DT_ES_PORT="$es_port" LOGSHIP_DT_TAIL_PORT="$tail_port" LOGSHIP_DT_STASH_PORT="$stash_port"
    local services
    services="$(compose config --services | sort | tr '\n' ' ')"
    if [ "$services" = "courseware-api elasticsearch kafka kafka-init logship-stash logship-tail " ] \
        && [ "$(compose config --profiles)" = kibana ]; then
        pass "with the override: six services start, kibana only under the profile kibana"
    else
        fail "override: services '$services', profiles '$(compose config --profiles | tr '\n' ' ')'"
    fi

    phase "compose: stand-in images"
    build_stack_images

    phase "compose: stack up, documents indexed"
    compose down -v --remove-orphans >/dev/null 2>&1 || true # leftovers of an interrupted run
    COMPOSE_UP=1
    compose up -d --no-build --quiet-pull </dev/null >"$DOCKER_RUN/compose-up.log" 2>&1 \
        || { show_log_tail "$DOCKER_RUN/compose-up.log"; fail "docker compose up failed"; }
    if wait_for "$TIMEOUT" "the stack to be healthy (kafka-init done)" stack_ready; then
        pass "stack up: kafka, elasticsearch, courseware-api, logship-tail, logship-stash healthy; kafka-init exited 0"
    else
        fail "stack not ready:"
        print_stack_state
    fi
    if [ "$(service_state kibana)" = missing ]; then pass "kibana not started"; else fail "kibana: $(service_state kibana)"; fi
    es="http://127.0.0.1:$es_port"
    if wait_for "$TIMEOUT" "documents in courseware-*" es_count_at_least "$es" 'courseware-*' 1; then
        pass "documents arrive in courseware-* ($(es_count "$es" 'courseware-*') so far)"
    else
        fail "no documents in courseware-*"
    fi
    # Stop the service: gen-logs prints its summary (events written, per date) on SIGTERM; then
    # every event must be indexed exactly once (nothing matches stash.yml's drop filter).
    compose stop courseware-api >/dev/null 2>&1 || fail "docker compose stop courseware-api failed"
    logs="$DOCKER_RUN/courseware-api.log"
    compose logs --no-color --no-log-prefix courseware-api >"$logs" 2>&1 || true
    if summary="$(python3 "$DD/dtest.py" summary "$logs")"; then
        total="$(python3 "$DD/dtest.py" summary-field "$summary" total)"
        say "courseware-api wrote $total events: $(python3 "$DD/dtest.py" summary-field "$summary" dates)"
        wait_for "$TIMEOUT" "$total documents in courseware-*" es_count_at_least "$es" 'courseware-*' "$total" || true
        local n bad=0 line="" idx
        n="$(es_count "$es" 'courseware-*')"
        if [ "$n" = "$total" ] && [ "$total" -gt 0 ]; then
            pass "Elasticsearch holds exactly the $total events the service wrote"
        else
            fail "Elasticsearch holds $n documents in courseware-*, the service wrote $total"
        fi
        while read -r idx n; do
            [ -n "$idx" ] || continue
            [[ "$idx" =~ ^courseware-[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { fail "unexpected index $idx"; bad=1; }
            line="$line $idx=$n"
        done <<<"$(python3 "$DD/dtest.py" es-indices "$es" 'courseware-*')"
        [ "$bad" = 1 ] || pass "date-suffixed indices (courseware-yyyy-MM-dd, Asia/Shanghai):$line"
    else
        fail "no summary of courseware-api in its logs ($logs)"
    fi
    if [ "$FAILURES" -gt "$f0" ]; then
        for s in logship-tail logship-stash kafka elasticsearch; do
            printf '[docker-test] ---- %s (last 20 lines) ----\n' "$s" >&2
            compose logs --no-color --tail 20 "$s" >&2 2>&1 || true
        done
    fi
    compose_down
}

compose_down() {
    [ "$COMPOSE_UP" = 1 ] || return 0
    compose down -v --remove-orphans --timeout 20 >/dev/null 2>&1 || warn "docker compose down failed"
    COMPOSE_UP=0
}
