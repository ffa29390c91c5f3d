package io.dataflux.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.demo.ForumPostGenerator.GeneratedRecord;
import io.dataflux.enrich.AuthorProfile;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.enrich.PostDeriver;
import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.PostParser;
import io.dataflux.enrich.PostValidator;
import io.dataflux.pipeline.EnrichedPost;
import io.dataflux.pipeline.SourceRecord;
import io.dataflux.sink.KafkaRecords;
import io.dataflux.sink.PostRows;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.RedisTestServer;
import io.dataflux.testing.TestServers;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import redis.clients.jedis.Jedis;

/**
 * Each stage alone, at its best, on the same records and servers as the pipeline: what no pipeline of these stages
 * can beat on this machine.
 */
final class Ceilings {

    /** The pipeline's batch (dataflux.redis.batch-size) and archive aggregate (dataflux.archive.batch-records). */
    static final int BATCH = 500;
    static final int ARCHIVE_BATCH = 2000;
    static final long ROLL_SIZE = 64L * 1024 * 1024;
    /** dataflux.enrich.threads in application.properties. */
    static final int PIPELINE_ENRICH_THREADS = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<GeneratedRecord> records;
    private final long bytes;
    private final String runId;
    private List<EnrichedPost> enriched;

    Ceilings(List<GeneratedRecord> records, String runId) {
        this.records = records;
        this.bytes = BenchData.bytes(records);
        this.runId = runId;
    }

    /** XREADGROUP in batches of 500 and XACK, through the redis-source component, the route doing nothing. */
    Measurement redisReadAck() throws Exception {
        String stream = "bench:" + runId + ":ceiling-redis";
        PipelineProbe.push(stream, records);
        AtomicLong first = new AtomicLong();
        CamelContext context = new DefaultCamelContext();
        try {
            // a lambda, not a RouteBuilder subclass: Camel Main in the pipeline JVM scans io.dataflux for those
            RouteBuilder.addRoutes(context, routes -> routes.from("redis-source:" + stream + "?host="
                            + TestServers.redis().host() + "&port=" + TestServers.redis().port()
                            + RedisTestServer.uriCredentials() + "&group=ceiling&consumerName=ceiling&batchSize=" + BATCH)
                    .routeId("ceiling-redis")
                    .process(exchange -> first.compareAndSet(0, System.nanoTime())));
            context.start();
            Bench.await("redis-source acknowledged every entry", 300, () -> acknowledged(stream, "ceiling") >= records.size());
            double seconds = (System.nanoTime() - first.get()) / 1e9;
            return new Measurement("ceiling", "Redis read+ack (redis-source)", records.size(), bytes, seconds,
                    "batchSize " + BATCH + ", no-op route");
        } finally {
            context.stop();
            try (Jedis redis = PipelineProbe.redis()) {
                redis.del(stream);
            }
        }
    }

    /** Parse, clean, derive, validate and author profile, called directly on one thread per core. */
    Measurement enrichers() throws Exception {
        Map<String, Map<String, Object>> profiles = authorProfiles();
        // as many threads as the pipeline's enrich pool (dataflux.enrich.threads), at least one per core: on a machine
        // shared with other processes, the CPU a process gets grows with its runnable threads
        int threads = Math.max(Runtime.getRuntime().availableProcessors(), PIPELINE_ENRICH_THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        PostParser parser = new PostParser();
        PostCleaner cleaner = new PostCleaner();
        PostDeriver deriver = new PostDeriver();
        PostValidator validator = new PostValidator();
        EnrichedPost[] out = new EnrichedPost[records.size()];
        long began = System.nanoTime();
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int part = t;
            parts.add(pool.submit(() -> {
                for (int i = part; i < records.size(); i += threads) {
                    GeneratedRecord record = records.get(i);
                    Map<String, Object> post = parser.parse(record.payload());
                    cleaner.clean(post);
                    deriver.derive(post);
                    validator.validate(post);
                    post.put(PostFields.AUTHOR, profiles.get((String) post.get(PostFields.AUTHOR_ID)));
                    out[i] = new EnrichedPost(new SourceRecord("0-" + i, record.payload()), post);
                }
                return null;
            }));
        }
        for (Future<?> part : parts) {
            part.get();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        pool.shutdown();
        enriched = List.of(out);
        return new Measurement("ceiling", "enrichers (all cores)", records.size(), bytes, seconds,
                threads + " threads (as the pipeline's pool), processors called directly, author profiles from a map");
    }

    private static Map<String, Map<String, Object>> authorProfiles() {
        Map<String, Map<String, Object>> profiles = new LinkedHashMap<>();
        try (Jedis redis = PipelineProbe.redis()) {
            for (String key : redis.keys(BenchData.AUTHOR_PREFIX + "*")) {
                profiles.put(key.substring(BenchData.AUTHOR_PREFIX.length()), AuthorProfile.normalise(redis.hgetAll(key)));
            }
        }
        return profiles;
    }

    /** The pipeline's upsert statement, batches of 500 rows, one connection, JDBC directly. */
    Measurement mysqlUpsert() throws Exception {
        String database = "bench_" + runId + "_ceiling";
        String jdbc = migratedDatabase(database);
        UpsertStatement upsert = UpsertStatement.load();
        List<List<Map<String, Object>>> batches = new ArrayList<>();
        for (int from = 0; from < enriched.size(); from += BATCH) {
            // posts repeated in a batch are merged first and the rows go in key order, as the sink does
            Map<String, Map<String, Object>> rows = new TreeMap<>();
            for (EnrichedPost post : enriched.subList(from, Math.min(enriched.size(), from + BATCH))) {
                rows.put((String) post.post().get(PostFields.ID), PostRows.toRow(post.post(), post.sourceId()));
            }
            batches.add(new ArrayList<>(rows.values()));
        }
        try (Connection connection = DriverManager.getConnection(jdbc, TestServers.mariaDb().username(),
                TestServers.mariaDb().password());
             PreparedStatement statement = connection.prepareStatement(upsert.sql())) {
            long began = System.nanoTime();
            for (List<Map<String, Object>> batch : batches) {
                for (Map<String, Object> row : batch) {
                    upsert.bind(statement, row);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            return new Measurement("ceiling", "MySQL batched upsert (JDBC)", records.size(), bytes, seconds,
                    "same SQL, batches of " + BATCH + ", autocommit, rewriteBatchedStatements, 1 connection");
        }
    }

    static String migratedDatabase(String database) throws Exception {
        TestServers.mariaDb().createDatabase(database);
        String jdbc = TestServers.mariaDb().jdbcUrl(database);
        Flyway.configure().dataSource(jdbc, TestServers.mariaDb().username(), TestServers.mariaDb().password())
                .load().migrate();
        return jdbc;
    }

    /** The pipeline's producer settings (acks=all, idempotent, lz4, linger 5 ms), each post's JSON keyed by its id. */
    Measurement kafkaProducer() throws Exception {
        String topic = "bench-" + runId + "-ceiling";
        List<ProducerRecord<String, String>> messages = new ArrayList<>(enriched.size());
        for (EnrichedPost post : enriched) {
            ProducerRecord<String, String> message = new ProducerRecord<>(topic, (String) post.post().get(PostFields.ID),
                    JSON.writeValueAsString(post.post()));
            message.headers().add(KafkaRecords.SOURCE_ID_HEADER, post.sourceId().getBytes(StandardCharsets.UTF_8));
            message.headers().add(KafkaRecords.CONTENT_HASH_HEADER,
                    ((String) post.post().get(PostFields.CONTENT_HASH)).getBytes(StandardCharsets.UTF_8));
            messages.add(message);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(5), new StringSerializer(),
                new StringSerializer())) {
            producer.partitionsFor(topic); // the topic exists (auto-created) before the clock starts
            long began = System.nanoTime();
            List<CompletableFuture<Void>> acks = new ArrayList<>(messages.size());
            for (ProducerRecord<String, String> message : messages) {
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
            double seconds = (System.nanoTime() - began) / 1e9;
            return new Measurement("ceiling", "Kafka producer", records.size(), bytes, seconds,
                    "acks=all, idempotent, lz4, linger.ms=5, 1 partition");
        }
    }

    static Properties producerConfig(int lingerMs) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return config;
    }

    /** DataFlux's hdfs: producer, aggregates of 2000 posts as JSON lines, hsync each, files rolled at 64 MB. */
    Measurement hdfsWrite() throws Exception {
        String uri = TestServers.hdfs().uri() + "/bench/" + runId + "/ceiling?instanceId=ceiling&fileExtension=jsonl"
                + "&rollSize=" + ROLL_SIZE + "&rollAge=600000&rollIdle=120000";
        List<List<Map<String, Object>>> aggregates = new ArrayList<>();
        for (int from = 0; from < enriched.size(); from += ARCHIVE_BATCH) {
            List<Map<String, Object>> aggregate = new ArrayList<>();
            enriched.subList(from, Math.min(enriched.size(), from + ARCHIVE_BATCH)).forEach(post -> aggregate.add(post.post()));
            aggregates.add(aggregate);
        }
        CamelContext context = new DefaultCamelContext();
        try {
            context.start();
            // the producer connects to HDFS when it starts, before the clock does
            Producer producer = context.getEndpoint(uri).createProducer();
            ServiceHelper.startService(producer);
            long began = System.nanoTime();
            for (List<Map<String, Object>> aggregate : aggregates) {
                Exchange exchange = new DefaultExchange(context);
                exchange.getIn().setBody(aggregate);
                producer.process(exchange);
                if (exchange.getException() != null) {
                    throw exchange.getException();
                }
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            ServiceHelper.stopService(producer);
            return new Measurement("ceiling", "HDFS write (hdfs: component)", records.size(), bytes, seconds,
                    "aggregates of " + ARCHIVE_BATCH + ", hsync each, roll at 64 MB");
        } finally {
            context.stop();
        }
    }

    /** sql/upsert-posts.sql with its named parameters turned into JDBC's, in order. */
    record UpsertStatement(String sql, List<String> parameters) {

        private static final Pattern PARAMETER = Pattern.compile(":#(\\w+)");

        static UpsertStatement load() throws IOException {
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
            Matcher matcher = PARAMETER.matcher(sql);
            while (matcher.find()) {
                parameters.add(matcher.group(1));
            }
            return new UpsertStatement(matcher.replaceAll("?"), parameters);
        }

        void bind(PreparedStatement statement, Map<String, Object> row) throws java.sql.SQLException {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, row.get(parameters.get(i)));
            }
        }
    }

    private static long acknowledged(String stream, String group) {
        return Bench.acknowledged(stream, group);
    }
}
