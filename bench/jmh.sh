#!/usr/bin/env bash
# JMH micro-benchmark of PostDeriver.derive (bench/jmh/PostDeriverBenchmark.java), outside the Maven build: compiles it
# with JMH's annotation processor against target/classes and runs it in a forked JVM.
#
#   bench/jmh.sh [JMH options]     default: -f 1 -wi 3 -w 2s -i 5 -r 2s (about 20 s), wall-clock time per post
#   bench/jmh.sh --cpu [rounds]    the thread's CPU time per post instead (steadier on a machine shared with other work)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q compile dependency:build-classpath -Dmdep.outputFile=target/jmh-classpath.txt
for artifact in org.openjdk.jmh:jmh-core:1.37 org.openjdk.jmh:jmh-generator-annprocess:1.37; do
  ./mvnw -B -q dependency:get -Dartifact="$artifact"
done
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
jmh="$m2/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar:$m2/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar:$m2/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar"
classpath="target/classes:$(cat target/jmh-classpath.txt):$jmh"
out=target/jmh-classes
rm -rf "$out" && mkdir -p "$out"
javac -d "$out" -cp "$classpath" \
  -processorpath "$m2/org/openjdk/jmh/jmh-generator-annprocess/1.37/jmh-generator-annprocess-1.37.jar:$jmh" \
  bench/jmh/PostDeriverBenchmark.java
if [ "${1:-}" = "--cpu" ]; then
  shift
  exec java -cp "$out:$classpath" io.dataflux.bench.jmh.PostDeriverBenchmark "$@"
fi
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(-f 1 -wi 3 -w 2s -i 5 -r 2s)
exec java -cp "$out:$classpath" org.openjdk.jmh.Main PostDeriverBenchmark "${args[@]}"
