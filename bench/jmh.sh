#!/usr/bin/env bash
# JMH micro-benchmarks (bench/jmh/*.java), outside the Maven build: compiles them with JMH's annotation processor
# against app/target/classes and runs one in a forked JVM: PostDeriverBenchmark (PostDeriver.derive, the default) or the one
# JMH_BENCH names (PostJsonBenchmark: a post's JSON for every sink, serialized separately or once).
#
#   bench/jmh.sh [JMH options]     default: -f 1 -wi 3 -w 2s -i 5 -r 2s (about 20 s per method), wall-clock time per post
#   bench/jmh.sh --cpu [rounds]    the thread's CPU time per post instead (steadier on a machine shared with other work)
#   JMH_BENCH=PostJsonBenchmark bench/jmh.sh --cpu
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl app -am compile dependency:build-classpath -Dmdep.outputFile=target/jmh-classpath.txt
for artifact in org.openjdk.jmh:jmh-core:1.37 org.openjdk.jmh:jmh-generator-annprocess:1.37; do
  ./mvnw -B -q dependency:get -Dartifact="$artifact"
done
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
jmh="$m2/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar:$m2/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar:$m2/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar"
classpath="app/target/classes:$(cat app/target/jmh-classpath.txt):$jmh"
out=target/jmh-classes
rm -rf "$out" && mkdir -p "$out"
javac -d "$out" -cp "$classpath" \
  -processorpath "$m2/org/openjdk/jmh/jmh-generator-annprocess/1.37/jmh-generator-annprocess-1.37.jar:$jmh" \
  bench/jmh/*.java
bench="${JMH_BENCH:-PostDeriverBenchmark}"
if [ "${1:-}" = "--cpu" ]; then
  shift
  exec java -cp "$out:$classpath" "io.dataflux.bench.jmh.$bench" "$@"
fi
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(-f 1 -wi 3 -w 2s -i 5 -r 2s)
exec java -cp "$out:$classpath" org.openjdk.jmh.Main "$bench" "${args[@]}"
