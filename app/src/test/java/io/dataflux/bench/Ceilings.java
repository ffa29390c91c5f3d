package io.dataflux.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.TestServers;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * Each stage alone, at its best, written minimally with the servers' own clients and no DataFlux class, on the same
 * records and servers as the pipeline: what no pipeline of these stages can beat on this machine. Each one's input is
 * prepared outside the clock; the CPU time of every process is measured over the clock's interval.
 */
final class Ceilings {

    /** The pipeline's batch (dataflux.redis.batch-size) and archive aggregate (dataflux.archive.batch-records). */
    static final int BATCH = 500;
    static final int ARCHIVE_BATCH = 2000;
    static final long ROLL_SIZE = 64L * 1024 * 1024;

    private final List<GeneratedRecord> records;
    private final long bytes;
    private final String runId;
    private final BenchServers servers;
    private final Map<String, Long> pids;
    private List<MinimalEnrichment.Post> enriched;
    private String enrichmentWarmUp = "not warmed up";

    Ceilings(List<GeneratedRecord> records, String runId, BenchServers servers) {
        this.records = records;
        this.bytes = BenchData.bytes(records);
        this.runId = runId;
        this.servers = servers;
        this.pids = servers.pids();
    }

    /** Jedis: XREADGROUP COUNT 500, each batch's XACK pipelined with the next read. */
    Measurement redisReadAck() throws Exception {
        String stream = "bench:" + runId + ":ceiling-redis";
        PipelineProbe.push(stream, records);
        byte[] key = stream.getBytes(StandardCharsets.UTF_8);
        byte[] group = "ceiling".getBytes(StandardCharsets.UTF_8);
        try (Jedis redis = PipelineProbe.redis()) {
            redis.xgroupCreate(stream, "ceiling", new StreamEntryID(0, 0), false);
            Bench.Interval clock = Bench.Interval.start(pids);
            long read = 0;
            byte[][] toAck = new byte[0][];
            while (true) {
                List<StreamEntryBinary> entries;
                try (Pipeline pipeline = redis.pipelined()) {
                    if (toAck.length > 0) {
                        pipeline.xack(key, group, toAck);
                    }
                    Response<List<Map.Entry<byte[], List<StreamEntryBinary>>>> response = pipeline.xreadGroupBinary(group,
                            group, XReadGroupParams.xReadGroupParams().count(BATCH),
                            Map.of(key, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                    pipeline.sync();
                    List<Map.Entry<byte[], List<StreamEntryBinary>>> answer = response.get();
                    entries = answer == null || answer.isEmpty() ? List.of() : answer.get(0).getValue();
                }
                if (entries.isEmpty()) {
                    break;
                }
                toAck = new byte[entries.size()][];
                for (int i = 0; i < entries.size(); i++) {
                    toAck[i] = entries.get(i).getID().toString().getBytes(StandardCharsets.UTF_8);
                    read += entries.get(i).getFields().size();
                }
            }
            Measurement m = clock.end("ceiling", "Redis read+ack (Jedis)", records.size(), bytes,
                    "XREADGROUP COUNT " + BATCH + " + XACK pipelined with the next read, 1 connection");
            if (Bench.acknowledged(stream, "ceiling") < records.size() || read < records.size()) {
                throw new IllegalStateException("the Redis ceiling read " + read + " entries of " + records.size());
            }
            return m;
        } finally {
            try (Jedis redis = PipelineProbe.redis()) {
                redis.del(stream);
            }
        }
    }

    /** The minimal enrichment on batches of 500, one thread per core, each with its Redis and MySQL connection. */
    Measurement enrichment() throws Exception {
        String jdbc = migratedDatabase("bench_" + runId + "_ceiling_enrich");
        int threads = Runtime.getRuntime().availableProcessors();
        List<List<GeneratedRecord>> batches = new ArrayList<>();
        for (int from = 0; from < records.size(); from += BATCH) {
            batches.add(records.subList(from, Math.min(records.size(), from + BATCH)));
        }
        Map<String, java.util.Optional<Map<String, Object>>> authors = MinimalEnrichment.newAuthorCache();
        List<MinimalEnrichment> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new MinimalEnrichment(jdbc, authors));
        }
        @SuppressWarnings("unchecked")
        List<MinimalEnrichment.Post>[] out = new List[batches.size()];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            warmUp(jdbc);
            long benchPid = pids.get(BenchServers.BENCH);
            Map<String, Long> threadsBefore = ProcCpu.jvmThreads(benchPid);
            Bench.Interval clock = Bench.Interval.start(pids);
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int part = t;
                parts.add(pool.submit(() -> {
                    for (int b = part; b < batches.size(); b += threads) {
                        out[b] = enrich(workers.get(part), batches.get(b), b * BATCH);
                    }
                    return null;
                }));
            }
            for (Future<?> part : parts) {
                part.get();
            }
            // what of the bench JVM's CPU went to its JIT and its collector (the output it keeps for the next ceilings)
            Map<String, Double> split = ProcCpu.seconds(threadsBefore, ProcCpu.jvmThreads(benchPid));
            String jvmSplit = String.format(Locale.ROOT, "bench JVM's JIT %.0f and GC %.0f CPU-µs per record",
                    split.getOrDefault(ProcCpu.JIT, 0.0) * 1e6 / records.size(),
                    split.getOrDefault(ProcCpu.GC, 0.0) * 1e6 / records.size());
            Measurement m = clock.end("ceiling", "enrichment (minimal, all cores)", records.size(), bytes,
                    threads + " threads, " + enrichmentWarmUp + " (" + jvmSplit + "), batches of " + BATCH + ", Jackson + jsoup + hand-written scans, authors per batch "
                            + "(pipelined HGETALL, SELECT ... IN), each post to JSON once");
            enriched = new ArrayList<>(records.size());
            for (List<MinimalEnrichment.Post> batch : out) {
                enriched.addAll(batch);
            }
            return m;
        } finally {
            pool.shutdown();
            for (MinimalEnrichment worker : workers) {
                worker.close();
            }
        }
    }

    /**
     * "At its best" is with its code compiled: the minimal enrichment runs over up to 4,000 of the records (with an
     * author cache of its own, so the timed run still looks every author up) until this JVM's JIT compilers used less
     * than a tenth of its CPU during a pass, or for 30 s at most. On 2 cores the C2 queue takes tens of seconds to
     * drain: one pass left the JIT's work inside the measured interval and the ceiling 2 to 3 times its compiled cost.
     */
    private void warmUp(String jdbc) throws Exception {
        long pid = pids.get(BenchServers.BENCH);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<GeneratedRecord> sample = records.subList(0, Math.min(records.size(), 4_000));
        double jitShare;
        int passes = 0;
        do {
            try (MinimalEnrichment warm = new MinimalEnrichment(jdbc, MinimalEnrichment.newAuthorCache())) {
                long processBefore = ProcCpu.ticks(pid);
                long jitBefore = ProcCpu.jvmThreads(pid).getOrDefault(ProcCpu.JIT, 0L);
                for (int from = 0; from < sample.size(); from += BATCH) {
                    enrich(warm, sample.subList(from, Math.min(sample.size(), from + BATCH)), from);
                }
                long process = Math.max(1, ProcCpu.ticks(pid) - processBefore);
                jitShare = (double) (ProcCpu.jvmThreads(pid).getOrDefault(ProcCpu.JIT, 0L) - jitBefore) / process;
                passes++;
            }
        } while (jitShare >= 0.1 && System.nanoTime() < deadline);
        enrichmentWarmUp = String.format(Locale.ROOT, "warmed up over %d pass(es) of %,d records, the JIT at %.0f %% "
                + "of the last pass's CPU", passes, sample.size(), jitShare * 100);
    }

    /** A batch through the minimal enrichment, its records numbered from {@code first} as stream entries 0-n. */
    private static List<MinimalEnrichment.Post> enrich(MinimalEnrichment worker, List<GeneratedRecord> batch, int first)
            throws Exception {
        List<byte[]> payloads = new ArrayList<>(batch.size());
        List<String> sourceIds = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            payloads.add(batch.get(i).payload());
            sourceIds.add("0-" + (first + i));
        }
        return worker.enrich(payloads, sourceIds);
    }

    /** Plain JDBC: the upsert on multi-row batches of 500 (rewriteBatchedStatements), rows in key order, 1 connection. */
    Measurement mysqlUpsert() throws Exception {
        String jdbc = migratedDatabase("bench_" + runId + "_ceiling_mysql");
        Upsert upsert = upsertSql();
        List<List<Object[]>> batches = new ArrayList<>();
        for (int from = 0; from < enriched.size(); from += BATCH) {
            // posts repeated in a batch merged (the last wins), rows in key order: as any upsert of batches must
            Map<String, Object[]> rows = new TreeMap<>();
            for (MinimalEnrichment.Post post : enriched.subList(from, Math.min(enriched.size(), from + BATCH))) {
                rows.put(post.id(), post.row());
            }
            batches.add(new ArrayList<>(rows.values()));
        }
        try (Connection connection = DriverManager.getConnection(withRewrite(jdbc), TestServers.mariaDb().username(),
                TestServers.mariaDb().password());
             PreparedStatement statement = connection.prepareStatement(upsert.sql())) {
            Bench.Interval clock = Bench.Interval.start(pids);
            for (List<Object[]> batch : batches) {
                for (Object[] row : batch) {
                    upsert.bind(statement, row);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return clock.end("ceiling", "MySQL upsert (plain JDBC)", records.size(), bytes,
                    "sql/upsert-posts.sql, batches of " + BATCH + " as one multi-row INSERT (rewriteBatchedStatements), "
                            + "autocommit, 1 connection");
        }
    }

    private static String withRewrite(String jdbc) {
        return jdbc.contains("rewriteBatchedStatements=true") ? jdbc
                : jdbc + (jdbc.contains("?") ? "&" : "?") + "rewriteBatchedStatements=true";
    }

    /**
     * Plain producer with the pipeline's settings (acks=all, idempotent, lz4, linger 5 ms, 256 KB batches), JSON keyed
     * by post id.
     */
    Measurement kafkaProducer() throws Exception {
        String topic = "bench-" + runId + "-ceiling";
        List<ProducerRecord<String, byte[]>> messages = new ArrayList<>(enriched.size());
        for (MinimalEnrichment.Post post : enriched) {
            ProducerRecord<String, byte[]> message = new ProducerRecord<>(topic, post.id(), post.json());
            message.headers().add("dataflux-source-id", post.sourceId().getBytes(StandardCharsets.UTF_8));
            message.headers().add("dataflux-content-hash", post.contentHash().getBytes(StandardCharsets.UTF_8));
            messages.add(message);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(servers.kafkaClient(), 5),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic); // the topic exists (auto-created) before the clock starts
            Bench.Interval clock = Bench.Interval.start(pids);
            List<CompletableFuture<Void>> acks = new ArrayList<>(messages.size());
            for (ProducerRecord<String, byte[]> message : messages) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                producer.send(message, (metadata, error) -> {
                    if (error != null) {
                        ack.completeExceptionally(error);
                    } else {
                        ack.complete(null);
                    }
                });
                acks.add(ack);
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            return clock.end("ceiling", "Kafka producer (plain client)", records.size(), bytes,
                    "acks=all, idempotent, lz4, linger.ms=5, batch.size=256 KB, 1 partition");
        }
    }

    static Properties producerConfig(Properties client, int lingerMs) {
        Properties config = new Properties();
        config.putAll(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144); // camel.component.kafka.producer-batch-size
        return config;
    }

    /** Plain HDFS client: aggregates of 2000 JSON lines, one write + hsync each, files rolled (closed, renamed) at 64 MB. */
    Measurement hdfsWrite() throws Exception {
        String dir = "/bench/" + runId + "/ceiling";
        List<byte[]> aggregates = new ArrayList<>();
        for (int from = 0; from < enriched.size(); from += ARCHIVE_BATCH) {
            ByteArrayOutputStream lines = new ByteArrayOutputStream();
            for (MinimalEnrichment.Post post : enriched.subList(from, Math.min(enriched.size(), from + ARCHIVE_BATCH))) {
                lines.write(post.json());
                lines.write('\n');
            }
            aggregates.add(lines.toByteArray());
        }
        try (FileSystem hdfs = FileSystem.newInstance(URI.create(servers.hdfsUri()), hdfsClient())) {
            hdfs.mkdirs(new Path(dir));
            Bench.Interval clock = Bench.Interval.start(pids);
            int file = 0;
            Path open = new Path(dir, "_part-" + file + ".jsonl");
            FSDataOutputStream out = hdfs.create(open);
            long written = 0;
            for (byte[] aggregate : aggregates) {
                if (written > 0 && written + aggregate.length > ROLL_SIZE) {
                    out.close();
                    hdfs.rename(open, new Path(dir, "part-" + file + ".jsonl"));
                    open = new Path(dir, "_part-" + ++file + ".jsonl");
                    out = hdfs.create(open);
                    written = 0;
                }
                out.write(aggregate);
                out.hsync();
                written += aggregate.length;
            }
            out.close();
            hdfs.rename(open, new Path(dir, "part-" + file + ".jsonl"));
            return clock.end("ceiling", "HDFS write (plain client)", records.size(), bytes,
                    "aggregates of " + ARCHIVE_BATCH + " lines, one write + hsync each, roll at 64 MB");
        }
    }

    /** One DataNode: a write pipeline must not look for another to replace it. */
    static Configuration hdfsClient() {
        Configuration configuration = new Configuration();
        configuration.set("dfs.client.block.write.replace-datanode-on-failure.enable", "false");
        configuration.setInt("dfs.replication", 1);
        return configuration;
    }

    /** A fresh database with the forum schema and the MySQL-only authors. */
    static String migratedDatabase(String database) throws Exception {
        TestServers.mariaDb().createDatabase(database);
        String jdbc = TestServers.mariaDb().jdbcUrl(database);
        Flyway.configure().dataSource(jdbc, TestServers.mariaDb().username(), TestServers.mariaDb().password())
                .load().migrate();
        BenchData.seedMySqlAuthors(jdbc);
        return jdbc;
    }

    /**
     * The upsert of sql/upsert-posts.sql (the statement is the table's contract, so the ceiling asks MySQL for the same
     * work), its named parameters as JDBC's, bound by name.
     */
    static Upsert upsertSql() throws IOException {
        String text;
        try (InputStream in = Ceilings.class.getClassLoader().getResourceAsStream("sql/upsert-posts.sql")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> parameters = new ArrayList<>();
        Matcher matcher = Pattern.compile(":#(\\w+)").matcher(sql);
        while (matcher.find()) {
            parameters.add(matcher.group(1));
        }
        if (!MinimalEnrichment.COLUMNS.containsAll(parameters)) {
            throw new IllegalStateException("sql/upsert-posts.sql has parameters the benchmark does not know: " + parameters);
        }
        int[] order = parameters.stream().mapToInt(MinimalEnrichment.COLUMNS::indexOf).toArray();
        return new Upsert(matcher.replaceAll("?"), order);
    }

    /** The statement and, for each of its parameters, the index of the value in a {@link MinimalEnrichment.Post#row()}. */
    record Upsert(String sql, int[] order) {

        void bind(PreparedStatement statement, Object[] row) throws java.sql.SQLException {
            for (int i = 0; i < order.length; i++) {
                statement.setObject(i + 1, row[order[i]]);
            }
        }
    }
}
