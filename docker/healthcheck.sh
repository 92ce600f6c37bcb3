#!/bin/bash
# HEALTHCHECK of the logship image: GET <path> (default /healthz) on the daemon's admin endpoint
# at $LOGSHIP_HEALTH_HOST:$LOGSHIP_HEALTH_PORT, with bash's /dev/tcp only (no curl in the image).
# Exit 0 on an HTTP 200 answer, 1 otherwise (the body, which names the failing check, is printed).
set -u
path="${1:-/healthz}"
host="${LOGSHIP_HEALTH_HOST:-127.0.0.1}"
port="${LOGSHIP_HEALTH_PORT:-5066}"
timeout="${LOGSHIP_HEALTH_TIMEOUT:-4}"

if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
  echo "unhealthy: nothing listens on $host:$port" >&2
  exit 1
fi
printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$host" "$port" >&3
status=""
IFS= read -r -t "$timeout" status <&3 || true
status="${status%$'\r'}"
body=""
line=""
while IFS= read -r -t "$timeout" line <&3 || [ -n "$line" ]; do body="$line"; line=""; done
exec 3<&-
case "$status" in
  "HTTP/1."?" 200"*) echo "healthy: $body"; exit 0 ;;
esac
echo "unhealthy: ${status:-no answer} $body" >&2
exit 1
