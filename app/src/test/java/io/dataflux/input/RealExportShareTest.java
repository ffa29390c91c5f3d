package io.dataflux.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.XAddParams;

/**
 * A crawler's export that nobody here wrote the pipeline for (src/test/resources/corpus/real-exports.jsonl.gz, made by
 * generate-real-exports.py next to it): its own field names, connected by configuration alone (the input contract),
 * real-world ids and authors, many scripts, later versions of earlier posts, a few records over the size limit.
 * Every post within the limits must reach MySQL, Kafka and HDFS (at least 99.9 %), each with the newest version's
 * author; the share is printed.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class RealExportShareTest extends DataFluxCamelTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String DATABASE = "exports_" + RUN;
    private static final String STREAM = "exports:" + RUN;
    private static final String TOPIC = "exports-" + RUN;
    private static final String ARCHIVE = "/exports/" + RUN;
    private static final int MAX_RECORD_BYTES = 524_288;

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
        properties.put("dataflux.dead-letter.dir", ARCHIVE + "-dead-letter");
        properties.put("dataflux.record.max-bytes", Integer.toString(MAX_RECORD_BYTES));
        properties.put("dataflux.input.max-body-length", "262144");
        properties.put("dataflux.instance-id", "exports-" + RUN);
        properties.put("dataflux.authors.redis-key-prefix", "author:" + RUN + ":");
        properties.put("dataflux.ingest.auto-startup", "true");
        // the crawler's names: configuration only, no Java
        properties.put("dataflux.input.field.id", "/post_id");
        properties.put("dataflux.input.field.author-id", "/user/email");
        properties.put("dataflux.input.field.thread-id", "/thread");
        properties.put("dataflux.input.field.title", "/subject");
        properties.put("dataflux.input.field.body", "/content_html");
        properties.put("dataflux.input.field.created-at", "/published_at");
        properties.put("dataflux.input.field.url", "");
        return properties;
    }

    @Test
    void atLeast999PerMilleOfTheRecordsWithinTheLimitsReachAllThreeSinks() throws Exception {
        List<byte[]> records = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                getClass().getResourceAsStream("/corpus/real-exports.jsonl.gz")), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                records.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        // per post id, the newest version within the limits: the one MySQL must keep (later line wins a tie)
        Map<String, Map<String, Object>> newest = new HashMap<>();
        int withinLimits = 0;
        for (byte[] record : records) {
            if (record.length > MAX_RECORD_BYTES) {
                continue;
            }
            withinLimits++;
            @SuppressWarnings("unchecked")
            Map<String, Object> post = PipelineProbe.JSON.readValue(record, Map.class);
            newest.merge(String.valueOf(post.get("post_id")), post, (old, next) -> isOlder(next, old) ? old : next);
        }
        try (Jedis redis = PipelineProbe.redis(); Pipeline pipeline = redis.pipelined()) {
            byte[] key = STREAM.getBytes(StandardCharsets.UTF_8);
            byte[] field = "value".getBytes(StandardCharsets.UTF_8);
            records.forEach(record -> pipeline.xadd(key, XAddParams.xAddParams(), Map.of(field, record)));
            pipeline.sync();
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> PipelineProbe.allAcknowledged(STREAM, "dataflux"));
        context.stop();

        String jdbc = TestServers.mariaDb().jdbcUrl(DATABASE);
        Map<String, String> authorInMySql = PipelineProbe.query(jdbc, "SELECT id, author_id FROM posts").stream()
                .collect(Collectors.toMap(row -> (String) row.get("id"), row -> (String) row.get("author_id")));
        Set<String> inKafka = PipelineProbe.kafka(TOPIC, withinLimits).stream().map(ConsumerRecord::key)
                .collect(Collectors.toSet());
        Set<String> archived = PipelineProbe.archivedPosts(ARCHIVE).stream().map(post -> (String) post.get("id"))
                .collect(Collectors.toSet());
        Set<String> everywhere = new HashSet<>(newest.keySet());
        everywhere.retainAll(authorInMySql.keySet());
        everywhere.retainAll(inKafka);
        everywhere.retainAll(archived);
        double share = (double) everywhere.size() / newest.size();
        System.out.printf("real exports: %d records, %d within the limits, %d posts; %d in all three sinks = %.2f %%;"
                        + " dead letters: %s%n", records.size(), withinLimits, newest.size(), everywhere.size(),
                100 * share, PipelineProbe.query(jdbc, "SELECT reason, COUNT(*) AS n FROM dead_letter GROUP BY reason"));

        assertThat(share).isGreaterThanOrEqualTo(0.999);
        for (String id : everywhere) {
            @SuppressWarnings("unchecked")
            Map<String, Object> user = (Map<String, Object>) newest.get(id).get("user");
            assertThat(authorInMySql.get(id)).as(id).isEqualTo(user.get("email"));
        }
        assertThat(PipelineProbe.query(jdbc, "SELECT COUNT(*) AS n FROM dead_letter").get(0).get("n"))
                .as("only the records over the limit").isEqualTo((long) (records.size() - withinLimits));
    }

    private static boolean isOlder(Map<String, Object> post, Map<String, Object> than) {
        Object at = post.get("published_at");
        Object otherAt = than.get("published_at");
        if (at == null || otherAt == null) {
            return at == null && otherAt != null;
        }
        OffsetDateTime time = OffsetDateTime.parse((String) at);
        OffsetDateTime otherTime = OffsetDateTime.parse((String) otherAt);
        return time.isBefore(otherTime);
    }
}
