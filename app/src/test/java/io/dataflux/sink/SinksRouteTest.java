package io.dataflux.sink;

import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.ingest.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * routes/sinks.camel.xml on the real MariaDB and Kafka: a batch is upserted into MySQL in one statement (duplicates
 * merged) and published to Kafka keyed by post id; a row MySQL refuses is dead-lettered while the rest is stored
 * and published, and it is not.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA})
class SinksRouteTest extends DataFluxCamelTest {

    /** The Camel context, and so the topic, may outlive one test instance: the topic is the class's. */
    private static final String TOPIC = "posts-" + UUID.randomUUID().toString().substring(0, 8);
    private final String run = UUID.randomUUID().toString().substring(0, 8);


    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        properties.put("dataflux.kafka.topic", TOPIC);
        return properties;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:posts-of-run").routeId("test-read-posts")
                        .to("sql:SELECT id, title, body, source_id FROM posts WHERE id LIKE :#prefix ORDER BY id"
                            + "?dataSource=#dataSource");
                from("direct:dead-letters-of-run").routeId("test-read-dead-letters")
                        .to("sql:SELECT record_id, reason, detail FROM dead_letter WHERE source_id LIKE :#prefix"
                            + "?dataSource=#dataSource");
            }
        };
    }

    private SourceRecord record(String sourceId, String id, String title) {
        // created_at in the order of the source ids: of two versions, the later is the newer (PostVersion)
        String json = "{\"id\":\"" + run + "-" + id + "\",\"author_id\":\"u-1\",\"title\":\"" + title
                + "\",\"body\":\"<p>text of " + id + " #tag</p>\",\"created_at\":\"2026-11-24T10:00:0"
                + sourceId.charAt(0) + "Z\"}";
        return new SourceRecord(run + "-" + sourceId, json.getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> query(String route) {
        return template.requestBodyAndHeader(route, null, "prefix", run + "-%", List.class);
    }

    /** This test's records, read from the beginning without a consumer group (nothing to wait for but the data). */
    private List<ConsumerRecord<String, String>> consumeAll(int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.key().startsWith(run)) {
                        records.add(record);
                    }
                });
                return records.size() >= expected;
            });
        }
        return records;
    }

    private static String writeValueAsString(Map<String, Object> post) {
        try {
            return new ObjectMapper().writeValueAsString(post);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aBatchReachesMySqlOnceByKeyAndKafkaKeyedByPostId() {
        EnrichedBatch batch = template.requestBody("direct:enrich", List.of(
                record("1-0", "a", "first"), record("2-0", "b", "second"), record("3-0", "a", "first, edited \uD83D\uDE80 caf\u00e9")),
                EnrichedBatch.class);

        template.sendBody("direct:sinks", batch);

        List<Map<String, Object>> rows = query("direct:posts-of-run");
        assertThat(rows).extracting(row -> row.get("title"))
                .containsExactly("first, edited \uD83D\uDE80 caf\u00e9", "second");
        assertThat(rows.get(0)).containsEntry("source_id", run + "-3-0").containsEntry("body", "text of a #tag");

        List<ConsumerRecord<String, String>> records = consumeAll(3);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly(run + "-a", run + "-b", run + "-a");
        assertThat(records.get(2).value()).contains("\"title\":\"first, edited \uD83D\uDE80 caf\u00e9\"")
                .contains("\"hashtags\":[\"tag\"]");
        // the post's JSON, serialized once for every sink, is what Jackson's text of the post was, byte for byte
        for (int i = 0; i < 3; i++) {
            assertThat(records.get(i).value().getBytes(StandardCharsets.UTF_8)).isEqualTo(
                    writeValueAsString(batch.posts().get(i).post()).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(header(records.get(1), "dataflux-source-id")).isEqualTo(run + "-2-0");
        assertThat(header(records.get(1), "dataflux-content-hash")).hasSize(64);
    }

    @Test
    void aRowMySqlRefusesIsDeadLetteredAndTheOthersAreStored() {
        EnrichedBatch batch = template.requestBody("direct:enrich", List.of(
                record("1-0", "ok1", "fine"), record("2-0", "bad", "too long"), record("3-0", "ok2", "fine")),
                EnrichedBatch.class);
        // past the validator, as a schema change could make it: the title column holds 300 characters
        batch.posts().get(1).post().put("title", "x".repeat(400));

        template.sendBody("direct:sinks", batch);

        assertThat(query("direct:posts-of-run")).extracting(row -> row.get("id"))
                .containsExactly(run + "-ok1", run + "-ok2");
        List<Map<String, Object>> dead = query("direct:dead-letters-of-run");
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0)).containsEntry("record_id", run + "-bad").containsEntry("reason", "REJECTED_BY_SINK");
        assertThat((String) dead.get(0).get("detail")).contains("title");
        // MySQL runs first: what it refused is neither published nor archived
        assertThat(consumeAll(2)).extracting(ConsumerRecord::key).containsExactly(run + "-ok1", run + "-ok2");
    }
}
