package io.dataflux.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.dataflux.DataFluxApplication;
import io.dataflux.cli.DataFluxCli;
import io.dataflux.testing.ManagementEndpoint;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.camel.main.Main;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Replay and lineage on the four real servers, through the command line as an engineer uses it: 100 posts are
 * dead-lettered by a wrong field mapping, the mapping is fixed, {@code dataflux replay} pushes them back byte for
 * byte, and every post is then stored once in MySQL, Kafka and the archive; a second replay pushes nothing.
 * {@code dataflux trace} names each post's Kafka record and archive line, and reading them there finds the post.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class DeadLetterReplayTest {

    private static final int POSTS = 100;
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String database = "replay_" + run;
    private final String stream = "posts:" + run;
    private final String topic = "posts-" + run;
    private final String archive = "/replay/" + run;

    @Test
    void deadLettersReplayedAfterTheFixAreStoredOnceInEverySinkAndTraceFindsThem() throws Exception {
        TestServers.mariaDb().createDatabase(database);
        String jdbc = TestServers.mariaDb().jdbcUrl(database);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < POSTS; i++) {
            payloads.add(("{\"id\":\"" + run + "-" + i + "\",\"author_id\":\"author-" + (i % 7) + "\",\"title\":\"Post "
                    + i + "\",\"body\":\"Café ☕ and 😀, post number " + i + "\",\"created_at\":\"2026-11-30T10:00:"
                    + String.format("%02d", i % 60) + "Z\",\"thread_id\":\"t-" + (i % 3) + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }

        // a strict (wrong) mapping: the body is looked for where the input has none, every post is dead-lettered
        Main strict = pipeline(Map.of("dataflux.input.field.body", "/content"));
        try (Jedis redis = PipelineProbe.redis()) {
            for (byte[] payload : payloads) {
                redis.xadd(stream.getBytes(StandardCharsets.UTF_8), XAddParams.xAddParams(),
                        Map.of("value".getBytes(StandardCharsets.UTF_8), payload));
            }
            await().atMost(PATIENCE).ignoreExceptions().until(() -> PipelineProbe.allAcknowledged(stream, "dataflux")
                    && count(jdbc, "SELECT COUNT(*) AS n FROM dead_letter WHERE reason = 'MISSING_FIELD'") == POSTS);
        } finally {
            strict.stop();
        }
        assertThat(count(jdbc, "SELECT COUNT(*) AS n FROM posts")).isZero();

        Cli dryRun = cli(jdbc, "replay", "--dry-run", "--reason", "MISSING_FIELD");
        assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
        assertThat(dryRun.output()).contains("Dry run: 100 dead-lettered record(s) would be pushed into the Redis stream");
        assertThat(count(jdbc, "SELECT COUNT(*) AS n FROM dead_letter WHERE replay_state IS NOT NULL"))
                .as("a dry run marks nothing").isZero();

        Cli replay = cli(jdbc, "replay", "--reason", "MISSING_FIELD");
        assertThat(replay.exitCode()).as(replay.output()).isZero();
        assertThat(replay.output()).contains("Replayed 100 of 100 dead-lettered record(s)");
        List<Map<String, Object>> replayed = PipelineProbe.query(jdbc,
                "SELECT source_id, replay_state, replay_entry FROM dead_letter ORDER BY id");
        assertThat(replayed).allSatisfy(row -> assertThat(row.get("replay_state")).isEqualTo("REPLAYED"));
        try (Jedis redis = PipelineProbe.redis()) {
            List<StreamEntry> entries = redis.xrange(stream, (StreamEntryID) null, (StreamEntryID) null);
            assertThat(entries).hasSize(2 * POSTS);
            // valid UTF-8 on both sides: equal text is equal bytes
            Map<String, String> values = entries.stream().collect(Collectors.toMap(entry -> entry.getID().toString(),
                    entry -> entry.getFields().get("value")));
            for (Map<String, Object> row : replayed) {
                assertThat(values.get((String) row.get("replay_entry"))).as("byte for byte")
                        .isEqualTo(values.get((String) row.get("source_id")));
            }
            assertThat(entries.subList(POSTS, 2 * POSTS)).extracting(entry -> entry.getFields().get("value"))
                    .containsExactlyInAnyOrderElementsOf(payloads.stream()
                            .map(payload -> new String(payload, StandardCharsets.UTF_8)).toList());
        }

        // the mapping fixed: the replayed records go through
        Main relaxed = pipeline(Map.of());
        try {
            await().atMost(PATIENCE).ignoreExceptions().until(() -> PipelineProbe.allAcknowledged(stream, "dataflux")
                    && count(jdbc, "SELECT COUNT(*) AS n FROM posts") == POSTS
                    && count(jdbc, "SELECT COUNT(*) AS n FROM lineage_kafka") == POSTS
                    && count(jdbc, "SELECT COUNT(*) AS n FROM lineage_archive") == POSTS);
        } finally {
            relaxed.stop(); // commits the archive files under their final names
        }

        Set<String> ids = payloads.stream().map(payload -> new String(payload, StandardCharsets.UTF_8)
                .replaceFirst("^\\{\"id\":\"([^\"]+)\".*$", "$1")).collect(Collectors.toSet());
        assertThat(PipelineProbe.query(jdbc, "SELECT id FROM posts")).extracting(row -> (String) row.get("id"))
                .containsExactlyInAnyOrderElementsOf(ids);
        List<ConsumerRecord<String, String>> published = PipelineProbe.kafka(topic, POSTS);
        assertThat(published).as("once each").hasSize(POSTS);
        assertThat(published).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ids);
        List<Map<String, Object>> archived = PipelineProbe.archivedPosts(archive);
        assertThat(archived).as("once each").hasSize(POSTS);
        assertThat(archived).extracting(post -> (String) post.get("id")).containsExactlyInAnyOrderElementsOf(ids);

        Cli again = cli(jdbc, "replay");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("Replayed 0 of 0 dead-lettered record(s)");
        try (Jedis redis = PipelineProbe.redis()) {
            assertThat(redis.xlen(stream)).as("the second replay pushed nothing").isEqualTo(2 * POSTS);
        }

        String postId = run + "-42";
        Cli trace = cli(jdbc, "trace", postId);
        assertThat(trace.exitCode()).as(trace.output()).isZero();
        Map<String, Object> kafkaRow = PipelineProbe.query(jdbc, "SELECT * FROM lineage_kafka WHERE post_id = '"
                + postId + "'").get(0);
        Map<String, Object> archiveRow = PipelineProbe.query(jdbc, "SELECT * FROM lineage_archive WHERE source_key = '"
                + kafkaRow.get("source_key") + "'").get(0);
        Map<String, Object> stored = PipelineProbe.query(jdbc, "SELECT version_key, source_id FROM posts WHERE id = '"
                + postId + "'").get(0);
        Map<String, Object> deadLetter = PipelineProbe.query(jdbc, "SELECT id, replay_entry FROM dead_letter"
                + " WHERE record_id = '" + postId + "'").get(0);
        assertThat(kafkaRow.get("source_id")).as("the replayed entry").isEqualTo(deadLetter.get("replay_entry"))
                .isEqualTo(stored.get("source_id"));
        assertThat(kafkaRow.get("version_key")).isEqualTo(stored.get("version_key"));
        assertThat(trace.output())
                .contains("posts row id " + postId + ", version " + stored.get("version_key"))
                .contains("(the row MySQL holds)")
                .contains("Redis   entry " + kafkaRow.get("source_id"))
                .contains("Kafka   topic " + topic + ", partition " + kafkaRow.get("kafka_partition") + ", offset "
                        + kafkaRow.get("kafka_offset"))
                .contains("Archive " + archiveRow.get("path") + ", line " + (((Number) archiveRow.get("line")).longValue() + 1))
                .contains("#" + deadLetter.get("id")).contains("MISSING_FIELD")
                .contains("[replayed as " + deadLetter.get("replay_entry") + "]");

        // the locations are right: the record at that offset and the line at that index are this post
        assertThat(kafkaRecord(((Number) kafkaRow.get("kafka_partition")).intValue(),
                ((Number) kafkaRow.get("kafka_offset")).longValue()))
                .contains("\"id\":\"" + postId + "\"");
        assertThat(archiveLine((String) archiveRow.get("path"), ((Number) archiveRow.get("line")).longValue()))
                .contains("\"id\":\"" + postId + "\"");

        Cli unknown = cli(jdbc, "trace", run + "-nowhere");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.output()).contains("not in posts, lineage or dead letter");

        // a replay that died between the mark and the push: the row is skipped, reported, and never pushed again
        long interrupted = ((Number) deadLetter.get("id")).longValue();
        update(jdbc, "UPDATE dead_letter SET replay_state = 'PUSHING', replay_entry = NULL WHERE id = " + interrupted);
        Cli afterCrash = cli(jdbc, "replay");
        assertThat(afterCrash.output()).contains("Replayed 0 of 0")
                .contains("Skipped 1 row(s) an interrupted replay marked PUSHING");

        // a payload larger than the row kept: read back whole from its overflow file on HDFS, checked by SHA-256
        byte[] large = ("{\"id\":\"" + run + "-large\",\"author_id\":\"a\",\"body\":\"" + "é".repeat(5000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String digest = io.dataflux.deadletter.DeadLetterPayload.sha256(large);
        String location = "/dataflux/dead-letter/" + digest + "/payload.bin";
        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration());
             java.io.OutputStream file = fs.create(new org.apache.hadoop.fs.Path(location), true)) {
            file.write(large);
        }
        long overflowed = insertOverflowedDeadLetter(jdbc, large, digest, location);
        Cli fromHdfs = cli(jdbc, "replay", "--id", Long.toString(overflowed));
        assertThat(fromHdfs.exitCode()).as(fromHdfs.output()).isZero();
        assertThat(fromHdfs.output()).contains("Replayed 1 of 1");
        try (Jedis redis = PipelineProbe.redis()) {
            assertThat(redis.xlen(stream)).isEqualTo(2 * POSTS + 1);
            StreamEntry last = redis.xrevrange(stream, (StreamEntryID) null, (StreamEntryID) null, 1).get(0);
            assertThat(last.getFields().get("value")).as("the whole payload, not the row's first bytes")
                    .isEqualTo(new String(large, StandardCharsets.UTF_8));
        }
    }

    private static void update(String jdbc, String sql) throws Exception {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(jdbc, TestServers.mariaDb().username(),
                TestServers.mariaDb().password());
             java.sql.Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    /** A dead_letter row as the dead-letter route writes one over dataflux.dead-letter.max-row-bytes. */
    private long insertOverflowedDeadLetter(String jdbc, byte[] payload, String digest, String location) throws Exception {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(jdbc, TestServers.mariaDb().username(),
                TestServers.mariaDb().password());
             java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO dead_letter (source_id,"
                     + " source_key, reason, detail, payload, payload_length, payload_sha256, payload_location)"
                     + " VALUES (?, ?, 'TOO_LARGE', 'over the limit', ?, ?, ?, ?)",
                     java.sql.Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, "1-1");
            insert.setString(2, "1-1");
            insert.setBytes(3, java.util.Arrays.copyOf(payload, 100));
            insert.setLong(4, payload.length);
            insert.setString(5, digest);
            insert.setString(6, location);
            insert.executeUpdate();
            try (java.sql.ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private Main pipeline(Map<String, String> strictness) throws Exception {
        Main main = new Main(DataFluxApplication.class);
        Properties overrides = new Properties();
        overrides.putAll(TestServers.camelProperties(ServerKind.values()));
        overrides.putAll(ManagementEndpoint.onFreePort().camelProperties());
        overrides.putAll(runProperties(TestServers.mariaDb().jdbcUrl(database)));
        overrides.put("dataflux.instance-id", "replay-" + run);
        overrides.put("dataflux.authors.redis-key-prefix", "author:" + run + ":");
        // this JVM's class path holds the tests' own Java routes
        overrides.put("camel.main.java-routes-exclude-pattern", "**/*Test*");
        overrides.putAll(strictness);
        main.setOverrideProperties(overrides);
        main.start();
        return main;
    }

    private Map<String, String> runProperties(String jdbc) {
        return Map.of("dataflux.mysql.url", jdbc, "dataflux.redis.key", stream, "dataflux.kafka.topic", topic,
                "dataflux.archive.dir", archive);
    }

    private static long count(String jdbc, String sql) throws Exception {
        return ((Number) PipelineProbe.query(jdbc, sql).get(0).get("n")).longValue();
    }

    private String kafkaRecord(int partition, long offset) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestServers.kafka().bootstrapServers());
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition at = new TopicPartition(topic, partition);
            consumer.assign(List.of(at));
            consumer.seek(at, offset);
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).records(at).forEach(found::add);
                return !found.isEmpty();
            });
            assertThat(found.get(0).offset()).isEqualTo(offset);
            return found.get(0).value();
        }
    }

    private static String archiveLine(String path, long index) throws Exception {
        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration());
             BufferedReader lines = new BufferedReader(new InputStreamReader(
                     fs.open(new org.apache.hadoop.fs.Path(path)), StandardCharsets.UTF_8))) {
            return lines.lines().skip(index).findFirst().orElseThrow();
        }
    }

    /** What a command printed, and its exit code. */
    private record Cli(int exitCode, String output) {
    }

    /** Runs the command line in this JVM as an operator would: credentials and settings in a --config file. */
    private Cli cli(String jdbc, String... command) throws Exception {
        Path config = Files.createTempFile("dataflux-replay-", ".properties");
        config.toFile().deleteOnExit();
        List<String> lines = new ArrayList<>();
        TestServers.camelProperties(ServerKind.values()).forEach((key, value) -> lines.add(key + " = " + value));
        runProperties(jdbc).forEach((key, value) -> lines.add(key + " = " + value));
        lines.add("camel.main.java-routes-exclude-pattern = **/*Test*");
        Files.write(config, lines, StandardCharsets.ISO_8859_1);
        List<String> arguments = new ArrayList<>(List.of(command));
        arguments.addAll(List.of("--config", config.toString()));
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exitCode = DataFluxCli.execute(arguments.toArray(String[]::new));
            return new Cli(exitCode, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
        }
    }
}
