#!/bin/bash
# Entry point of logship-test/elasticsearch (see Dockerfile): like the official image's, every
# environment variable whose name looks like a setting (lower case, with a dot) becomes -Ename=value.
set -euo pipefail
opts=()
while IFS='=' read -r key value; do
    if [[ "$key" =~ ^[a-z0-9_]+\.[a-z0-9_.]+$ ]]; then opts+=("-E$key=$value"); fi
done < <(env)
ES_JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
export ES_JAVA_HOME
exec /usr/share/elasticsearch/bin/elasticsearch "${opts[@]}" "$@"
