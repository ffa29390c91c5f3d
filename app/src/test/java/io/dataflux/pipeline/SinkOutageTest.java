package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.KafkaTestServer;
import io.dataflux.testing.MariaDbTestServer;
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.SinkVerifier;
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
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    /** Backoff 0.5, 1, 2, 4, then 5 s: about 40 s of retries per failing step, longer than the outage. */
    private static Map<String, String> properties(PipelineRun run, String instance) {
        Map<String, String> properties = run.properties(instance);
        properties.put("dataflux.retry.max-delay", "5000");
        properties.put("dataflux.redis.min-idle-time", "10000");
        return properties;
    }

    @Test
    void mysqlDownForTwentySecondsMidRunLosesNothing() throws Exception {
        try (MariaDbTestServer mysql = MariaDbTestServer.startDedicated()) {
            PipelineRun run = PipelineRun.create(RECORDS).onMySql(mysql);
            run.push();
            try (PipelineProcess pipeline = PipelineProcess.start("mysql-outage", properties(run, "mysql-outage"))) {
                await().atMost(Duration.ofMinutes(2)).until(() -> run.postsInMySql() >= RECORDS / 5);
                long before = run.postsInMySql();
                mysql.stop();
                Thread.sleep(OUTAGE.toMillis()); // the outage itself: what the test is about, not a wait for a result
                mysql.startAgain();
                await().atMost(Duration.ofMinutes(4)).until(run::allAcknowledged);
                pipeline.terminate(Duration.ofSeconds(60));
                assertThat(pipeline.log()).as("the outage was retried, not skipped").contains("On delivery attempt");
                assertThat(before).as("MySQL went away mid-run").isLessThan(run.goodIds().size());
            }
            run.sinks().assertEveryHasExactly(run.goodIds());
        }
    }

    @Test
    void kafkaDownForTwentySecondsMidRunLosesNothing() throws Exception {
        try (KafkaTestServer kafka = KafkaTestServer.startDedicated()) {
            PipelineRun run = PipelineRun.create(RECORDS);
            Map<String, String> properties = properties(run, "kafka-outage");
            properties.putAll(kafka.camelProperties());
            run.push();
            try (PipelineProcess pipeline = PipelineProcess.start("kafka-outage", properties)) {
                await().atMost(Duration.ofMinutes(2)).until(() -> run.postsInMySql() >= RECORDS / 5);
                kafka.stop();
                Thread.sleep(OUTAGE.toMillis()); // the outage itself
                kafka.startAgain();
                await().atMost(Duration.ofMinutes(4)).until(run::allAcknowledged);
                pipeline.terminate(Duration.ofSeconds(60));
            }
            SinkVerifier.standard(run.jdbc(), kafka.bootstrapServers(), run.topic(), run.archive())
                    .assertEveryHasExactly(run.goodIds());
        }
    }
}
