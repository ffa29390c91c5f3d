package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.dataflux.testing.KafkaTestServer;
import io.dataflux.testing.ManagementEndpoint;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A wrong credential for one sink is an outage, not bad input: with Redis fine and Kafka refusing DataFlux's SASL
 * password, readiness is DOWN saying so (without the secret), every entry stays pending in Redis and none is
 * dead-lettered as poison; once the secret is fixed and DataFlux restarted, every good post reaches MySQL, Kafka and
 * HDFS. The default dataflux.redis.max-deliveries applies: the refused run is far shorter than ten deliveries.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class BadCredentialsTest {

    private static final int RECORDS = 200;

    @Test
    void aRefusedKafkaPasswordLeavesEverythingPendingUntilTheSecretIsFixed() throws Exception {
        PipelineRun run = PipelineRun.create(RECORDS);
        run.push();
        Map<String, String> wrong = run.properties("refused");
        String wrongPassword = "not-" + run.id();
        wrong.put("dataflux.kafka.sasl-jaas-config", KafkaTestServer.jaasConfig(wrongPassword));

        try (PipelineProcess refused = PipelineProcess.start("refused", wrong)) {
            ManagementEndpoint management = refused.management();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                ManagementEndpoint.Response ready = management.get("/observe/health/ready");
                assertThat(ready.status()).isEqualTo(503);
                assertThat(downMessages(ready.body())).as(ready.body())
                        .anyMatch(message -> message.contains("Kafka refused the SASL credentials"));
                assertThat(ready.body()).doesNotContain(wrongPassword).doesNotContain("jdbc:");
            });
            // everything read, nothing acknowledged: the batch waits for Kafka
            await().atMost(Duration.ofSeconds(60)).until(() -> pending(run) == RECORDS);
            refused.terminate(Duration.ofSeconds(90)); // graceful: the archive commits what it has
            assertThat(refused.log()).doesNotContain(wrongPassword);
        }
        assertThat(pending(run)).as("still pending after the refused run").isEqualTo(RECORDS);
        assertThat(run.deadLetteredEntries()).as("only bad records dead-lettered, no poison").isLessThanOrEqualTo(run.badRecords());

        try (PipelineProcess fixed = PipelineProcess.start("fixed", run.properties("fixed"))) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(run::allAcknowledged);
            fixed.terminate(Duration.ofSeconds(60)); // graceful: the archive commits its files
        }

        assertThat(run.idsInMySql()).isEqualTo(run.goodIds());
        assertThat(run.deadLetteredEntries()).as("exactly the bad records").isEqualTo(run.badRecords());
        assertThat(PipelineProbe.kafka(run.topic(), run.goodIds().size()).stream().map(ConsumerRecord::key)
                .collect(Collectors.toSet())).isEqualTo(run.goodIds());
        assertThat(PipelineProbe.archivedPosts(run.archive()).stream().map(post -> (String) post.get("id"))
                .collect(Collectors.toSet())).isEqualTo(run.goodIds());
    }

    private static long pending(PipelineRun run) {
        try (Jedis redis = PipelineProbe.redis()) {
            return redis.exists(run.stream()) && !redis.xinfoGroups(run.stream()).isEmpty()
                    ? redis.xpending(run.stream(), "dataflux").getTotal() : 0;
        }
    }

    private static Set<String> downMessages(String body) throws Exception {
        return java.util.stream.StreamSupport.stream(PipelineProbe.JSON.readTree(body).path("checks").spliterator(), false)
                .filter(check -> "DOWN".equals(check.path("status").asText()))
                .map(check -> check.path("message").asText())
                .collect(Collectors.toSet());
    }
}
