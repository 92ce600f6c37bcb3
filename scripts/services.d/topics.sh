# shellcheck shell=bash
# scripts/services.d/topics.sh — sourced by scripts/services (not run on its own).
# `topic create|delete|list`, through the admin tool of kafka.sh.

cmd_topic() { # create NAME [PARTITIONS] | delete NAME | list
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
    *) die "usage: scripts/services topic create NAME [PARTITIONS] | delete NAME | list" ;;
    esac
}
