#!/bin/bash
# The subset of the distribution's kafka-topics.sh that docker/docker-compose.yml uses
# (--bootstrap-server B --create [--if-not-exists] --topic T [--partitions N]
# [--replication-factor 1], --list, --delete --topic T), done by scripts/services' admin tool
# (Kafka's own Admin client; `create` waits for the partition leaders and accepts an existing
# topic with the same partition count). kafka-tools.jar (TopicCommand) is not among the jars
# scripts/services downloads; anything else is refused, not ignored.
set -euo pipefail
bootstrap="" topic="" partitions=1 action=""
while [ $# -gt 0 ]; do
    case "$1" in
    --bootstrap-server) bootstrap="$2"; shift ;;
    --topic) topic="$2"; shift ;;
    --partitions) partitions="$2"; shift ;;
    --replication-factor) [ "$2" = 1 ] || { echo "kafka-topics.sh: only --replication-factor 1" >&2; exit 2; }; shift ;;
    --create | --list | --delete) action="${1#--}" ;;
    --if-not-exists) ;;
    *) echo "kafka-topics.sh (logship-test/kafka): unsupported argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$bootstrap" ] || [ -z "$action" ]; then echo "kafka-topics.sh: need --bootstrap-server and --create|--list|--delete" >&2; exit 2; fi
args=("$action" "$bootstrap")
[ "$action" = list ] || args+=("${topic:?--topic is required}")
[ "$action" = create ] && args+=("$partitions")
exec java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "/opt/kafka/admin:/opt/kafka/libs/*" \
    -Dlog4j.configuration=file:/opt/kafka/config/log4j-tools.properties \
    LogshipKafkaAdmin "${args[@]}"
