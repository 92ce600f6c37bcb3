# shellcheck shell=bash
# scripts/docker.d/lib.sh — sourced by scripts/docker-test (not run on its own).
# Settings, logging and timing, host packages, the Docker engine (reuse or start our own dockerd,
# stop it again), locally made base images (debootstrap; no registry is reachable), container and
# volume bookkeeping for the cleanup.
# ROOT and DD (scripts/docker.d) are set by scripts/docker-test before sourcing; settings are read
# by the other modules, which shellcheck cannot see in a file checked alone.
# shellcheck disable=SC2034

# KAFKA_VERSION, ES_VERSION, CACHE, RUN_DIR: the ones scripts/services uses (its env file, its
# cached server artifacts).
# shellcheck source=services.d/locations.sh
. "$ROOT/scripts/services.d/locations.sh"

DOCKER_CACHE="$CACHE/docker"                        # rootfs tarball, Compose binary
DOCKER_RUN="$RUN_DIR/docker"                        # dockerd pid file + log, work dirs of this run
DOCKERD_PIDFILE="$DOCKER_RUN/dockerd.pid"
DOCKERD_LOG="$DOCKER_RUN/dockerd.log"
MIRROR="${LOGSHIP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOTFS_TAR="$DOCKER_CACHE/debian-bookworm-minbase.tar"
COMPOSE_VERSION="${LOGSHIP_COMPOSE_VERSION:-v2.40.3}"
GO="${LOGSHIP_GO:-}"
IMAGE="${LOGSHIP_DOCKER_IMAGE:-logship:test}"
BUSYBOX_IMAGE="logship-test/busybox:local"
TIMEOUT="${LOGSHIP_DOCKER_TIMEOUT:-240}"           # seconds for each wait on data or health
RUN_ID="dt$(date +%s)$$"                            # names of this run's topic, index, volumes
LABEL="org.logship.docker-test=$RUN_ID"            # on every container and volume we create

STARTED_DOCKERD=0
DOCKERD_PID=""

# ---------------------------------------------------------------- logging --
say()  { printf '[docker-test] %s\n' "$*"; }
warn() { printf '[docker-test] WARNING: %s\n' "$*" >&2; }
die()  { printf '[docker-test] ERROR: %s\n' "$*" >&2; exit 1; }
fail() { printf '[docker-test] FAIL: %s\n' "$*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { printf '[docker-test] ok: %s\n' "$*"; PASSED=$((PASSED + 1)); }
FAILURES=0
PASSED=0

# Timings: `phase NAME` starts one, `phase_end` closes it; `timings` prints the table.
PHASES=()
PHASE_NAME=""
PHASE_T0=0
phase() {
    [ -z "$PHASE_NAME" ] || phase_end
    PHASE_NAME="$1"
    PHASE_T0="$SECONDS"
    say "==== $1"
}
phase_end() {
    [ -n "$PHASE_NAME" ] || return 0
    PHASES+=("$(printf '%-34s %5ss' "$PHASE_NAME" "$((SECONDS - PHASE_T0))")")
    PHASE_NAME=""
}
TIMINGS_SHOWN=0
timings() {
    phase_end
    [ "$TIMINGS_SHOWN" = 0 ] || return 0
    TIMINGS_SHOWN=1
    local p
    say "timings:"
    for p in "${PHASES[@]}"; do say "  $p"; done
}

show_log_tail() { # FILE [LINES]
    local f="$1" n="${2:-40}"
    if [ -s "$f" ]; then
        printf '[docker-test] ---- last %s lines of %s ----\n' "$n" "$f" >&2
        tail -n "$n" "$f" >&2 || true
        printf '[docker-test] ---- end of %s ----\n' "$f" >&2
    fi
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Polls COMMAND... (quietly) once a second until it succeeds or SECONDS_ passed; returns its status.
wait_for() { # SECONDS_ WHAT COMMAND...
    local limit="$1" what="$2" deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            warn "timed out after ${limit}s waiting for $what"
            return 1
        fi
        sleep 1
    done
}

# $RUN_DIR/docker. A run dir that does not exist yet gets scripts/services' marker, so that a later
# `scripts/services start` may wipe it as its own (it refuses to wipe an unmarked, non-empty one).
prepare_run_dir() {
    if [ ! -d "$RUN_DIR" ]; then
        mkdir -p "$RUN_DIR"
        touch "$RUN_DIR/.logship-run-dir"
    fi
    mkdir -p "$DOCKER_RUN" "$DOCKER_CACHE"
}

# ---------------------------------------------------------------- packages --
# Same approach as scripts/install-deps: dpkg-query per package, one quiet apt-get for the missing.
install_packages() { # LIST_FILE
    local pkg missing=()
    # shellcheck disable=SC2013 # one package name a line, no spaces
    for pkg in $(grep -hv '^\s*#' "$1" | sed '/^\s*$/d'); do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    ((${#missing[@]} > 0)) || return 0
    [ "$(id -u)" = 0 ] || die "missing Debian packages (run as root, or install them): ${missing[*]}"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >/dev/null
    # docker.io's postinst cannot start a service without systemd; that is fine, we start dockerd.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >"$DOCKER_RUN/apt.log" 2>&1 \
        || { show_log_tail "$DOCKER_RUN/apt.log"; die "apt-get install ${missing[*]} failed"; }
}

# Every package of scripts/packages-runtime.txt and packages-build.txt must exist in Debian 12 (the
# Dockerfile installs them with apt-get in a bookworm image; this host is bookworm too). A wrong
# name (libhowardhinnant-date3 instead of libdate-tz3) is reported here, before a 10-minute build.
check_package_lists() {
    local list pkg known bad=() all=()
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -print -quit 2>/dev/null)" ]; then
        apt-get update -qq </dev/null >/dev/null
    fi
    for list in "$ROOT/scripts/packages-runtime.txt" "$ROOT/scripts/packages-build.txt"; do
        # shellcheck disable=SC2013 # one package name a line, no spaces
        for pkg in $(grep -hv '^\s*#' "$list" | sed '/^\s*$/d'); do all+=("$pkg"); done
    done
    # One `apt-cache policy` for all: a known package prints "name:" and its candidate version, an
    # unknown one nothing, a purely virtual one "Candidate: (none)".
    known="$(apt-cache policy "${all[@]}" 2>/dev/null \
        | awk '/^[^ ].*:$/ { name = substr($0, 1, length($0) - 1) }
               /^  Candidate:/ && $2 != "(none)" { print name }')"
    for pkg in "${all[@]}"; do
        grep -qxF "$pkg" <<<"$known" || bad+=("$pkg")
    done
    if ((${#bad[@]} > 0)); then
        fail "not Debian $(cut -d. -f1 /etc/debian_version 2>/dev/null) packages (scripts/packages-runtime.txt or -build.txt): ${bad[*]}"
        return 1
    fi
    pass "all ${#all[@]} packages of scripts/packages-runtime.txt and packages-build.txt exist (apt-cache policy)"
}

# ------------------------------------------------------------------ engine --
docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

start_dockerd() {
    if docker_answers; then
        say "using the Docker engine that already answers ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
        return 0
    fi
    command -v dockerd >/dev/null || die "no dockerd (package docker.io)"
    mkdir -p "$DOCKER_RUN"
    local old=""
    if [ -f "$DOCKERD_PIDFILE" ]; then old="$(tr -dc 0-9 <"$DOCKERD_PIDFILE" || true)"; fi
    if pid_alive "$old"; then
        die "dockerd (pid $old, $DOCKERD_PIDFILE) runs but does not answer; stop it first"
    fi
    say "starting dockerd --iptables=false --bridge=none (log $DOCKERD_LOG)"
    # No registry, no NAT here: --bridge=none (no docker0), containers use --network host or a
    # user-defined network (compose); --iptables=false (no rules on the host).
    setsid dockerd --iptables=false --bridge=none --pidfile "$DOCKERD_PIDFILE" \
        </dev/null >>"$DOCKERD_LOG" 2>&1 &
    local pid=$! deadline=$((SECONDS + 60))
    STARTED_DOCKERD=1
    DOCKERD_PID="$pid"
    until docker_answers; do
        pid_alive "$pid" || { show_log_tail "$DOCKERD_LOG"; die "dockerd exited during startup"; }
        [ "$SECONDS" -lt "$deadline" ] || { show_log_tail "$DOCKERD_LOG"; die "dockerd did not answer within 60s"; }
        sleep 0.2
    done
    say "dockerd $(docker version -f '{{.Server.Version}}') up (pid $pid)"
}

stop_dockerd() {
    [ "$STARTED_DOCKERD" = 1 ] || return 0
    local pid="$DOCKERD_PID" i
    [ -n "$pid" ] || return 0
    if pid_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 300; i++)); do pid_alive "$pid" || break; sleep 0.1; done
        if pid_alive "$pid"; then
            warn "dockerd (pid $pid) still running after 30s; SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
    # dockerd leaves the mount of its default network namespace behind; nothing else uses it.
    if mountpoint -q /run/docker/netns/default 2>/dev/null; then umount /run/docker/netns/default 2>/dev/null || true; fi
    STARTED_DOCKERD=0
    say "dockerd stopped"
}

# Removes what this run created (by label), whatever state it is in.
remove_our_containers() {
    docker_answers || return 0
    local ids
    ids="$(docker ps -aq --filter "label=$LABEL" 2>/dev/null || true)"
    # shellcheck disable=SC2086 # one id a word
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    ids="$(docker volume ls -q --filter "label=$LABEL" 2>/dev/null || true)"
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker volume rm -f $ids >/dev/null 2>&1 || true
}

# ------------------------------------------------------------- base images --
# debian:bookworm made with debootstrap (the official image's content: minbase + apt sources for
# bookworm, -updates and -security), imported once per engine; the rootfs tarball is cached, so a
# second run (even on a wiped engine) takes seconds. debian:bookworm-slim is the same image.
make_rootfs_tarball() {
    local tmp="$DOCKER_CACHE/rootfs.tmp.$$"
    mkdir -p "$DOCKER_CACHE"
    rm -rf "$tmp"
    say "debootstrap --variant=minbase bookworm ($MIRROR), once; cached as $ROOTFS_TAR"
    if ! debootstrap --variant=minbase bookworm "$tmp" "$MIRROR" </dev/null >"$DOCKER_RUN/debootstrap.log" 2>&1; then
        show_log_tail "$DOCKER_RUN/debootstrap.log"
        rm -rf "$tmp"
        die "debootstrap failed (log $DOCKER_RUN/debootstrap.log)"
    fi
    rm -f "$tmp/etc/apt/sources.list"
    cat >"$tmp/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    rm -rf "$tmp"/var/lib/apt/lists/* "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/log/*.log
    tar --numeric-owner -C "$tmp" -cf "$ROOTFS_TAR.tmp" .
    mv -f "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
    rm -rf "$tmp"
}

base_images() {
    if docker image inspect debian:bookworm >/dev/null 2>&1; then
        say "debian:bookworm is present ($(docker image inspect -f '{{.Id}}' debian:bookworm | cut -c1-19))"
    else
        [ -s "$ROOTFS_TAR" ] || make_rootfs_tarball
        say "docker import $ROOTFS_TAR as debian:bookworm"
        docker import -c 'CMD ["bash"]' -m "debootstrap --variant=minbase bookworm" \
            "$ROOTFS_TAR" debian:bookworm >/dev/null
    fi
    docker image inspect debian:bookworm-slim >/dev/null 2>&1 || docker tag debian:bookworm debian:bookworm-slim
    busybox_image
    pass "base images: debian:bookworm, debian:bookworm-slim, $BUSYBOX_IMAGE"
}

# The writer of the sidecar test and of the engine test (scripts/docker-engine): Debian's
# busybox-static, /bin/busybox and its applet links, imported in a second.
busybox_image() {
    docker image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1 && return 0
    [ -x /bin/busybox ] || die "no /bin/busybox (package busybox-static)"
    local bb="$DOCKER_RUN/busybox-root" applet
    rm -rf "$bb"
    mkdir -p "$bb/bin" "$bb/tmp"
    cp /bin/busybox "$bb/bin/busybox"
    for applet in $("$bb/bin/busybox" --list); do
        [ "$applet" = busybox ] || ln -s busybox "$bb/bin/$applet"
    done
    tar --numeric-owner -C "$bb" -c . | docker import -c 'CMD ["/bin/sh"]' - "$BUSYBOX_IMAGE" >/dev/null
    rm -rf "$bb"
}
