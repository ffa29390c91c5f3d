#!/usr/bin/env bash
# Builds the DataFlux container image with Jib where no image registry is reachable, runs it under podman the way
# the Kubernetes Deployment runs it (non-root, read-only root file system with a writable /tmp, the memory limit,
# the routes and their SQL mounted from files, the MySQL password from a Secret-like directory), against real Redis,
# MariaDB, Kafka and HDFS on 127.0.0.1, and shows that health answers, posts flow to all three sinks, memory stays
# within the limit, and SIGTERM stops it gracefully. Usage (as root): deploy/image/build-offline.sh [posts] [memory]
# Needs: apt-get install debootstrap podman runc. Not part of CI: it needs root and takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-50000}
memory=${2:-1g}
cache=${DATAFLUX_IMAGE_CACHE:-$HOME/.cache/dataflux-image}
base_tar=$cache/base-jre17.tar
image=localhost/dataflux:offline
container=dataflux-image-check
work=$PWD/target/image-check
metrics=http://127.0.0.1:9876/observe/metrics

step() { echo; echo "== $*"; }

step "1. base image (JRE 17 on Debian bookworm): $base_tar"
if [ ! -f "$base_tar" ]; then
  deploy/image/build-base.sh "$base_tar"
else
  echo "present ($(du -h "$base_tar" | cut -f1)); delete it to build it again"
fi

step "2. Jib: the image from the Maven build, on the local base tar (jib:buildTar, no registry)"
./mvnw -B -q -DskipTests -pl app -am package jib:buildTar "-Dimage.base=tar://$base_tar" "-Dimage.name=$image"
podman load -i app/target/jib-image.tar | tail -1
podman image inspect "$image" --format 'user {{.Config.User}}, entrypoint {{.Config.Entrypoint}}, env {{.Config.Env}}'

step "3. the servers (the test harness's Redis, MariaDB, Kafka 3.9.1 and MiniDFSCluster on 127.0.0.1)"
rm -rf "$work" && mkdir -p "$work"
./mvnw -B -q -pl app dependency:build-classpath -Dmdep.includeScope=test "-Dmdep.outputFile=$work/classpath.txt" >/dev/null
# from a copy of the compiled classes, so a build in this checkout meanwhile cannot pull them away
cp -r app/target/classes "$work/classes" && cp -r app/target/test-classes "$work/test-classes"
java -Xmx2g -cp "$work/test-classes:$work/classes:$(cat "$work/classpath.txt")" \
  io.dataflux.deploy.ImageCheckServers "$work" "$records" > "$work/servers.log" 2>&1 &
servers_pid=$!
cleanup() {
  podman rm -f "$container" >/dev/null 2>&1 || true
  kill "$servers_pid" 2>/dev/null || true
}
trap cleanup EXIT
until [ -f "$work/servers.env" ]; do
  kill -0 "$servers_pid" 2>/dev/null || { cat "$work/servers.log"; exit 1; }
  sleep 1
done
grep '^\[servers\]' "$work/servers.log"
cat "$work/servers.env"

step "4. the container, as the Deployment runs it (deploy/kubernetes/base/deployment.yaml)"
# the environment is the Deployment's (DeploymentManifestsTest checks these lines against it) except
# DATAFLUX_CLUSTER_TYPE=kubernetes: there is no Kubernetes API here to hold a Lease. servers.env stands for the
# overlay's dataflux-env ConfigMap, secret/ for the dataflux-credentials Secret
podman --runtime runc run -d --name "$container" --network=host \
  --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
  --user 10001:10001 --read-only --tmpfs /tmp:rw,mode=1777,size=64m --memory "$memory" \
  -v "$PWD/routes:/etc/dataflux/routes:ro" \
  -v "$PWD/routes/sql:/app/resources/sql:ro" \
  -v "$work/secret:/etc/dataflux/secret:ro" \
  --env-file "$work/servers.env" \
  -e DATAFLUX_INSTANCE_ID=dataflux-image-check \
  -e 'CAMEL_MAIN_ROUTES_INCLUDE_PATTERN=file:/etc/dataflux/routes/*.camel.yaml,file:/etc/dataflux/routes/*.camel.xml' \
  -e CAMEL_MAIN_CLOUD_PROPERTIES_LOCATION=/etc/dataflux/secret \
  "$image" >/dev/null
pid=$(podman inspect -f '{{.State.Pid}}' "$container")
started=$(date +%s)
until curl -sf -o /dev/null http://127.0.0.1:9876/observe/health/ready; do
  [ "$(podman inspect -f '{{.State.Running}}' "$container")" = true ] || { podman logs "$container"; exit 1; }
  [ $(( $(date +%s) - started )) -lt 180 ] || { podman logs "$container" | tail -50; exit 1; }
  sleep 1
done
echo "ready $(( $(date +%s) - started )) s after start"
echo "GET /observe/health/live  -> $(curl -s -w ' (%{http_code})' http://127.0.0.1:9876/observe/health/live)"
echo "GET /observe/health/ready -> $(curl -s -w ' (%{http_code})' http://127.0.0.1:9876/observe/health/ready | cut -c1-300)"
podman logs "$container" 2>&1 | grep -E 'Properties location|OS Environment Variable|Routes startup|started in|cloud|Lease|leader' | cut -c1-220 | head -20 || true

step "5. $records posts through the container; memory sampled each second (limit $memory)"
# the heap as the JVM reports it in its perf data (jstat of the host's JDK reads the container's /tmp/hsperfdata_*)
heap_used_kb() { jstat -gc "$pid" | awk 'NR == 2 {printf "%d", $3 + $4 + $6 + $8}'; }
heap_max=0 rss_max=0
while [ ! -f "$work/records-done" ]; do
  kill -0 "$servers_pid" 2>/dev/null || { tail -30 "$work/servers.log"; podman logs "$container" | tail -30; exit 1; }
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  heap=$(heap_used_kb)
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
  [ "$heap" -gt "$heap_max" ] && heap_max=$heap
  sleep 1
done
grep '^\[servers\]' "$work/servers.log" | sed -n '/pushed/,$p'
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
heap_limit=$(jstat -gccapacity "$pid" | awk 'NR == 2 {printf "%d", ($2 + $8) / 1024}')
metaspace=$(jstat -gc "$pid" | awk 'NR == 2 {printf "%d", $10 / 1024}')
gcs=$(jstat -gc "$pid" | awk 'NR == 2 {printf "%d young (%.1f s), %d full/concurrent", $13, $14, $15 + $17}')
threads=$(ls "/proc/$pid/task" | wc -l)
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) / hz}' "/proc/$pid/stat")
echo "CPU: $cpu s of CPU time since the JVM started, $(( $(date +%s) - started )) s ago (start-up and load)"
echo "memory: peak RSS $(( hwm / 1024 )) MB (sampled max $(( rss_max / 1024 )) MB), peak heap used $(( heap_max / 1024 )) MB (sampled) of max $heap_limit MB, metaspace $metaspace MB, $threads threads, GCs: $gcs"
echo "cgroup: $(podman stats --no-stream --format '{{.MemUsage}}' "$container")"
echo "what the pipeline wrote to /tmp (the only writable path):"
podman exec "$container" sh -c 'du -sk /tmp/* /tmp/.[!.]* 2>/dev/null' | sed 's/^/  /' || true
echo "GET /observe/metrics: $(curl -s "$metrics" | grep -c '^[a-z]') samples, e.g.:"
curl -s "$metrics" | grep -E '^camel_exchanges_total\{.*routeId="(ingest|sink-mysql|sink-kafka|archive-write)"' | sed 's/^/  /' || true

step "6. SIGTERM (podman stop, 60 s like terminationGracePeriodSeconds)"
stop_began=$(date +%s.%N)
podman stop -t 60 "$container" >/dev/null
echo "stopped in $(echo "$(date +%s.%N) - $stop_began" | bc) s, exit code $(podman inspect -f '{{.State.ExitCode}}' "$container")"
podman logs "$container" 2>&1 | grep -E 'shutdown|Shutdown|committed' | cut -c1-200 | tail -6 || true
touch "$work/container-stopped"
wait "$servers_pid"
grep '^\[servers\]' "$work/servers.log" | sed -n '/waiting for the container to stop/,$p'
