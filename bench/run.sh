#!/usr/bin/env bash
# DataFlux benchmark: each stage's independent ceiling (plain clients, a minimal enrichment, no DataFlux class), the
# naive one-record-at-a-time loop and DataFlux itself, in one run on the same real servers, each a process of its own
# (redis-server, mariadbd, a Kafka 3.9.1 JVM, a MiniDFSCluster JVM), and the same generated posts; records/s and the
# CPU time per record of every process (from /proc).
#
#   bench/run.sh [records]            default 200000 (about 10 minutes); writes bench/results/REPORT.md, *.csv, *.png
#   bench/run.sh ... --author-hits F  share of posts by authors Redis or MySQL know (default 0.3; the rest are fresh)
#   bench/run.sh --memory [records]   the bounded-memory check: DataFlux alone over 2,000,000 records (default) in
#                                     512 MB of heap; writes bench/results/memory.csv, which REPORT.md quotes
#   bench/run.sh 5000 --out DIR       a small run (CI), its report in DIR
#   bench/run.sh --dataflux-only N    DataFlux alone, no report (with BENCH_JFR=true: a profile to read with `jfr`)
#   bench/run.sh --enrichers [posts]  DataFlux's enrichers against the minimal enrichment, one thread, no server and no
#                                     Camel: the CPU per post of the transformations themselves (default 20000 posts)
#
# Environment: BENCH_JFR=true records a JFR profile of the pipeline JVM into the results directory.
set -euo pipefail
cd "$(dirname "$0")/.."

# compile the harness (it lives in the app module's test tree, beside the real-server test harness of the testkit
# module) and get its class path (the other modules' target/classes, from this reactor build)
./mvnw -B -q -pl app -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt

exec java -Xmx4g -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  -Dbench.jfr="${BENCH_JFR:-false}" \
  -Ddataflux.test.mariadb.options="${BENCH_MARIADB_OPTIONS:---innodb-buffer-pool-size=1G --innodb-log-file-size=256M}" \
  -Dlog4j2.configurationFile=log4j2-test.properties \
  -cp "app/target/test-classes:app/target/classes:$(cat app/target/bench-classpath.txt)" \
  io.dataflux.bench.Benchmark "$@"
