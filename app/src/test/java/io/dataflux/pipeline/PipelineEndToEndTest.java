package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.sample.ForumPostGenerator.Author;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.SinkVerifier;
import io.dataflux.testing.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The whole pipeline, as Camel Main runs it from the real route files, on the four real servers: 20,000 generated
 * posts (HTML, emoji, CJK, edits, reposts, 2% bad records of every kind) pushed into a Redis stream end up exactly
 * where the delivery contract says, and nothing stays pending.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class PipelineEndToEndTest extends DataFluxCamelTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String DATABASE = "e2e_" + RUN;
    private static final String STREAM = "posts:" + RUN;
    private static final String TOPIC = "posts-" + RUN;
    private static final String ARCHIVE = "/e2e/" + RUN;
    private static final int RECORDS = 20_000;

    @BeforeAll
    static void ownDatabase() throws Exception {
        TestServers.mariaDb().createDatabase(DATABASE);
    }

    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        properties.put("dataflux.mysql.url", TestServers.mariaDb().jdbcUrl(DATABASE));
        properties.put("dataflux.redis.key", STREAM);
        properties.put("dataflux.kafka.topic", TOPIC);
        properties.put("dataflux.archive.dir", ARCHIVE);
        properties.put("dataflux.archive.roll-size", Integer.toString(4 * 1024 * 1024));
        properties.put("dataflux.authors.redis-key-prefix", "author:" + RUN + ":");
        properties.put("dataflux.instance-id", "e2e-" + RUN);
        properties.put("dataflux.ingest.auto-startup", "true");
        return properties;
    }

    @Test
    void everyGoodPostReachesEverySinkAndEveryBadOneTheDeadLetter() throws Exception {
        ForumPostGenerator generator = new ForumPostGenerator(2026, RUN + "-", 0.02, 65536, 700);
        seedAuthors(generator.authors());
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(generator.next());
        }
        Map<String, Map<String, Object>> newestVersion = newestGoodVersions(records);
        long goodRecords = records.stream().filter(GeneratedRecord::isGood).count();
        Map<String, Long> badByReason = records.stream().filter(record -> !record.isGood())
                .collect(Collectors.groupingBy(record -> record.expectedRejection().name(), TreeMap::new,
                        Collectors.counting()));

        long started = System.nanoTime();
        PipelineProbe.push(STREAM, records);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> PipelineProbe.allAcknowledged(STREAM, "dataflux"));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("pipeline: %d records in %.1f s = %.0f records/s%n", RECORDS, seconds, RECORDS / seconds);
        context.stop(); // graceful: the archive commits its open files

        String jdbc = TestServers.mariaDb().jdbcUrl(DATABASE);
        List<Map<String, Object>> rows = PipelineProbe.query(jdbc,
                "SELECT id, title, body, content_hash, author, hashtags, word_count FROM posts");
        for (Map<String, Object> row : rows) {
            Map<String, Object> expected = newestVersion.get((String) row.get("id"));
            assertThat(row.get("title")).as("newest version, cleaned").isEqualTo(PostCleaner.toText((String) expected.get("title")));
            assertThat((String) row.get("body")).doesNotContain("<p>", "</a>", "&amp;");
            assertThat((String) row.get("content_hash")).hasSize(64);
            assertThat((String) row.get("author")).as("every author has a profile").contains("\"display_name\"");
        }

        Map<String, Long> deadByReason = PipelineProbe.query(jdbc, "SELECT reason, COUNT(*) AS n FROM dead_letter GROUP BY reason")
                .stream().collect(Collectors.toMap(row -> (String) row.get("reason"), row -> ((Number) row.get("n")).longValue(),
                        Long::sum, TreeMap::new));
        assertThat(deadByReason).isEqualTo(badByReason);

        // every good post in every sink; Kafka and the archive hold every version of it
        Map<String, Integer> held = SinkVerifier.standard(jdbc, TOPIC, ARCHIVE).assertEveryHasExactly(newestVersion.keySet());
        assertThat(held).hasEntrySatisfying("Kafka " + TOPIC, n -> assertThat(n).isGreaterThanOrEqualTo((int) goodRecords))
                .hasEntrySatisfying("HDFS " + ARCHIVE, n -> assertThat(n).isGreaterThanOrEqualTo((int) goodRecords));
        assertThat(PipelineProbe.allAcknowledged(STREAM, "dataflux")).isTrue();
    }

    /** Per post id, the version with the latest created_at (the one MySQL must keep). */
    private static Map<String, Map<String, Object>> newestGoodVersions(List<GeneratedRecord> records) throws Exception {
        Map<String, Map<String, Object>> newest = new HashMap<>();
        for (GeneratedRecord record : records) {
            if (!record.isGood()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> post = PipelineProbe.JSON.readValue(record.payload(), LinkedHashMap.class);
            newest.merge(record.postId(), post, (old, next) ->
                    OffsetDateTime.parse((String) next.get("created_at")).isBefore(
                            OffsetDateTime.parse((String) old.get("created_at"))) ? old : next);
        }
        return newest;
    }

    /** Half the profiles in Redis, half in MySQL only, so both lookups are exercised. */
    private void seedAuthors(List<Author> authors) throws Exception {
        Set<String> inRedis = new HashSet<>();
        try (Jedis redis = PipelineProbe.redis()) {
            for (int i = 0; i < authors.size(); i += 2) {
                Author author = authors.get(i);
                redis.hset("author:" + RUN + ":" + author.id(), Map.of("author_id", author.id(),
                        "display_name", author.displayName(), "reputation", Integer.toString(author.reputation()),
                        "location", author.location(), "joined_at", author.joinedAt()));
                inRedis.add(author.id());
            }
        }
        try (Connection connection = DriverManager.getConnection(TestServers.mariaDb().jdbcUrl(DATABASE),
                TestServers.mariaDb().username(), TestServers.mariaDb().password());
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO authors (author_id, display_name, reputation, location) VALUES (?, ?, ?, ?)")) {
            for (Author author : authors) {
                if (!inRedis.contains(author.id())) {
                    insert.setString(1, author.id());
                    insert.setString(2, author.displayName());
                    insert.setInt(3, author.reputation());
                    insert.setString(4, author.location());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
