package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.dataflux.testing.ManagementEndpoint;
import io.dataflux.testing.MariaDbTestServer;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * A long MySQL outage compressed by configuration: max-deliveries 2, short retries, a redelivery every second or so,
 * and MySQL kept down until Redis has delivered the pending entries several times more than max-deliveries. Outage
 * failures do not count towards max-deliveries, so no healthy record becomes POISON; while MySQL is down the source
 * stops taking batches (readiness says why), and once MySQL is back every good post reaches every sink.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class SinkOutagePoisonTest {

    private static final int RECORDS = 150;
    private static final int MAX_DELIVERIES = 2;

    @Test
    void aLongMySqlOutageTurnsNoHealthyRecordIntoPoison() throws Exception {
        try (MariaDbTestServer mysql = MariaDbTestServer.startDedicated()) {
            PipelineRun run = PipelineRun.create(RECORDS).onMySql(mysql);
            Map<String, String> properties = run.properties("poison-outage");
            properties.put("dataflux.redis.max-deliveries", Integer.toString(MAX_DELIVERIES));
            properties.put("dataflux.redis.batch-size", "10");
            properties.put("dataflux.redis.min-idle-time", "1000");
            properties.put("dataflux.redis.claim-interval", "500");
            properties.put("dataflux.redis.circuit-breaker-delay", "200");
            properties.put("dataflux.redis.circuit-breaker-max-delay", "1000");
            properties.put("dataflux.retry.max-redeliveries", "1");
            properties.put("dataflux.retry.initial-delay", "100");
            properties.put("dataflux.retry.max-delay", "200");
            properties.put("camel.beans.dataSource.connectionTimeout", "1000");
            try (PipelineProcess pipeline = PipelineProcess.start("poison-outage", properties)) {
                ManagementEndpoint management = pipeline.management();
                // MySQL goes away once the pipeline runs (its tables exist); the records arrive during the outage
                mysql.stop();
                run.push();
                // batches fail for the outage: the source stops taking new ones, and readiness says why
                await().atMost(Duration.ofMinutes(3)).until(() -> {
                    ManagementEndpoint.Response ready = management.get("/observe/health/ready");
                    return ready.status() != 200 && ready.body().contains("circuit breaker open");
                });
                // the outage lasts until entries were redelivered well beyond max-deliveries
                await().atMost(Duration.ofMinutes(4)).until(() -> mostDeliveries(run) > 2L * MAX_DELIVERIES);
                assertThat(management.get("/observe/health/live").status()).as("an outage never fails liveness")
                        .isEqualTo(200);
                mysql.startAgain();
                await().atMost(Duration.ofMinutes(3)).until(run::allAcknowledged);
                await().atMost(Duration.ofSeconds(30)).until(() -> management.get("/observe/health/ready").status() == 200);
                pipeline.terminate(Duration.ofSeconds(60));
            }
            List<Map<String, Object>> poison = PipelineProbe.query(run.jdbc(),
                    "SELECT source_id, detail FROM dead_letter WHERE reason = 'POISON'");
            assertThat(poison).as("no healthy record became POISON").isEmpty();
            assertThat(PipelineProbe.query(run.jdbc(), "SELECT source_id FROM dead_letter WHERE route_id ="
                    + " 'source-dead-letter' GROUP BY source_id HAVING COUNT(*) > 1"))
                    .as("an entry the source refused is dead-lettered once, however long it waited").isEmpty();
            assertThat(run.postsInMySql()).as("MySQL: every good post, once").isEqualTo(run.goodIds().size());
            run.sinks().assertEveryHasExactly(run.goodIds());
        }
    }

    /** The highest delivery count Redis reports among the run's pending entries. */
    private static long mostDeliveries(PipelineRun run) {
        try (Jedis redis = PipelineProbe.redis()) {
            List<StreamPendingEntry> pending = redis.xpending(run.stream(), "dataflux",
                    XPendingParams.xPendingParams().count(1000));
            return pending.stream().mapToLong(StreamPendingEntry::getDeliveredTimes).max().orElse(0);
        }
    }
}
