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

import io.dataflux.demo.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;

/**
 * The benchmark harness behind {@code bench/run.sh}: in one run, on the same real servers and the same generated
 * posts, each stage's ceiling, the naive one-record-at-a-time loop, and DataFlux itself; then REPORT.md, the CSVs and
 * the chart. {@code --memory} runs the bounded-memory check instead (DataFlux over 2,000,000 records in 512 MB).
 */
public final class Benchmark {

    static final int MEMORY_CHECK_RECORDS = 2_000_000;
    static final String HEAP = "512m";

    private final int records;
    private final Path out;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);

    private Benchmark(int records, Path out) {
        this.records = records;
        this.out = out;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        List<String> arguments = new ArrayList<>(Arrays.asList(args));
        boolean memory = arguments.remove("--memory");
        boolean dataFluxOnly = arguments.remove("--dataflux-only");
        Path out = Path.of("bench/results");
        int at = arguments.indexOf("--out");
        if (at >= 0) {
            out = Path.of(arguments.get(at + 1));
            arguments.subList(at, at + 2).clear();
        }
        int records = arguments.isEmpty() ? (memory ? MEMORY_CHECK_RECORDS : 200_000)
                : Integer.parseInt(arguments.get(0).replace("_", ""));
        int status = 0;
        try {
            Files.createDirectories(out);
            Benchmark benchmark = new Benchmark(records, out);
            if (memory) {
                benchmark.memoryCheck();
            } else if (dataFluxOnly) {
                benchmark.dataFluxOnly();
            } else {
                benchmark.compare();
            }
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        } finally {
            TestServers.stopAll();
        }
        System.exit(status);
    }

    private void compare() throws Exception {
        String loadBefore = loadAverage();
        Instant began = Instant.now();
        say("starting Redis, MariaDB, Kafka and HDFS");
        TestServers.start(List.of(ServerKind.values()));
        BenchData.seedAuthors();
        say("generating " + records + " posts");
        List<GeneratedRecord> posts = BenchData.generate("b-", records);
        long bytes = BenchData.bytes(posts);
        say(String.format(Locale.ROOT, "%,d posts, %.0f bytes on average", records, (double) bytes / records));

        List<Measurement> ceilings = new ArrayList<>();
        Ceilings stage = new Ceilings(posts, runId);
        ceilings.add(step(stage.redisReadAck()));
        ceilings.add(step(stage.enrichers()));
        ceilings.add(step(stage.mysqlUpsert()));
        ceilings.add(step(stage.kafkaProducer()));
        ceilings.add(step(stage.hdfsWrite()));
        stage = null;
        Measurement combined = step(Measurement.combined(ceilings, records, bytes));

        // the naive loops' rates do not depend on the count: samples keep the run short
        int naiveSample = Math.min(records, Math.max(1_000, records / 100));
        int literalSample = Math.min(100, Math.max(20, records / 50));
        Measurement naive = step(NaiveLoop.run(posts.subList(0, naiveSample), runId, NaiveLoop.HdfsMode.HFLUSH_OPEN_STREAM));
        Measurement literal = step(NaiveLoop.run(posts.subList(0, literalSample), runId,
                NaiveLoop.HdfsMode.APPEND_CLOSE_PER_RECORD));

        int latencySeconds = records >= 100_000 ? 30 : 10;
        DataFluxRun.Result dataflux = DataFluxRun.run("main", posts.iterator(), records, runId, HEAP, latencySeconds, out);
        posts = null;
        step(dataflux.throughput());

        List<Measurement> all = new ArrayList<>(ceilings);
        all.add(combined);
        all.add(naive);
        all.add(literal);
        all.add(dataflux.throughput());
        Measurement warm = afterWarmUp(dataflux);
        if (warm != null) {
            all.add(step(warm));
        }
        BenchReport.writeCsv(out.resolve("results.csv"), all);
        BenchReport.writeTimeline(out.resolve("timeline.csv"), dataflux.timeline());
        Files.write(out.resolve("dataflux-heap.csv"), List.of(HEAP_HEADER, heapLine(dataflux, loadBefore + " → " + loadAverage())));
        BenchReport.writeChart(out.resolve("throughput.png"), all, dataflux.timeline());
        String table = BenchReport.table(all, dataflux.throughput(), combined, naive);
        String summary = summary(dataflux, combined, naive);
        String report = report(table, summary, dataflux, loadBefore, loadAverage(), began, bytes);
        Files.writeString(out.resolve("REPORT.md"), report);
        System.out.println("\n" + table + "\n" + summary);
        say("wrote " + out.resolve("REPORT.md") + ", results.csv, timeline.csv, throughput.png");
    }

    /** DataFlux alone (no report): for profiling it with BENCH_JFR=true. */
    private void dataFluxOnly() throws Exception {
        TestServers.start(List.of(ServerKind.values()));
        BenchData.seedAuthors();
        List<GeneratedRecord> posts = BenchData.generate("d-", records);
        DataFluxRun.Result result = DataFluxRun.run("only", posts.iterator(), records, runId, HEAP, 0, out);
        step(result.throughput());
        say("timeline (s, acknowledged): " + result.timeline());
    }

    /** DataFlux over 2,000,000 records (or {@code records}) in 512 MB of heap: its peak heap against the main run's. */
    private void memoryCheck() throws Exception {
        String load = loadAverage();
        TestServers.start(List.of(ServerKind.values()));
        BenchData.seedAuthors();
        say("memory check: DataFlux over " + records + " records, -Xmx" + HEAP);
        DataFluxRun.Result result = DataFluxRun.run("memory", DataFluxRun.generated("m-"), records, runId, HEAP, 0, out);
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

    /**
     * DataFlux from the moment a fifth of the records were acknowledged to the last: its rate once the new JVM has
     * compiled its hot code, reported beside (never instead of) the whole run.
     */
    private static Measurement afterWarmUp(DataFluxRun.Result dataflux) {
        Measurement whole = dataflux.throughput();
        DataFluxRun.Sample last = dataflux.timeline().get(dataflux.timeline().size() - 1);
        for (DataFluxRun.Sample sample : dataflux.timeline()) {
            if (sample.acknowledged() >= whole.records() / 5 && last.seconds() - sample.seconds() >= 5) {
                long records = last.acknowledged() - sample.acknowledged();
                return new Measurement("dataflux", "DataFlux after warm-up (last 80 %)", records,
                        whole.bytes() * records / whole.records(), last.seconds() - sample.seconds(),
                        "the same run, from " + Math.round(sample.seconds()) + " s (" + sample.acknowledged()
                                + " records acknowledged) to the end");
            }
        }
        return null;
    }

    private String summary(DataFluxRun.Result dataflux, Measurement combined, Measurement naive) {
        double ofCeiling = dataflux.throughput().recordsPerSecond() / combined.recordsPerSecond();
        double ofNaive = dataflux.throughput().recordsPerSecond() / naive.recordsPerSecond();
        DataFluxRun.Heap heap = dataflux.heap();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "- DataFlux / combined ceiling: **%.2f** (target ≥ 0.7: %s)%n", ofCeiling,
                ofCeiling >= 0.7 ? "met" : "missed"));
        text.append(String.format(Locale.ROOT, "- DataFlux / favourable naive loop: **%.1f** (target ≥ 10: %s)%n", ofNaive,
                ofNaive >= 10 ? "met" : "missed"));
        Measurement warm = afterWarmUp(dataflux);
        if (warm != null) {
            text.append(String.format(Locale.ROOT, "- After warm-up (%s): %,.0f records/s, %.2f × the combined ceiling, "
                            + "%.1f × the favourable naive loop (not the targets' measure, which is the whole run)%n",
                    warm.note(), warm.recordsPerSecond(), warm.recordsPerSecond() / combined.recordsPerSecond(),
                    warm.recordsPerSecond() / naive.recordsPerSecond()));
        }
        DataFluxRun.Latency latency = dataflux.latency();
        text.append(String.format(Locale.ROOT, "- End-to-end latency (XADD → row in MySQL) at %,.0f records/s over %,d records: "
                        + "p50 **%d ms**, p99 **%d ms**, max %d ms (target p99 < 2 s: %s)%n", latency.rate(),
                latency.samples(), latency.p50(), latency.p99(), latency.max(), latency.p99() < 2000 ? "met" : "missed"));
        text.append(String.format(Locale.ROOT, "- Pipeline JVM (-Xmx%s): peak heap %d MB before GC, at most %d MB still "
                        + "occupied right after a GC (an upper bound on the live data), %d MB committed, %d collections; "
                        + "peak RSS %d MB%n", dataflux.maxHeap(),
                heap.maxBeforeGc(), heap.maxAfterGc(), heap.maxCommitted(), heap.collections(), dataflux.peakRssKb() / 1024));
        return text.toString();
    }

    private String report(String table, String summary, DataFluxRun.Result dataflux, String loadBefore,
            String loadAfter, Instant began, long bytes) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# DataFlux benchmark\n\n");
        md.append("Written by `bench/run.sh").append(records == 200_000 ? "" : " " + records).append("` on ")
                .append(began.truncatedTo(ChronoUnit.SECONDS)).append(" (run took ")
                .append(ChronoUnit.SECONDS.between(began, Instant.now())).append(" s). Raw numbers: `results.csv`, ")
                .append("`timeline.csv`; chart: `throughput.png`.\n\n");
        md.append(String.format(Locale.ROOT, "Machine: %d cores; load average (1, 5, 15 min: other work on the machine shows here) "
                        + "%s at the start, %s at the end. Records: %,d generated forum posts, %.0f bytes on average "
                        + "(%.1f MB), all good.%n%n", Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter,
                records, (double) bytes / records, bytes / 1e6));
        md.append("Servers: ").append(TestServers.redis().description()).append("; ")
                .append(TestServers.mariaDb().description()).append(" (").append(System.getProperty(
                        "dataflux.test.mariadb.options", "test defaults")).append("); ")
                .append(TestServers.kafka().description()).append("; ").append(TestServers.hdfs().description())
                .append(".\n\n");
        md.append("![throughput](throughput.png)\n\n");
        md.append(table).append('\n').append(summary).append('\n');
        md.append("""
                How each contender ran:
                - **Ceilings**: each stage alone at its best on the same records, after the stage before it has run
                  (its input prepared outside the clock). The combined ceiling is 1 / Σ(1 / ceilingᵢ): what the stages
                  can do together when they share the same cores, with no overhead at all.
                - **Naive loop**: the seed design in Java, one record at a time (XREADGROUP COUNT 1, the same enrichers,
                  the same upsert with autocommit, Kafka `send().get()` with `linger.ms=0`, HDFS write + hflush, XACK).
                  The favourable form keeps one HDFS stream open; the literal form appends and closes the HDFS file
                  per record. Both run on a sample (their rate does not depend on the count).
                - **DataFlux**: the real route files and application.properties in a JVM of its own (PipelineProcess),
                  timed from the first XADD to the last XACK (every record in MySQL, Kafka and a hsync'd HDFS file).
                  Then, in the same JVM, posts are written at 1,000 records/s for the latency figures
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
        say(String.format(Locale.ROOT, "%-40s %,10d records in %7.2f s: %,10.0f records/s, %7.2f MB/s", m.name(),
                m.records(), m.seconds(), m.recordsPerSecond(), m.megabytesPerSecond()));
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
