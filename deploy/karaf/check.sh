#!/usr/bin/env bash
# Proves DataFlux in Apache Karaf end to end: builds the bundle and its features.xml, fetches Karaf through Maven,
# starts the test servers (Redis, MariaDB, Kafka, HDFS on 127.0.0.1), configures DataFlux through Karaf's
# etc/io.dataflux.cfg, installs the feature, and checks that generated posts pushed into Redis reach MySQL, Kafka and
# HDFS, that health and metrics answer, and that DataFlux stops cleanly with Karaf. Exits non-zero on any failure.
#
#   bash deploy/karaf/check.sh          (CI runs it from .ci/run)
# Environment: KARAF_VERSION (4.4.10), RECORDS (500), TIMEOUT seconds for the records (180),
#              MAVEN_REPO (~/.m2/repository, where Karaf finds the bundle), SKIP_BUILD=1 (reuse the last build),
#              KEEP=1 (keep the work directory).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KARAF_VERSION=${KARAF_VERSION:-4.4.10}
RECORDS=${RECORDS:-500}
TIMEOUT=${TIMEOUT:-180}
MAVEN_REPO=${MAVEN_REPO:-$HOME/.m2/repository}
MVN=("$ROOT/mvnw" -B -q)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dataflux-karaf.XXXXXX")
KARAF="$WORK/apache-karaf-$KARAF_VERSION"
STARTED=$SECONDS
SERVERS_PID=
KARAF_PID=

say() { printf '[karaf-check %3ds] %s\n' $((SECONDS - STARTED)) "$*"; }
fail() {
  say "FAILED: $*"
  if [ -f "$KARAF/data/log/karaf.log" ]; then
    say "last lines of Karaf's log:"
    tail -n 400 "$KARAF/data/log/karaf.log" | grep -a -v '^\s*at ' | tail -n 40 | cut -c1-400 || true
  fi
  if [ -f "$WORK/servers.log" ]; then
    say "last lines of the test servers' log:"
    tail -20 "$WORK/servers.log" | cut -c1-400 || true
  fi
  exit 1
}

# waits until a command succeeds: await SECONDS DESCRIPTION COMMAND...
await() {
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "no $what within ${limit}s"
    sleep 1
  done
}

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# Karaf's bin/karaf is a shell that runs the JVM as its child
karaf_jvm() { pgrep -P "$KARAF_PID" java || true; }

stop_karaf() {
  alive "$KARAF_PID" || return 0
  local jvm
  jvm=$(karaf_jvm)
  "$KARAF/bin/stop" >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 90))
  while alive "$KARAF_PID" && [ $SECONDS -lt $deadline ]; do sleep 1; done
  if alive "$KARAF_PID"; then
    say "Karaf did not stop within 90s: killing it"
    [ -n "$jvm" ] && kill -9 $jvm 2>/dev/null || true
    kill -9 "$KARAF_PID" 2>/dev/null || true
    return 1
  fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_karaf || true
  if alive "$SERVERS_PID"; then
    kill "$SERVERS_PID" 2>/dev/null || true # its shutdown hook stops the servers; the watchdog ends the rest
    local deadline=$((SECONDS + 30))
    while alive "$SERVERS_PID" && [ $SECONDS -lt $deadline ]; do sleep 1; done
    kill -9 "$SERVERS_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then say "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a port nothing listens on (127.0.0.1), from a range the kernel does not hand out to clients
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

command -v curl >/dev/null || fail "curl is needed (apt-get install curl)"
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
cd "$ROOT"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  say "building DataFlux and installing it into $MAVEN_REPO"
  "${MVN[@]}" install -DskipTests -Dmaven.repo.local="$MAVEN_REPO"
  say "building the bundle and its features.xml (deploy/karaf)"
  "${MVN[@]}" -f deploy/karaf/pom.xml install -Dmaven.repo.local="$MAVEN_REPO"
fi
say "fetching Karaf $KARAF_VERSION through Maven, and the test class path"
"${MVN[@]}" -pl app dependency:build-classpath dependency:copy -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/classpath.txt" -Dartifact="org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz" \
  -DoutputDirectory="$WORK" -Dmaven.repo.local="$MAVEN_REPO" >/dev/null

say "starting Redis, MariaDB, Kafka and HDFS; $RECORDS posts go into Redis"
java -Xmx1g -Dlog4j2.configurationFile=log4j2-test.properties \
  -cp "app/target/test-classes:app/target/classes:$(cat "$WORK/classpath.txt")" io.dataflux.testing.ServersMain \
  --properties "$WORK/servers.properties" --records "$RECORDS" --result "$WORK/result.txt" --timeout "$TIMEOUT" \
  >"$WORK/servers.log" 2>&1 &
SERVERS_PID=$!

tar xzf "$WORK/apache-karaf-$KARAF_VERSION.tar.gz" -C "$WORK"

SSH_PORT=$(free_port)
MANAGEMENT_PORT=$(free_port)
# the karaf user for bin/client; Karaf's own ports on 127.0.0.1 only, away from other Karafs on this machine
sed -i 's/^#karaf = karaf,_g_:admingroup/karaf = karaf,_g_:admingroup/; s/^#_g_\\:admingroup/_g_\\:admingroup/' \
  "$KARAF/etc/users.properties"
sed -i "s/^sshPort = .*/sshPort = $SSH_PORT/; s/^sshHost = .*/sshHost = 127.0.0.1/" "$KARAF/etc/org.apache.karaf.shell.cfg"
sed -i "s/^rmiRegistryPort = .*/rmiRegistryPort = $(free_port)/; s/^rmiServerPort = .*/rmiServerPort = $(free_port)/" \
  "$KARAF/etc/org.apache.karaf.management.cfg"
# the bundle comes from the local Maven repository, nothing from the network
cat >>"$KARAF/etc/org.ops4j.pax.url.mvn.cfg" <<EOF

# DataFlux check: the local Maven repository only
org.ops4j.pax.url.mvn.localRepository=$MAVEN_REPO
org.ops4j.pax.url.mvn.repositories=
EOF

say "starting Karaf"
JAVA_MAX_MEM=1536M "$KARAF/bin/karaf" server >"$WORK/karaf.out" 2>&1 &
KARAF_PID=$!

await $((TIMEOUT)) "test servers" test -f "$WORK/servers.properties"
alive "$SERVERS_PID" || fail "the test servers ended"
# DataFlux's configuration: etc/io.dataflux.cfg (PID io.dataflux), written whole and moved into place
configure() {
  {
    echo "# written by deploy/karaf/check.sh: the test servers, then what the check needs"
    cat "$WORK/servers.properties"
    echo "camel.management.host = 127.0.0.1"
    echo "camel.management.port = $MANAGEMENT_PORT"
    echo "dataflux.instance-id = karaf-check"
    # commit the archive's files soon after the last post, so the check can read them
    echo "dataflux.archive.roll-idle = 2000"
    local line
    for line in "$@"; do echo "$line"; done
  } >"$WORK/io.dataflux.cfg"
  mv "$WORK/io.dataflux.cfg" "$KARAF/etc/io.dataflux.cfg"
}
configure

# batch commands on stdin; waits up to 90 s for Karaf's SSH port
client() { "$KARAF/bin/client" -a "$SSH_PORT" -u karaf -p karaf -r 90 -d 1 -b 2>&1 | { grep -v 'JAVA_HOME not set' || true; }; }

say "installing the dataflux feature (etc/io.dataflux.cfg points it at the test servers)"
client <<EOF || fail "feature install"
feature:repo-add mvn:io.dataflux/dataflux-karaf/0.1.0-SNAPSHOT/xml/features
feature:install dataflux
EOF
# (grep reads a here-string, never a pipe: grep -q leaving early would fail the writer under pipefail)
FEATURES=$(client <<<'feature:list -i') || fail "feature:list"
grep -q '^dataflux ' <<<"$FEATURES" || fail "the dataflux feature is not installed: $FEATURES"
say "feature installed; waiting for the posts to reach MySQL, Kafka and HDFS"

outcome() {
  [ -f "$WORK/result.txt" ] && return 0
  alive "$SERVERS_PID" || fail "the test servers ended"
  alive "$KARAF_PID" || fail "Karaf ended"
  return 1
}
await "$TIMEOUT" "outcome from the test servers" outcome
RESULT=$(cat "$WORK/result.txt")
case "$RESULT" in
  OK*) say "records flowed through the bundle: ${RESULT#OK }" ;;
  *) fail "records: $RESULT" ;;
esac

health() { curl -fsS --max-time 5 "http://127.0.0.1:$MANAGEMENT_PORT$1"; }
HEALTH=$(health /observe/health) || fail "GET /observe/health"
grep -q '"status" *: *"UP"' <<<"$HEALTH" || fail "health is not UP: $HEALTH"
health /observe/health/ready >/dev/null || fail "GET /observe/health/ready"
METRICS=$(health /observe/metrics) || fail "GET /observe/metrics"
grep -q '^camel_exchanges_total' <<<"$METRICS" || fail "no Camel metrics at /observe/metrics"
grep -q 'routeId="lineage-kafka"' <<<"$METRICS" || fail "the Java DSL routes (camel.main.routes-builder-classes) do not run"
say "health UP, ready, metrics served on 127.0.0.1:$MANAGEMENT_PORT/observe, the Java DSL routes run"

# A change of etc/io.dataflux.cfg restarts DataFlux with it: here another management port, and the route files from
# etc/dataflux/routes (the project's routes plus one of the check's own) instead of the bundle's
mkdir -p "$KARAF/etc/dataflux/routes"
cp routes/*.camel.yaml routes/*.camel.xml "$KARAF/etc/dataflux/routes/"
cat >"$KARAF/etc/dataflux/routes/karaf-check.camel.yaml" <<'ROUTE'
# added by deploy/karaf/check.sh: a route that only runs when the route files come from etc/
- route:
    id: karaf-check
    from:
      uri: timer:karaf-check
      parameters:
        period: 500
      steps:
        - setBody:
            id: karaf-check-body
            constant: route files from etc/
ROUTE
OLD_PORT=$MANAGEMENT_PORT
MANAGEMENT_PORT=$(free_port)
# shellcheck disable=SC2016 # ${karaf.etc} is for Karaf to fill in
ETC_ROUTES='camel.main.routes-include-pattern = file:${karaf.etc}/dataflux/routes/*.camel.yaml,file:${karaf.etc}/dataflux/routes/*.camel.xml'
configure "$ETC_ROUTES"
say "changed etc/io.dataflux.cfg: management port $OLD_PORT -> $MANAGEMENT_PORT, route files from etc/dataflux/routes"
health_up() { local body; body=$(health /observe/health 2>/dev/null) && grep -q '"status" *: *"UP"' <<<"$body"; }
await 120 "health UP on port $MANAGEMENT_PORT after the restart" health_up
METRICS=$(health /observe/metrics) || fail "GET /observe/metrics"
grep -q 'routeId="karaf-check"' <<<"$METRICS" || fail "the route from etc/dataflux/routes does not run"
if curl -fsS --max-time 5 "http://127.0.0.1:$OLD_PORT/observe/health" >/dev/null 2>&1; then
  fail "the previous configuration still answers on $OLD_PORT"
fi
say "restarted with the new configuration: health UP on $MANAGEMENT_PORT, the route files from etc/ run"

# A wrong etc/io.dataflux.cfg is refused by the application's configuration check, and DataFlux runs on
configure "$ETC_ROUTES" 'dataflux.redis.prot = 6379'
refused() { grep -a -q "Configuration: etc/io.dataflux.cfg: unknown property 'dataflux.redis.prot'" "$KARAF/data/log/karaf.log"; }
await 60 "report of the misspelt key dataflux.redis.prot in Karaf's log" refused
health_up || fail "DataFlux stopped for a configuration it refused"
say "a misspelt key in etc/io.dataflux.cfg is reported, not applied, and DataFlux runs on"

say "stopping Karaf"
stop_karaf || fail "Karaf did not stop"
grep -a -q 'Apache Camel .* (dataflux) shutdown in' "$KARAF/data/log/karaf.log" || fail "DataFlux did not shut down cleanly"
say "PASSED in $((SECONDS - STARTED))s: DataFlux ran in Karaf $KARAF_VERSION as one bundle"
