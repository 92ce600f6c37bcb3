# shellcheck shell=bash
# scripts/services.d/locations.sh — where the test services live, sourced by both scripts that
# need it: scripts/services.d/common.sh (the services) and scripts/docker.d/lib.sh (the Docker
# test, which builds its stand-in images from the same cached artifacts and reads the same env
# file). One place, so the two cannot drift apart.
# shellcheck disable=SC2034

KAFKA_VERSION="${LOGSHIP_KAFKA_VERSION:-3.9.2}"
ES_VERSION="${LOGSHIP_ES_VERSION:-8.19.21}"
if [ -z "${HOME:-}" ]; then HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"; export HOME; fi
CACHE="${LOGSHIP_CACHE:-$HOME/.cache/logship}"
case "$CACHE" in /*) ;; *) CACHE="$PWD/$CACHE" ;; esac
RUN_DIR="${LOGSHIP_RUN_DIR:-$CACHE/run}"
case "$RUN_DIR" in /*) ;; *) RUN_DIR="$PWD/$RUN_DIR" ;; esac
RUN_DIR="${RUN_DIR%/}"
