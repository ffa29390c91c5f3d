package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.HdfsTestServer;
import io.dataflux.testing.KafkaTestServer;
import io.dataflux.testing.ManagementEndpoint;
import io.dataflux.testing.MariaDbTestServer;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.RedisTestServer;
import io.dataflux.testing.ServerKind;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XAddParams;

/**
 * The pipeline as operations see it, in a JVM of its own: /observe/health/ready is DOWN, naming the server, while
 * Redis, MySQL, Kafka or HDFS is away and UP again when it is back; /observe/metrics carries the pipeline's own metrics
 * with the values of a real run.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class HealthAndMetricsTest {

    private static final int RECORDS = 2_000;
    private static final String READY = "/observe/health/ready";

    @Test
    void metricsCountWhatARunDidInPrometheusNames() throws Exception {
        PipelineRun run = PipelineRun.create(RECORDS);
        Map<String, String> properties = run.properties("metrics");
        // an idle file rolls after a second, so that the run ends with a roll to count; no size roll, which could
        // take the last record and leave no file open to go idle
        properties.put("dataflux.archive.roll-idle", "1000");
        properties.put("dataflux.archive.roll-size", "67108864");
        run.push();
        try (PipelineProcess pipeline = PipelineProcess.start("metrics", properties)) {
            ManagementEndpoint management = pipeline.management();
            await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(run::allAcknowledged);
            await().atMost(Duration.ofSeconds(30)).until(() -> value(metrics(management),
                    "dataflux_hdfs_rolls_total{reason=\"idle\"}") >= 1);
            // pending and lag are refreshed by the source's housekeeping
            await().atMost(Duration.ofSeconds(30)).until(() -> value(metrics(management), "dataflux_redis_pending") == 0
                    && value(metrics(management), "dataflux_redis_lag") == 0);

            Map<String, Double> metrics = metrics(management);
            long good = RECORDS - run.badRecords();
            assertThat(value(metrics, "dataflux_records_read_total")).isEqualTo(RECORDS);
            assertThat(value(metrics, "dataflux_records_delivered_total{sink=\"mysql\"}")).isEqualTo(good);
            assertThat(value(metrics, "dataflux_records_delivered_total{sink=\"kafka\"}")).isEqualTo(good);
            assertThat(value(metrics, "dataflux_records_delivered_total{sink=\"hdfs\"}")).isEqualTo(good);
            assertThat(deadLetteredByReason(metrics)).as("dead letters by reason, as the dead_letter table has them")
                    .isEqualTo(deadLetterTable(run));
            // entries the source refuses (invalid UTF-8, ...) never reach a batch; it acknowledges them itself
            long refusedAtSource = ((Number) PipelineProbe.query(run.jdbc(),
                    "SELECT COUNT(*) AS n FROM dead_letter WHERE route_id = 'source-dead-letter'").get(0).get("n")).longValue();
            assertThat(value(metrics, "dataflux_batch_size_records_sum")).isEqualTo(RECORDS - refusedAtSource);
            assertThat(value(metrics, "dataflux_batch_size_records_count")).isBetween(1.0, (double) RECORDS);
            assertThat(value(metrics, "dataflux_record_latency_seconds_count"))
                    .as("every entry of a batch acknowledged once").isEqualTo(RECORDS - refusedAtSource);
            assertThat(value(metrics, "dataflux_record_latency_seconds_sum")).isPositive();
            assertThat(metrics.keySet()).anyMatch(series -> series.startsWith("dataflux_record_latency_seconds_bucket{le="));
            // Camel's per-route metrics stay (the per-endpoint exchange-event timers are off: application.properties)
            assertThat(metrics.keySet()).anyMatch(series -> series.startsWith("camel_exchanges_total{")
                    && series.contains("routeId=\"ingest\""));
            assertThat(pipeline.log()).as("dead-letter lines carry the record and batch ids (MDC)")
                    .containsPattern("\\[record=\\d+-\\d+\\] \\[batch=\\d+-\\d+\\] dead-lettered record")
                    .as("entries the source refuses belong to no batch: no stale batch id on the poller thread")
                    .doesNotContainPattern("RedisSourcePoller\\] .*\\[batch=");
        }
    }

    @Test
    void readinessIsDownNamingTheServerThatIsAwayAndUpWhenItIsBack() throws Exception {
        try (RedisTestServer redis = RedisTestServer.startDedicated();
             MariaDbTestServer mysql = MariaDbTestServer.startDedicated();
             KafkaTestServer kafka = KafkaTestServer.startDedicated();
             HdfsTestServer hdfs = HdfsTestServer.startDedicated()) {
            PipelineRun run = PipelineRun.create(RECORDS).onMySql(mysql);
            Map<String, String> properties = run.properties("health");
            properties.putAll(redis.camelProperties());
            properties.putAll(kafka.camelProperties());
            properties.putAll(hdfs.camelProperties());
            properties.put("dataflux.retry.max-delay", "2000");
            // the checks' messages name the servers only at full exposure (the default keeps internals out)
            properties.put("dataflux.management.health-exposure", "full");
            try (PipelineProcess pipeline = PipelineProcess.start("health", properties)) {
                ManagementEndpoint management = pipeline.management();
                awaitReady(management);
                assertThat(management.get("/observe/health/live").status()).isEqualTo(200);

                mysql.stop();
                awaitNotReadyNaming(management, "MySQL at jdbc:mysql://127.0.0.1:" + mysql.port());
                // records that arrive meanwhile are retried until MySQL is back
                List<GeneratedRecord> records = run.records().subList(0, 200);
                push(redis, run.stream(), records);
                await().atMost(Duration.ofSeconds(60)).until(() -> metrics(management).entrySet().stream()
                        .anyMatch(series -> series.getKey().startsWith("dataflux_retries_total{route=")
                                && series.getValue() > 0));
                mysql.startAgain();
                awaitReady(management);
                LoggerFactory.getLogger(HealthAndMetricsTest.class).info("retries during the MySQL outage: {}",
                        metrics(management).entrySet().stream().filter(series -> series.getKey().startsWith("dataflux_retries"))
                                .toList());
                await().atMost(Duration.ofMinutes(2)).until(() -> value(metrics(management),
                        "dataflux_records_read_total") == records.size() && pending(redis, run.stream()) == 0);

                kafka.stop();
                awaitNotReadyNaming(management, "producer:kafka");
                kafka.startAgain();
                awaitReady(management);

                String namenode = hdfs.uri();
                hdfs.stop();
                awaitNotReadyNaming(management, "HDFS at " + namenode);
                hdfs.startAgain();
                awaitReady(management);

                redis.stop();
                // the source reaches Redis through redisConnectionFactory: the address is in the cause
                awaitNotReadyNaming(management, "127.0.0.1:" + redis.port());
                redis.startAgain();
                awaitReady(management);

                assertThat(management.get("/observe/health/live").status()).as("an outage never fails liveness")
                        .isEqualTo(200);
            }
        }
    }

    private static void awaitReady(ManagementEndpoint management) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(management.get(READY)).extracting(ManagementEndpoint.Response::status)
                        .as("ready: %s", management.get(READY).body()).isEqualTo(200));
    }

    private static void awaitNotReadyNaming(ManagementEndpoint management, String server) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            ManagementEndpoint.Response ready = management.get(READY);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(downChecks(ready.body())).as("the checks that are DOWN").anyMatch(check -> check.contains(server));
        });
    }

    /** "name: message" of each DOWN check (Camel escapes the slashes of messages once more than JSON needs). */
    private static List<String> downChecks(String body) throws Exception {
        List<String> down = new ArrayList<>();
        for (JsonNode check : PipelineProbe.JSON.readTree(body).path("checks")) {
            if ("DOWN".equals(check.path("status").asText())) {
                down.add((check.path("name").asText() + ": " + check.path("message").asText()).replace("\\/", "/"));
            }
        }
        return down;
    }

    private static void push(RedisTestServer redis, String stream, List<GeneratedRecord> records) {
        try (Jedis jedis = RedisTestServer.clientOf(redis.host(), redis.port())) {
            for (GeneratedRecord record : records) {
                jedis.xadd(stream.getBytes(StandardCharsets.UTF_8), XAddParams.xAddParams(),
                        Map.of("value".getBytes(StandardCharsets.UTF_8), record.payload()));
            }
        }
    }

    private static long pending(RedisTestServer redis, String stream) {
        try (Jedis jedis = RedisTestServer.clientOf(redis.host(), redis.port())) {
            return jedis.xpending(stream, "dataflux").getTotal();
        }
    }

    /** The Prometheus text of /observe/metrics: series (name and labels) to value. */
    private static Map<String, Double> metrics(ManagementEndpoint management) {
        ManagementEndpoint.Response response = management.get("/observe/metrics");
        assertThat(response.status()).isEqualTo(200);
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return series;
    }

    private static double value(Map<String, Double> metrics, String series) {
        return metrics.getOrDefault(series, Double.NaN);
    }

    private static Map<String, Long> deadLetteredByReason(Map<String, Double> metrics) {
        String prefix = "dataflux_records_dead_lettered_total{reason=\"";
        return metrics.entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix))
                .collect(Collectors.toMap(entry -> entry.getKey().substring(prefix.length(), entry.getKey().length() - 2),
                        entry -> entry.getValue().longValue()));
    }

    private static Map<String, Long> deadLetterTable(PipelineRun run) throws Exception {
        List<Map<String, Object>> rows = PipelineProbe.query(run.jdbc(),
                "SELECT reason, COUNT(*) AS n FROM dead_letter GROUP BY reason");
        return rows.stream().collect(Collectors.toMap(row -> (String) row.get("reason"),
                row -> ((Number) row.get("n")).longValue()));
    }
}
