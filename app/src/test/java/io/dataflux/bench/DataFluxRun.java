package io.dataflux.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.SinkVerifier;

/**
 * DataFlux itself: the real route files and application.properties, in a JVM of its own (so that its heap and RSS are
 * its own), pointed at the same servers; timed from the first record written to Redis to the last acknowledgement.
 */
final class DataFluxRun {

    private static final String GROUP = "dataflux";
    private static final int PUSH_CHUNK = 5_000;
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    /** One sample of the progress: seconds since the first record was pushed, entries acknowledged by then. */
    record Sample(double seconds, long acknowledged) {
    }

    /** Heap figures from the pipeline JVM's GC log, in MB. */
    record Heap(long maxBeforeGc, long maxAfterGc, long maxCommitted, int collections) {
    }

    /** End-to-end latency (written to Redis -> row in MySQL) at a fixed rate, in milliseconds. */
    record Latency(double rate, int samples, long p50, long p99, long max) {
    }

    /**
     * The whole run, and its part from the moment a fifth of the records were acknowledged (null when the run was too
     * short): the pipeline once the new JVM has compiled its hot code, as the ceilings are measured after a warm-up.
     */
    record Result(Measurement throughput, Measurement afterWarmUp, List<Sample> timeline, long peakRssKb, Heap heap,
            Latency latency, String maxHeap, JvmThreads jvmThreads) {
    }

    /**
     * CPU seconds of the pipeline JVM's JIT compilers and garbage collector ({@link ProcCpu#jvmThreads}), over the
     * whole run and after the warm-up mark (empty when there is none).
     */
    record JvmThreads(Map<String, Double> whole, Map<String, Double> afterWarmUp) {

        /** One line: each group's CPU-µs per record, whole run (after warm-up), and the rest of the JVM's. */
        String describe(Measurement run, Measurement warm) {
            StringBuilder text = new StringBuilder();
            double wholeRest = run.cpuMicrosPerRecord(BenchServers.DATAFLUX);
            double warmRest = warm == null ? Double.NaN : warm.cpuMicrosPerRecord(BenchServers.DATAFLUX);
            for (String group : whole.keySet()) {
                double w = whole.get(group) * 1e6 / run.records();
                wholeRest -= w;
                text.append(String.format(Locale.ROOT, "%s %,.0f", group, w));
                if (warm != null && afterWarmUp.containsKey(group)) {
                    double a = afterWarmUp.get(group) * 1e6 / warm.records();
                    warmRest -= a;
                    text.append(String.format(Locale.ROOT, " (%,.0f)", a));
                }
                text.append(", ");
            }
            text.append(String.format(Locale.ROOT, "the other threads (the pipeline's work) %,.0f", wholeRest));
            if (warm != null) {
                text.append(String.format(Locale.ROOT, " (%,.0f)", warmRest));
            }
            return text.toString();
        }
    }

    /** Where the warm-up ended: its sample and every process's CPU ticks then. */
    private record WarmMark(Sample sample, Map<String, Long> cpu, Map<String, Long> jvmThreads) {
    }

    private DataFluxRun() {
    }

    /**
     * Starts the pipeline, pushes {@code count} records as fast as Redis takes them and waits for the last
     * acknowledgement; then, if {@code latencySeconds > 0}, pushes at 1,000 records/s for that long and measures latency.
     */
    static Result run(String label, Iterator<GeneratedRecord> records, int count, String runId, String maxHeap,
            int latencySeconds, Path outputDirectory, BenchServers servers, double authorHits) throws Exception {
        String stream = "bench:" + runId + ":" + label;
        String database = "bench_" + runId + "_" + label.replace('-', '_');
        String jdbc = Ceilings.migratedDatabase(database);
        Path gcLog = Files.createTempDirectory("dataflux-bench-gc-").resolve("gc.log");
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + maxHeap, "-Xlog:gc,gc+cpu:file=" + gcLog));
        if (Boolean.getBoolean("bench.jfr")) {
            Path recording = outputDirectory.toAbsolutePath().resolve("dataflux-" + label + ".jfr");
            jvm.add("-XX:FlightRecorderOptions:stackdepth=256");
            jvm.add("-XX:StartFlightRecording=filename=" + recording + ",settings=profile");
        }
        try (PipelineProcess pipeline = PipelineProcess.start("bench-" + label,
                properties(runId, label, stream, jdbc, servers), jvm)) {
            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put(BenchServers.DATAFLUX, BenchServers.pipelinePid()
                    .orElseThrow(() -> new IllegalStateException("no pipeline JVM found under this one")));
            pids.putAll(servers.pids());
            List<Sample> timeline = Collections.synchronizedList(new ArrayList<>());
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            long pipelinePid = pids.get(BenchServers.DATAFLUX);
            Map<String, Long> startThreads = ProcCpu.jvmThreads(pipelinePid);
            Bench.Interval clock = Bench.Interval.start(pids);
            long began = System.nanoTime();
            AtomicReference<WarmMark> warm = new AtomicReference<>();
            sampler.scheduleAtFixedRate(() -> {
                Map<String, Long> cpu = ProcCpu.snapshot(pids);
                Map<String, Long> threads = ProcCpu.jvmThreads(pipelinePid);
                Sample sample = new Sample((System.nanoTime() - began) / 1e9, Bench.acknowledged(stream, GROUP));
                timeline.add(sample);
                if (sample.acknowledged() >= count / 5) {
                    warm.compareAndSet(null, new WarmMark(sample, cpu, threads));
                }
            }, 1, 1, TimeUnit.SECONDS);
            long bytes = 0;
            Set<String> ids = new HashSet<>();
            List<GeneratedRecord> chunk = new ArrayList<>(PUSH_CHUNK);
            for (int pushed = 0; pushed < count; pushed++) {
                GeneratedRecord record = records.next();
                bytes += record.payload().length;
                ids.add(record.postId());
                chunk.add(record);
                if (chunk.size() == PUSH_CHUNK || pushed == count - 1) {
                    PipelineProbe.push(stream, chunk);
                    chunk.clear();
                }
            }
            Bench.await("DataFlux acknowledged all " + count + " records", 3600,
                    () -> Bench.acknowledged(stream, GROUP) >= count);
            Measurement throughput = clock.end("dataflux", "DataFlux (" + label + ")", count, bytes,
                    "real routes, separate JVM -Xmx" + maxHeap + ", first XADD to last XACK");
            Map<String, Long> endCpu = ProcCpu.snapshot(pids);
            Map<String, Long> endThreads = ProcCpu.jvmThreads(pipelinePid);
            double seconds = throughput.seconds();
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            Measurement afterWarmUp = afterWarmUp(throughput, warm.get(), endCpu);
            JvmThreads jvmThreads = new JvmThreads(ProcCpu.seconds(startThreads, endThreads), afterWarmUp == null
                    ? Map.of() : ProcCpu.seconds(warm.get().jvmThreads(), endThreads));
            timeline.add(new Sample(seconds, count));
            long rows = rows(jdbc, "SELECT COUNT(*) AS n FROM posts");
            if (rows != ids.size()) {
                throw new IllegalStateException("MySQL holds " + rows + " posts, expected " + ids.size());
            }
            Latency latency = latencySeconds > 0 ? latency(stream, jdbc, count, latencySeconds, authorHits) : null;
            long rss = pipeline.peakRssKb();
            pipeline.terminate(Duration.ofSeconds(90)); // graceful: the archive commits its files
            // the one every-sink check of the tests: every post of the throughput run in MySQL, on the topic and in
            // a committed archive file (the latency run's posts are there too)
            Map<String, String> names = properties(runId, label, stream, jdbc, servers);
            SinkVerifier.of(SinkVerifier.table("MySQL", jdbc, "SELECT id FROM posts"),
                            SinkVerifier.kafka(servers.kafkaClient(), names.get("dataflux.kafka.topic")),
                            SinkVerifier.archive(URI.create(servers.hdfsUri()), names.get("dataflux.archive.dir")))
                    .awaitEvery(ids, Duration.ofMinutes(2));
            return new Result(throughput, afterWarmUp, List.copyOf(timeline), rss, heap(gcLog), latency, maxHeap,
                    jvmThreads);
        }
    }

    /** The run from the warm-up mark to its end, with every process's CPU over that part (null if under 5 s). */
    private static Measurement afterWarmUp(Measurement whole, WarmMark mark, Map<String, Long> endCpu) {
        if (mark == null || whole.seconds() - mark.sample().seconds() < 5) {
            return null;
        }
        long records = whole.records() - mark.sample().acknowledged();
        return new Measurement("dataflux", "DataFlux after warm-up (last 80 %)", records,
                whole.bytes() * records / whole.records(), whole.seconds() - mark.sample().seconds(),
                "the same run, from " + Math.round(mark.sample().seconds()) + " s (" + mark.sample().acknowledged()
                        + " records acknowledged) to the end", ProcCpu.seconds(mark.cpu(), endCpu));
    }

    /** Records/s of the latency run: 20 records every 10 ms. */
    static final double LATENCY_RATE = 2000;

    /** Pushes at 2,000 records/s (20 every 10 ms) and compares each post's push time with its row's insert time. */
    private static Latency latency(String stream, String jdbc, long alreadyAcknowledged, int seconds, double authorHits)
            throws Exception {
        double rate = LATENCY_RATE;
        int tickRecords = (int) (rate / 100);
        Iterator<GeneratedRecord> generator = BenchData.posts("lat-", authorHits);
        Map<String, Long> pushedAt = new HashMap<>();
        int total = (int) (rate * seconds);
        long start = System.nanoTime();
        for (int sent = 0; sent < total; sent += tickRecords) {
            long due = start + (long) (sent / rate * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            List<GeneratedRecord> tick = new ArrayList<>(tickRecords);
            for (int i = 0; i < tickRecords; i++) {
                tick.add(generator.next());
            }
            long now = System.currentTimeMillis();
            PipelineProbe.push(stream, tick);
            tick.forEach(record -> pushedAt.putIfAbsent(record.postId(), now));
        }
        Bench.await("DataFlux acknowledged the latency run", 300,
                () -> Bench.acknowledged(stream, GROUP) >= alreadyAcknowledged + total);
        long[] latencies = PipelineProbe.query(jdbc,
                        "SELECT id, CAST(UNIX_TIMESTAMP(ingested_at) * 1000 AS SIGNED) AS t FROM posts WHERE id LIKE 'lat-%'")
                .stream()
                .mapToLong(row -> ((Number) row.get("t")).longValue() - pushedAt.get((String) row.get("id")))
                .sorted()
                .toArray();
        if (latencies.length != pushedAt.size()) {
            throw new IllegalStateException("latency run: " + latencies.length + " rows, expected " + pushedAt.size());
        }
        return new Latency(rate, latencies.length, percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies[latencies.length - 1]);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static Map<String, String> properties(String runId, String label, String stream, String jdbc,
            BenchServers servers) {
        Map<String, String> properties = new HashMap<>(servers.camelProperties());
        properties.put("dataflux.mysql.url", jdbc);
        properties.put("dataflux.redis.key", stream);
        properties.put("dataflux.kafka.topic", "bench-" + runId + "-" + label);
        properties.put("dataflux.archive.dir", "/bench/" + runId + "/" + label);
        properties.put("dataflux.instance-id", "bench-" + label);
        properties.put("dataflux.authors.redis-key-prefix", BenchData.AUTHOR_PREFIX);
        properties.put("dataflux.heartbeat.period", "60000");
        return properties;
    }

    private static long rows(String jdbc, String sql) throws Exception {
        return ((Number) PipelineProbe.query(jdbc, sql).get(0).get("n")).longValue();
    }

    /** Heap before and after each collection, from -Xlog:gc lines such as "Pause Young ... 120M->30M(256M) 5.1ms". */
    static Heap heap(Path gcLog) throws Exception {
        long before = 0;
        long after = 0;
        long committed = 0;
        int collections = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                collections++;
                before = Math.max(before, mb(m.group(1), m.group(2)));
                after = Math.max(after, mb(m.group(3), m.group(4)));
                committed = Math.max(committed, mb(m.group(5), m.group(6)));
            }
        }
        return new Heap(before, after, committed, collections);
    }

    private static long mb(String value, String unit) {
        long n = Long.parseLong(value);
        return switch (unit) {
            case "K" -> n / 1024;
            case "G" -> n * 1024;
            default -> n;
        };
    }
}
