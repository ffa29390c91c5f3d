package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.dataflux.demo.ForumPostGenerator;
import io.dataflux.demo.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.KafkaTestServer;
import io.dataflux.testing.MariaDbTestServer;
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A sink outage is waited out, not turned into loss: MySQL (a MariaDB of the test's own), or in the other test the
 * Kafka broker (one of its own), goes away for 20 seconds in the middle of a run; the pipeline retries with backoff,
 * the batches stay pending in Redis, and once the sink is back every good post reaches every sink.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class SinkOutageTest {

    private static final int RECORDS = 6_000;

    @Test
    void mysqlDownForTwentySecondsMidRunLosesNothing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ForumPostGenerator generator = new ForumPostGenerator(run.hashCode(), run + "-", 0.02, 65536, 700);
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(generator.next());
        }
        Set<String> good = records.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId)
                .collect(Collectors.toSet());

        try (MariaDbTestServer mysql = MariaDbTestServer.startDedicated()) {
            Map<String, String> properties = new HashMap<>();
            TestServers.camelProperties(ServerKind.REDIS, ServerKind.KAFKA, ServerKind.HDFS)
                    .forEach((key, value) -> properties.put((String) key, (String) value));
            properties.putAll(mysql.camelProperties());
            mysql.createDatabase("outage_" + run);
            properties.put("dataflux.mysql.url", mysql.jdbcUrl("outage_" + run));
            properties.put("dataflux.redis.key", "posts:" + run);
            properties.put("dataflux.kafka.topic", "posts-" + run);
            properties.put("dataflux.archive.dir", "/outage/" + run);
            properties.put("dataflux.instance-id", "outage-" + run);
            // backoff 0.5, 1, 2, 4, then 5 s: about 40 s of retries per failing step, longer than the outage
            properties.put("dataflux.retry.max-delay", "5000");
            properties.put("dataflux.redis.min-idle-time", "10000");

            PipelineProbe.push("posts:" + run, records);
            try (PipelineProcess pipeline = PipelineProcess.start("outage", properties)) {
                await().atMost(Duration.ofMinutes(2)).until(() -> posts(mysql, run) >= RECORDS / 5);
                long before = posts(mysql, run);
                mysql.stop();
                Thread.sleep(20_000); // the outage itself: what the test is about, not a wait for a result
                mysql.startAgain();
                await().atMost(Duration.ofMinutes(4)).until(() -> PipelineProbe.allAcknowledged("posts:" + run, "dataflux"));
                pipeline.terminate(Duration.ofSeconds(60));
                assertThat(pipeline.log()).as("the outage was retried, not skipped").contains("On delivery attempt");
                assertThat(before).as("MySQL went away mid-run").isLessThan(good.size());
            }

            Set<String> inMySql = PipelineProbe.query(mysql.jdbcUrl("outage_" + run), "SELECT id FROM posts").stream()
                    .map(row -> (String) row.get("id")).collect(Collectors.toSet());
            assertThat(inMySql).as("MySQL: every good post, once").isEqualTo(good);
            assertThat(PipelineProbe.kafka("posts-" + run, good.size()).stream().map(ConsumerRecord::key)
                    .collect(Collectors.toSet())).isEqualTo(good);
            assertThat(PipelineProbe.archivedPosts("/outage/" + run).stream().map(post -> (String) post.get("id"))
                    .collect(Collectors.toSet())).isEqualTo(good);
        }
    }

    @Test
    void kafkaDownForTwentySecondsMidRunLosesNothing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ForumPostGenerator generator = new ForumPostGenerator(run.hashCode(), run + "-", 0.02, 65536, 700);
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(generator.next());
        }
        Set<String> good = records.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId)
                .collect(Collectors.toSet());
        TestServers.mariaDb().createDatabase("outage_" + run);
        String jdbc = TestServers.mariaDb().jdbcUrl("outage_" + run);

        try (KafkaTestServer kafka = KafkaTestServer.startDedicated()) {
            Map<String, String> properties = new HashMap<>();
            TestServers.camelProperties(ServerKind.REDIS, ServerKind.MARIADB, ServerKind.HDFS)
                    .forEach((key, value) -> properties.put((String) key, (String) value));
            properties.putAll(kafka.camelProperties());
            properties.put("dataflux.mysql.url", jdbc);
            properties.put("dataflux.redis.key", "posts:" + run);
            properties.put("dataflux.kafka.topic", "posts-" + run);
            properties.put("dataflux.archive.dir", "/outage/" + run);
            properties.put("dataflux.instance-id", "outage-" + run);
            properties.put("dataflux.retry.max-delay", "5000");
            properties.put("dataflux.redis.min-idle-time", "10000");

            PipelineProbe.push("posts:" + run, records);
            try (PipelineProcess pipeline = PipelineProcess.start("kafka-outage", properties)) {
                await().atMost(Duration.ofMinutes(2)).until(() -> count(jdbc) >= RECORDS / 5);
                kafka.stop();
                Thread.sleep(20_000); // the outage itself
                kafka.startAgain();
                await().atMost(Duration.ofMinutes(4)).until(() -> PipelineProbe.allAcknowledged("posts:" + run, "dataflux"));
                pipeline.terminate(Duration.ofSeconds(60));
            }

            Set<String> inMySql = PipelineProbe.query(jdbc, "SELECT id FROM posts").stream()
                    .map(row -> (String) row.get("id")).collect(Collectors.toSet());
            assertThat(inMySql).isEqualTo(good);
            assertThat(PipelineProbe.kafka(kafka.bootstrapServers(), "posts-" + run, good.size()).stream()
                    .map(ConsumerRecord::key).collect(Collectors.toSet())).as("Kafka: every good post after the outage")
                    .isEqualTo(good);
            assertThat(PipelineProbe.archivedPosts("/outage/" + run).stream().map(post -> (String) post.get("id"))
                    .collect(Collectors.toSet())).isEqualTo(good);
        }
    }

    private static long count(String jdbc) throws Exception {
        return ((Number) PipelineProbe.query(jdbc, "SELECT COUNT(*) AS n FROM posts").get(0).get("n")).longValue();
    }

    private static long posts(MariaDbTestServer mysql, String run) throws Exception {
        return count(mysql.jdbcUrl("outage_" + run));
    }
}
