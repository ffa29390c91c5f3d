package io.dataflux.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.TestServers;

/**
 * The benchmark harness behind {@code bench/run.sh}: in one run, on the same real servers and the same generated
 * posts, each stage's ceiling, the naive one-record-at-a-time loop, and DataFlux itself; then REPORT.md, the CSVs and
 * the chart. {@code --memory} runs the bounded-memory check instead (DataFlux over 2,000,000 records in 512 MB);
 * {@code --enrichers} compares DataFlux's enrichers with the minimal enrichment on one thread ({@link EnrichersComparison}).
 */
public final class Benchmark {

    static final int MEMORY_CHECK_RECORDS = 2_000_000;
    static final String HEAP = "512m";

    /** Default share of posts by authors Redis or MySQL know (the others are fresh authors neither knows). */
    static final double DEFAULT_AUTHOR_HITS = 0.3;

    private final int records;
    private final Path out;
    private final double authorHits;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);
    private BenchServers servers;

    private Benchmark(int records, Path out, double authorHits) {
        this.records = records;
        this.out = out;
        this.authorHits = authorHits;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        List<String> arguments = new ArrayList<>(Arrays.asList(args));
        boolean memory = arguments.remove("--memory");
        boolean dataFluxOnly = arguments.remove("--dataflux-only");
        boolean enrichers = arguments.remove("--enrichers");
        Path out = Path.of("bench/results");
        int at = arguments.indexOf("--out");
        if (at >= 0) {
            out = Path.of(arguments.get(at + 1));
            arguments.subList(at, at + 2).clear();
        }
        double authorHits = DEFAULT_AUTHOR_HITS;
        at = arguments.indexOf("--author-hits");
        if (at >= 0) {
            authorHits = Double.parseDouble(arguments.get(at + 1));
            arguments.subList(at, at + 2).clear();
        }
        int records = arguments.isEmpty() ? (memory ? MEMORY_CHECK_RECORDS : enrichers ? 20_000 : 200_000)
                : Integer.parseInt(arguments.get(0).replace("_", ""));
        int status = 0;
        try {
            Files.createDirectories(out);
            Benchmark benchmark = new Benchmark(records, out, authorHits);
            if (memory) {
                benchmark.memoryCheck();
            } else if (enrichers) {
                EnrichersComparison.run(records);
            } else if (dataFluxOnly) {
                benchmark.dataFluxOnly();
            } else {
                benchmark.compare();
            }
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        } finally {
            BenchServers running = current;
            if (running != null) {
                try {
                    running.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            TestServers.stopAll();
        }
        System.exit(status);
    }

    /** The servers of the run, for main's finally. */
    private static volatile BenchServers current;

    private void startServers() throws Exception {
        say("starting Redis and MariaDB (processes of their own), Kafka and HDFS (a JVM each)");
        servers = BenchServers.start();
        current = servers;
        BenchData.seedRedisAuthors();
    }

    private void compare() throws Exception {
        String loadBefore = loadAverage();
        Instant began = Instant.now();
        startServers();
        say("generating " + records + " posts, " + Math.round(authorHits * 100) + " % by known authors");
        List<GeneratedRecord> posts = BenchData.generate("b-", records, authorHits);
        long bytes = BenchData.bytes(posts);
        say(String.format(Locale.ROOT, "%,d posts, %.0f bytes on average", records, (double) bytes / records));

        List<Measurement> ceilings = new ArrayList<>();
        Ceilings stage = new Ceilings(posts, runId, servers);
        ceilings.add(step(stage.redisReadAck()));
        ceilings.add(step(stage.enrichment()));
        ceilings.add(step(stage.mysqlUpsert()));
        ceilings.add(step(stage.kafkaProducer()));
        ceilings.add(step(stage.hdfsWrite()));
        stage = null;
        Measurement combined = step(Measurement.combined(ceilings, records, bytes));

        // the naive loops' rates do not depend on the count: samples keep the run short
        int naiveSample = Math.min(records, Math.max(1_000, records / 100));
        int literalSample = Math.min(100, Math.max(20, records / 2_000));
        Measurement naive = step(NaiveLoop.run(posts.subList(0, naiveSample), runId,
                NaiveLoop.HdfsMode.HFLUSH_OPEN_STREAM, servers));
        Measurement literal = step(NaiveLoop.run(posts.subList(0, literalSample), runId,
                NaiveLoop.HdfsMode.APPEND_CLOSE_PER_RECORD, servers));

        int latencySeconds = records >= 100_000 ? 30 : 5;
        DataFluxRun.Result dataflux = DataFluxRun.run("main", posts.iterator(), records, runId, HEAP, latencySeconds,
                out, servers, authorHits);
        posts = null;
        step(dataflux.throughput());

        List<Measurement> all = new ArrayList<>(ceilings);
        all.add(combined);
        all.add(naive);
        all.add(literal);
        all.add(dataflux.throughput());
        Measurement warm = dataflux.afterWarmUp();
        if (warm != null) {
            all.add(step(warm));
        }
        BenchReport.writeCsv(out.resolve("results.csv"), all);
        BenchReport.writeTimeline(out.resolve("timeline.csv"), dataflux.timeline());
        Files.write(out.resolve("dataflux-heap.csv"), List.of(HEAP_HEADER, heapLine(dataflux, loadBefore + " → " + loadAverage())));
        BenchReport.writeChart(out.resolve("throughput.png"), all, dataflux.timeline());
        String table = BenchReport.table(all, dataflux.throughput(), combined, naive);
        String cpu = BenchReport.cpuTable(all);
        String summary = summary(dataflux, combined, naive, loadBefore);
        String report = report(table, cpu, summary, dataflux, loadBefore, loadAverage(), began, bytes);
        Files.writeString(out.resolve("REPORT.md"), report);
        System.out.println("\n" + table + "\n" + cpu + "\n" + summary);
        say("wrote " + out.resolve("REPORT.md") + ", results.csv, timeline.csv, throughput.png");
    }

    /** DataFlux alone (no report): for profiling it with BENCH_JFR=true. */
    private void dataFluxOnly() throws Exception {
        startServers();
        List<GeneratedRecord> posts = BenchData.generate("d-", records, authorHits);
        DataFluxRun.Result result = DataFluxRun.run("only", posts.iterator(), records, runId, HEAP, 0, out, servers,
                authorHits);
        step(result.throughput());
        List<Measurement> parts = result.afterWarmUp() == null ? List.of(result.throughput())
                : List.of(result.throughput(), step(result.afterWarmUp()));
        System.out.println(BenchReport.cpuTable(parts));
        say("DataFlux JVM, CPU-µs per record by thread, whole run (after warm-up): "
                + result.jvmThreads().describe(result.throughput(), result.afterWarmUp()));
        say("timeline (s, acknowledged): " + result.timeline());
    }

    /** DataFlux over 2,000,000 records (or {@code records}) in 512 MB of heap: its peak heap against the main run's. */
    private void memoryCheck() throws Exception {
        String load = loadAverage();
        startServers();
        say("memory check: DataFlux over " + records + " records, -Xmx" + HEAP);
        DataFluxRun.Result result = DataFluxRun.run("memory", BenchData.posts("m-", authorHits), records, runId, HEAP, 0,
                out, servers, authorHits);
        step(result.throughput());
        List<String> lines = List.of(HEAP_HEADER, heapLine(result, load + " → " + loadAverage()));
        Files.write(out.resolve("memory.csv"), lines);
        System.out.println(String.join("\n", lines));
    }

    static final String HEAP_HEADER = "records,seconds,records_per_s,xmx,heap_peak_before_gc_mb,heap_peak_after_gc_mb,"
            + "heap_committed_mb,gcs,rss_peak_mb,load_average";

    private static String heapLine(DataFluxRun.Result result, String load) {
        DataFluxRun.Heap heap = result.heap();
        return String.format(Locale.ROOT, "%d,%.1f,%.0f,%s,%d,%d,%d,%d,%d,\"%s\"", result.throughput().records(),
                result.throughput().seconds(), result.throughput().recordsPerSecond(), result.maxHeap(),
                heap.maxBeforeGc(), heap.maxAfterGc(), heap.maxCommitted(), heap.collections(),
                result.peakRssKb() / 1024, load);
    }

    private String summary(DataFluxRun.Result dataflux, Measurement combined, Measurement naive, String loadBefore) {
        Measurement run = dataflux.throughput();
        double ofCeiling = run.recordsPerSecond() / combined.recordsPerSecond();
        double ofNaive = run.recordsPerSecond() / naive.recordsPerSecond();
        double cpu = run.totalCpuMicrosPerRecord();
        DataFluxRun.Latency latency = dataflux.latency();
        double load = Double.parseDouble(loadBefore.split(",")[0].trim().replace("unknown", "NaN"));
        boolean fullRun = records >= 200_000 && Math.abs(authorHits - DEFAULT_AUTHOR_HITS) < 1e-9;
        StringBuilder text = new StringBuilder();
        text.append("| target (issue 15) | measured | |\n|---|---:|---|\n");
        text.append(String.format(Locale.ROOT, "| CPU per record, all processes ≤ 200 µs (pass criterion) | %,.0f µs | %s |%n",
                cpu, met(cpu <= 200)));
        text.append(String.format(Locale.ROOT, "| DataFlux ≥ 0.6 × the independent combined ceiling (pass criterion) | %.2f × | %s |%n",
                ofCeiling, met(ofCeiling >= 0.6)));
        text.append(String.format(Locale.ROOT, "| ≥ 10,000 records/s over 200,000 posts, 30 %% known authors, load < 1.5 at start "
                        + "| %,.0f records/s (%,d posts, %.0f %% known, load %s) | %s |%n", run.recordsPerSecond(), records,
                authorHits * 100, loadBefore.split(",")[0], met(run.recordsPerSecond() >= 10_000)
                        + (fullRun && load < 1.5 ? "" : " (not the target's conditions: " + (fullRun ? "" : "not the default run; ")
                        + (load < 1.5 ? "" : "machine not quiet") + ")")));
        text.append(String.format(Locale.ROOT, "| DataFlux ≥ 8 × the naive loop (favourable) | %.1f × | %s |%n", ofNaive,
                met(ofNaive >= 8)));
        text.append(String.format(Locale.ROOT, "| p99 XADD → MySQL row < 1 s at %,.0f records/s | p99 %,d ms (p50 %,d, max %,d; "
                        + "%,d records) | %s |%n", latency.rate(), latency.p99(), latency.p50(), latency.max(),
                latency.samples(), met(latency.p99() < 1000)));
        text.append('\n');
        text.append(String.format(Locale.ROOT, "- CPU per record: DataFlux run %,.0f µs (its own JVM %,.0f), the independent "
                        + "ceilings together %,.0f µs, the favourable naive loop %,.0f µs (table above)%n", cpu,
                run.cpuMicrosPerRecord(BenchServers.DATAFLUX), combined.totalCpuMicrosPerRecord(),
                naive.totalCpuMicrosPerRecord()));
        Measurement warm = dataflux.afterWarmUp();
        if (warm != null) {
            text.append(String.format(Locale.ROOT, "- After warm-up (%s): %,.0f records/s, %,.0f CPU-µs per record (DataFlux "
                            + "JVM %,.0f), %.2f × the combined ceiling, %.1f × the favourable naive loop (the ceilings are "
                            + "measured warmed up too; the targets' measure stays the whole run)%n",
                    warm.note(), warm.recordsPerSecond(), warm.totalCpuMicrosPerRecord(),
                    warm.cpuMicrosPerRecord(BenchServers.DATAFLUX), warm.recordsPerSecond() / combined.recordsPerSecond(),
                    warm.recordsPerSecond() / naive.recordsPerSecond()));
        }
        text.append("- DataFlux JVM, CPU-µs per record by thread, whole run (after warm-up): ")
                .append(dataflux.jvmThreads().describe(run, warm)).append('\n');
        DataFluxRun.Heap heap = dataflux.heap();
        text.append(String.format(Locale.ROOT, "- Pipeline JVM (-Xmx%s): peak heap %d MB before GC, at most %d MB still "
                        + "occupied right after a GC (an upper bound on the live data), %d MB committed, %d collections; "
                        + "peak RSS %d MB%n", dataflux.maxHeap(),
                heap.maxBeforeGc(), heap.maxAfterGc(), heap.maxCommitted(), heap.collections(), dataflux.peakRssKb() / 1024));
        return text.toString();
    }

    private static String met(boolean met) {
        return met ? "met" : "**missed**";
    }

    private String report(String table, String cpu, String summary, DataFluxRun.Result dataflux, String loadBefore,
            String loadAfter, Instant began, long bytes) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# DataFlux benchmark\n\n");
        md.append("Written by `bench/run.sh").append(records == 200_000 ? "" : " " + records).append("` on ")
                .append(began.truncatedTo(ChronoUnit.SECONDS)).append(" (run took ")
                .append(ChronoUnit.SECONDS.between(began, Instant.now())).append(" s). Raw numbers: `results.csv`, ")
                .append("`timeline.csv`; chart: `throughput.png`.\n\n");
        md.append(String.format(Locale.ROOT, "Machine: %d cores; load average (1, 5, 15 min: other work on the machine shows here) "
                        + "%s at the start, %s at the end. Records: %,d generated forum posts, %.0f bytes on average "
                        + "(%.1f MB), all good; %.0f %% by authors Redis or MySQL know (half in each), the others by "
                        + "fresh authors neither knows (`--author-hits`).%n%n", Runtime.getRuntime().availableProcessors(),
                loadBefore, loadAfter, records, (double) bytes / records, bytes / 1e6, authorHits * 100));
        md.append("Servers, each a process of its own: ").append(servers.description()).append(".\n\n");
        md.append("![throughput](throughput.png)\n\n");
        md.append(table).append('\n');
        md.append("CPU time per record (user + system from `/proc/<pid>/stat`, clock ticks of `getconf CLK_TCK` = ")
                .append(ProcCpu.CLOCK_TICKS).append(" per second) of each process over each contender's measured ")
                .append("interval; the bench JVM pushes the records into Redis during the DataFlux run (and hosts the ")
                .append("ceilings' and the naive loop's clients):\n\n");
        md.append(cpu).append('\n').append(summary).append('\n');
        md.append("""
                How each contender ran:
                - **Ceilings**: each stage alone at its best, written minimally with the servers' plain clients and no
                  DataFlux class, on the same records (its input prepared outside the clock): Jedis XREADGROUP + XACK
                  pipelined; the enrichment in Jackson, jsoup and hand-written scans with the author lookup per batch
                  against Redis and MySQL; a JDBC multi-row upsert (the same SQL); a plain Kafka producer with the
                  pipeline's settings; a plain HDFS client writing + hsync'ing aggregates. The combined ceiling is
                  1 / Σ(1 / ceilingᵢ): what the stages can do together when they share the same cores, with no overhead.
                - **Naive loop**: the seed design in Java, one record at a time (XREADGROUP COUNT 1, the minimal
                  enrichment with the author looked up for that record, the upsert with autocommit, Kafka `send().get()`
                  with `linger.ms=0`, HDFS write + hflush, XACK). The favourable form keeps one HDFS stream open; the
                  literal form appends and closes the HDFS file per record. Both run on a sample.
                - **DataFlux**: the real route files and application.properties in a JVM of its own (PipelineProcess),
                  timed from the first XADD to the last XACK (every record in MySQL, Kafka and a hsync'd HDFS file).
                  Then, in the same JVM, posts are written at 2,000 records/s for the latency figures
                  (`posts.ingested_at` against the time of the XADD).
                """);
        md.append("\n## Memory check\n\n");
        md.append("The pipeline JVM of this run (`dataflux-heap.csv`) and of the last `bench/run.sh --memory` run over ")
                .append("2,000,000 records (`memory.csv`, a run of its own: it takes longer than this one). Backpressure ")
                .append("works if the heap still occupied after GC does not grow with the number of records (young ")
                .append("collections leave old garbage behind, so that figure is an upper bound on the live data).\n\n```\n")
                .append(Files.readString(out.resolve("dataflux-heap.csv")));
        Path memory = out.resolve("memory.csv");
        if (Files.exists(memory)) {
            List<String> lines = Files.readAllLines(memory);
            lines.subList(1, lines.size()).forEach(line -> md.append(line).append('\n'));
        } else {
            md.append("(no memory.csv yet: run bench/run.sh --memory)\n");
        }
        md.append("```\n");
        Path analysis = Path.of("bench/analysis.md");
        if (Files.exists(analysis)) {
            md.append('\n').append(Files.readString(analysis));
        }
        return md.toString();
    }

    private static Measurement step(Measurement m) {
        StringBuilder cpu = new StringBuilder();
        m.cpuSeconds().forEach((process, seconds) -> cpu.append(String.format(Locale.ROOT, " %s %.0f,", process,
                seconds * 1e6 / m.records())));
        say(String.format(Locale.ROOT, "%-40s %,10d records in %7.2f s: %,10.0f records/s, %7.2f MB/s%s", m.name(),
                m.records(), m.seconds(), m.recordsPerSecond(), m.megabytesPerSecond(), m.cpuSeconds().isEmpty() ? ""
                        : String.format(Locale.ROOT, "; CPU-µs/record %.0f (%s)", m.totalCpuMicrosPerRecord(),
                                cpu.substring(1, cpu.length() - 1))));
        return m;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }
}
