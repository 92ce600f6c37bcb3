# shellcheck shell=bash
# scripts/services.d/topics.sh — sourced by scripts/services (not run on its own).
# `topic create|delete|list|offsets`, through the admin tool of kafka.sh: the one way the scripts
# (bash and Python) reach Kafka's admin API.

cmd_topic() { # create NAME [PARTITIONS] | delete NAME | list | offsets NAME
    local action="${1:-}"
    load_env
    find_java
    kafka_prepare
    case "$action" in
    create)
        [ -n "${2:-}" ] || die "usage: scripts/services topic create NAME [PARTITIONS]"
        kafka_admin create "$KAFKA_BOOTSTRAP" "$2" "${3:-3}"
        ;;
    delete)
        [ -n "${2:-}" ] || die "usage: scripts/services topic delete NAME"
        kafka_admin delete "$KAFKA_BOOTSTRAP" "$2"
        ;;
    list)
        kafka_admin list "$KAFKA_BOOTSTRAP"
        ;;
    offsets) # "PARTITION HIGH_WATERMARK" lines; exit 1 when the topic does not exist
        [ -n "${2:-}" ] || die "usage: scripts/services topic offsets NAME"
        kafka_admin offsets "$KAFKA_BOOTSTRAP" "$2"
        ;;
    *) die "usage: scripts/services topic create NAME [PARTITIONS] | delete NAME | list | offsets NAME" ;;
    esac
}
