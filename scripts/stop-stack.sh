#!/usr/bin/env bash
# Stop the local test stack started by scripts/start-stack.sh.
#
#   bash scripts/stop-stack.sh                 # stop MariaDB, MySQL 8, Kafka, the registry, MaxCompute; keep data
#   bash scripts/stop-stack.sh --wipe          # stop, then delete the data dirs under DTS_STACK_DIR
#   bash scripts/stop-stack.sh kafka [--wipe]  # only some (mariadb | mysql8 | kafka | registry | maxcompute)
#
# SIGTERM, wait up to DTS_STOP_TIMEOUT (20 s), then SIGKILL. Idempotent: nothing running is fine.
set -euo pipefail

# shellcheck source=scripts/stack-env.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack-env.sh"

STOP_TIMEOUT="${DTS_STOP_TIMEOUT:-20}"

wipe=0
want_mariadb=0
want_mysql8=0
want_kafka=0
want_registry=0
want_maxcompute=0
for arg in "$@"; do
  case "$arg" in
    --wipe) wipe=1 ;;
    mariadb | mysql) want_mariadb=1 ;;
    mysql8) want_mysql8=1 ;;
    kafka) want_kafka=1 ;;
    registry) want_registry=1 ;;
    maxcompute) want_maxcompute=1 ;;
    all) want_mariadb=1; want_mysql8=1; want_kafka=1; want_registry=1; want_maxcompute=1 ;;
    -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) stack_err "unknown argument: $arg"; exit 2 ;;
  esac
done
if [ "$want_mariadb$want_mysql8$want_kafka$want_registry$want_maxcompute" = "00000" ]; then
  want_mariadb=1; want_mysql8=1; want_kafka=1; want_registry=1; want_maxcompute=1
fi

# stop_server NAME PIDFILE MATCH: TERM the server (from its pid file, or any process whose
# command line carries our own datadir/config path), wait, KILL if it hangs.
stop_server() {
  local name="$1" pidfile="$2" match="$3" pids=() pid
  if pid_alive "$pidfile" "$match"; then
    pids+=("$(pid_of "$pidfile")")
  fi
  # A server whose pid file was lost (or is still being written) is found by its exact paths.
  for pid in $(pids_matching "$match"); do
    case " ${pids[*]:-} " in *" $pid "*) ;; *) pids+=("$pid") ;; esac
  done
  if [ "${#pids[@]}" -eq 0 ]; then
    stack_log "$name is not running"
    rm -f "$pidfile"
    return 0
  fi

  stack_log "stopping $name (pid ${pids[*]})"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT)) alive
  while :; do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ "${#alive[@]}" -eq 0 ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      stack_log "$name did not stop within ${STOP_TIMEOUT}s; sending SIGKILL to ${alive[*]}"
      kill -KILL "${alive[@]}" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
  stack_log "$name stopped"
}

[ "$want_maxcompute" = 1 ] && stop_server "MaxCompute endpoint" "$MAXCOMPUTE_PID" "$MAXCOMPUTE_MATCH"
[ "$want_registry" = 1 ] && stop_server "schema registry" "$REGISTRY_PID" "$REGISTRY_MATCH"
[ "$want_kafka" = 1 ] && stop_server Kafka "$KAFKA_PID" "$KAFKA_MATCH"
[ "$want_mysql8" = 1 ] && stop_server "MySQL 8" "$MYSQL8_PID" "$MYSQL8_MATCH"
[ "$want_mariadb" = 1 ] && stop_server MariaDB "$MARIADB_PID" "$MARIADB_MATCH"

if [ "$wipe" = 1 ]; then
  case "$DTS_STACK_DIR" in
    "" | / | "${HOME:-/}" | "${HOME:-/}/") stack_err "refusing to wipe DTS_STACK_DIR='$DTS_STACK_DIR'"; exit 1 ;;
  esac
  if [ "$want_maxcompute" = 1 ]; then
    rm -rf "$MAXCOMPUTE_DIR"
    stack_log "wiped $MAXCOMPUTE_DIR"
  fi
  if [ "$want_registry" = 1 ]; then
    rm -rf "$REGISTRY_DIR"
    stack_log "wiped $REGISTRY_DIR"
  fi
  if [ "$want_kafka" = 1 ]; then
    rm -rf "$KAFKA_DIR"
    stack_log "wiped $KAFKA_DIR"
  fi
  if [ "$want_mysql8" = 1 ]; then
    rm -rf "$MYSQL8_DIR"
    case "$MYSQL8_SOCK" in "$MYSQL8_DIR"/*) ;; *) rm -f "$MYSQL8_SOCK" ;; esac
    stack_log "wiped $MYSQL8_DIR"
  fi
  if [ "$want_mariadb" = 1 ]; then
    rm -rf "$MARIADB_DIR" "$MARIADB_TLS_DIR" "$MARIADB_DIR".init.* "$MARIADB_OUT" "$DTS_STACK_DIR/mariadb-install.log"
    case "$MARIADB_SOCK" in "$MARIADB_DIR"/*) ;; *) rm -f "$MARIADB_SOCK" ;; esac
    stack_log "wiped $MARIADB_DIR"
  fi
  rmdir "$DTS_STACK_DIR" 2>/dev/null || true
fi
exit 0
