package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.testing.KafkaTestServer;
import io.dataflux.testing.ManagementEndpoint;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * A wrong credential for one sink is an outage, not bad input. With Redis fine and MySQL or Kafka refusing DataFlux's
 * password, readiness is DOWN naming the server and the cause (never a secret, never the JDBC URL), and however often
 * Redis delivers the entries again (far beyond a short dataflux.redis.max-deliveries) none becomes POISON and none is
 * acknowledged (pending, or not read while the circuit breaker holds reading); once the secret is fixed and DataFlux restarted, every good post reaches MySQL, Kafka and HDFS
 * with its content. A MySQL that refuses the password at start-up does not stop DataFlux: it waits, reading nothing,
 * until the schema can be migrated.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class BadCredentialsTest {

    private static final int RECORDS = 120;
    private static final int MAX_DELIVERIES = 2;

    @Test
    void aRefusedMySqlPasswordAtStartOrAtRunTimeLeavesEverythingPendingUntilTheSecretIsFixed() throws Exception {
        PipelineRun run = PipelineRun.create(RECORDS);
        List<GeneratedRecord> beforeRotation = run.records().subList(0, RECORDS / 2);
        List<GeneratedRecord> afterRotation = run.records().subList(RECORDS / 2, RECORDS);
        String user = "df_" + run.id().replace('-', '_');
        String first = secret("first");
        String second = secret("second");
        String third = secret("third");
        TestServers.mariaDb().setUserPassword(user, run.database(), first);
        PipelineProbe.push(run.stream(), beforeRotation);

        Map<String, String> properties = quickRedelivery(run.properties("mysql-refused"));
        properties.put("dataflux.mysql.username", user);
        properties.put("dataflux.mysql.password", second);
        try (PipelineProcess pipeline = PipelineProcess.start("mysql-refused", properties)) {
            ManagementEndpoint management = pipeline.management();
            // refused at start-up: DataFlux runs, not ready, and reads nothing until the schema is migrated
            awaitNotReady(management, "MySQL refused the credentials", List.of(first, second, third));
            awaitNotReady(management, "MySQL schema not migrated: MySQL refused the credentials", List.of());
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> readFromRedis(run) == 0);

            // the DBA gives the user the password DataFlux has: the migration's retry succeeds and ingest starts
            TestServers.mariaDb().setUserPassword(user, run.database(), second);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(run::allAcknowledged);
            await().atMost(Duration.ofSeconds(30)).until(() -> management.get("/observe/health/ready").status() == 200);

            // the password is rotated while DataFlux runs; the posts arriving now are refused by MySQL
            TestServers.mariaDb().setUserPassword(user, run.database(), third);
            PipelineProbe.push(run.stream(), afterRotation);
            awaitRedeliveredBeyondMaxDeliveries(run, afterRotation);
            awaitNotReady(management, "MySQL refused the credentials", List.of(first, second, third));
            assertThat(management.get("/observe/health/live").status()).as("a refused password never fails liveness")
                    .isEqualTo(200);
            pipeline.terminate(Duration.ofSeconds(90)); // graceful: the archive commits what it has
            assertThat(pipeline.log()).doesNotContain(first).doesNotContain(second).doesNotContain(third);
        }
        assertNothingPoisonAndAllPending(run, afterRotation);

        properties.put("dataflux.mysql.password", third);
        deliverAfterTheFixAndCheckEverySink(run, properties);
    }

    @Test
    void aRefusedKafkaPasswordLeavesEverythingPendingUntilTheSecretIsFixed() throws Exception {
        PipelineRun run = PipelineRun.create(RECORDS);
        run.push();
        String wrongPassword = secret("wrong");
        Map<String, String> properties = quickRedelivery(run.properties("kafka-refused"));
        properties.put("dataflux.kafka.sasl-jaas-config", KafkaTestServer.jaasConfig(wrongPassword));
        // each send of a batch waits this long for the refusing broker's metadata before it fails (Kafka's default:
        // 60 s, which would make one delivery of a batch last minutes)
        properties.put("camel.component.kafka.max-block-ms", "10");

        try (PipelineProcess pipeline = PipelineProcess.start("kafka-refused", properties)) {
            ManagementEndpoint management = pipeline.management();
            awaitRedeliveredBeyondMaxDeliveries(run, run.records());
            awaitNotReady(management, "Kafka refused the SASL credentials", List.of(wrongPassword));
            pipeline.terminate(Duration.ofSeconds(90)); // graceful: the archive commits what it has
            assertThat(pipeline.log()).doesNotContain(wrongPassword);
        }
        assertNothingPoisonAndAllPending(run, run.records());

        // the harness's own SASL password, the right one
        deliverAfterTheFixAndCheckEverySink(run, quickRedelivery(run.properties("kafka-fixed")));
    }

    /** A long outage compressed: two deliveries make poison, retries and redeliveries come within a second or two. */
    private static Map<String, String> quickRedelivery(Map<String, String> properties) {
        properties.put("dataflux.redis.max-deliveries", Integer.toString(MAX_DELIVERIES));
        properties.put("dataflux.redis.batch-size", "100");
        properties.put("dataflux.redis.min-idle-time", "1000");
        properties.put("dataflux.redis.claim-interval", "500");
        properties.put("dataflux.redis.circuit-breaker-delay", "200");
        properties.put("dataflux.redis.circuit-breaker-max-delay", "1000");
        properties.put("dataflux.retry.max-redeliveries", "1");
        properties.put("dataflux.retry.initial-delay", "100");
        properties.put("dataflux.retry.max-delay", "200");
        properties.put("dataflux.mysql.migrate-retry-delay", "500");
        properties.put("dataflux.mysql.migrate-retry-max-delay", "2000");
        properties.put("camel.beans.dataSource.connectionTimeout", "1000");
        return properties;
    }

    private static String secret(String name) {
        return name + "-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Readiness 503 with a DOWN check whose message says {@code reason}; the body holds no secret and no JDBC URL. */
    private static void awaitNotReady(ManagementEndpoint management, String reason, List<String> secrets) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            ManagementEndpoint.Response ready = management.get("/observe/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(downMessages(ready.body())).as(ready.body()).anyMatch(message -> message.contains(reason));
            assertThat(ready.body()).doesNotContain("jdbc:");
            secrets.forEach(secret -> assertThat(ready.body()).doesNotContain(secret));
        });
    }

    /**
     * No good post among {@code records} acknowledged (each one's entry pending, or not read yet: while the breaker is
     * open the source reads nothing new, its probes take the pending entries again), and pending entries delivered
     * more often than max-deliveries. A bad record the source itself refuses, such as invalid UTF-8, is dead-lettered
     * and acknowledged at once: it never reaches the refusing sink.
     */
    private static void awaitRedeliveredBeyondMaxDeliveries(PipelineRun run, List<GeneratedRecord> records) {
        Set<StreamEntryID> good = goodEntryIds(run, records);
        // entries are redelivered while the sink refuses, at the pace of the claims and the circuit breaker's probes:
        // one past the limit proves the limit does not apply to outages, without timing every entry's turn
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<StreamPendingEntry> pending = pending(run);
            assertThat(unacknowledged(run, pending)).as("no good post acknowledged").containsAll(good);
            assertThat(pending).as("pending entries (id, deliveries): %s", pending.stream()
                            .map(entry -> entry.getID() + " " + entry.getDeliveredTimes()).toList())
                    .anyMatch(entry -> entry.getDeliveredTimes() > MAX_DELIVERIES);
        });
    }

    private static void assertNothingPoisonAndAllPending(PipelineRun run, List<GeneratedRecord> records)
            throws Exception {
        assertThat(PipelineProbe.query(run.jdbc(), "SELECT source_id, detail FROM dead_letter WHERE reason = 'POISON'"))
                .as("no record dead-lettered as poison").isEmpty();
        List<StreamPendingEntry> pending = pending(run);
        assertThat(unacknowledged(run, pending)).as("no good post's entry acknowledged after the refused run")
                .containsAll(goodEntryIds(run, records));
        assertThat(pending).as("delivered more often than max-deliveries, and still pending, not POISON")
                .anyMatch(entry -> entry.getDeliveredTimes() > MAX_DELIVERIES);
    }

    /** The entries not acknowledged: those pending, and those the group has not read yet. */
    private static Set<StreamEntryID> unacknowledged(PipelineRun run, List<StreamPendingEntry> pending) {
        try (Jedis redis = PipelineProbe.redis()) {
            StreamEntryID lastRead = redis.xinfoGroups(run.stream()).stream()
                    .filter(group -> group.getName().equals("dataflux"))
                    .map(group -> group.getLastDeliveredId())
                    .findFirst().orElse(new StreamEntryID(0, 0));
            Set<StreamEntryID> ids = pending.stream().map(StreamPendingEntry::getID).collect(Collectors.toSet());
            redis.xrange(run.stream(), "-", "+").stream().map(StreamEntry::getID)
                    .filter(id -> id.compareTo(lastRead) > 0).forEach(ids::add);
            return ids;
        }
    }

    /** The stream entry ids of the good records among {@code records} (pushed in order, so the stream's order). */
    private static Set<StreamEntryID> goodEntryIds(PipelineRun run, List<GeneratedRecord> records) {
        try (Jedis redis = PipelineProbe.redis()) {
            List<StreamEntry> entries = redis.xrange(run.stream(), "-", "+");
            int offset = run.records().indexOf(records.get(0));
            Set<StreamEntryID> ids = new HashSet<>();
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i).isGood()) {
                    ids.add(entries.get(offset + i).getID());
                }
            }
            return ids;
        }
    }

    /** Starts DataFlux with the fixed secret, and checks that every good post is in every sink with its content. */
    private static void deliverAfterTheFixAndCheckEverySink(PipelineRun run, Map<String, String> properties)
            throws Exception {
        try (PipelineProcess fixed = PipelineProcess.start("fixed", properties)) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(run::allAcknowledged);
            fixed.terminate(Duration.ofSeconds(60)); // graceful: the archive commits its files
        }
        assertThat(PipelineProbe.query(run.jdbc(), "SELECT source_id FROM dead_letter WHERE reason = 'POISON'"))
                .as("no record dead-lettered as poison").isEmpty();
        assertThat(run.deadLetteredEntries()).as("exactly the bad records dead-lettered").isEqualTo(run.badRecords());

        run.sinks().assertEveryHasExactly(run.goodIds());
        Map<String, Set<List<String>>> versions = cleanedVersions(run);
        Map<String, List<String>> newest = newestVersions(run);
        List<Map<String, Object>> rows = PipelineProbe.query(run.jdbc(), "SELECT id, author_id, title, body FROM posts");
        for (Map<String, Object> row : rows) {
            assertThat(List.of(String.valueOf(row.get("author_id")), String.valueOf(row.get("title")),
                    (String) row.get("body"))).as("MySQL: the newest version of %s", row.get("id"))
                    .isEqualTo(newest.get((String) row.get("id")));
        }

        List<ConsumerRecord<String, String>> published = PipelineProbe.kafka(run.topic(), run.goodIds().size());
        for (ConsumerRecord<String, String> record : published) {
            @SuppressWarnings("unchecked")
            Map<String, Object> post = PipelineProbe.JSON.readValue(record.value(), Map.class);
            assertThat(post.get("id")).isEqualTo(record.key());
            assertThat(versions.get(record.key())).as("Kafka: a version of %s", record.key()).contains(content(post));
        }

        List<Map<String, Object>> archived = PipelineProbe.archivedPosts(run.archive());
        for (Map<String, Object> post : archived) {
            assertThat(versions.get((String) post.get("id"))).as("HDFS: a version of %s", post.get("id"))
                    .contains(content(post));
        }
    }

    /** Per good post id, the (author, title, body) of each of its versions, cleaned as the pipeline cleans them. */
    private static Map<String, Set<List<String>>> cleanedVersions(PipelineRun run) throws Exception {
        Map<String, Set<List<String>>> versions = new HashMap<>();
        for (GeneratedRecord record : run.records()) {
            if (record.isGood()) {
                versions.computeIfAbsent(record.postId(), id -> new HashSet<>()).add(content(cleaned(record)));
            }
        }
        return versions;
    }

    /** Per good post id, the (author, title, body) of the version with the latest created_at: the one MySQL keeps. */
    private static Map<String, List<String>> newestVersions(PipelineRun run) throws Exception {
        Map<String, Map<String, Object>> newest = new HashMap<>();
        for (GeneratedRecord record : run.records()) {
            if (record.isGood()) {
                newest.merge(record.postId(), cleaned(record), (old, next) ->
                        OffsetDateTime.parse((String) next.get("created_at")).isBefore(
                                OffsetDateTime.parse((String) old.get("created_at"))) ? old : next);
            }
        }
        return newest.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> content(entry.getValue())));
    }

    private static Map<String, Object> cleaned(GeneratedRecord record) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> post = PipelineProbe.JSON.readValue(record.payload(), LinkedHashMap.class);
        new PostCleaner().clean(post);
        return post;
    }

    private static List<String> content(Map<String, Object> post) {
        return List.of(String.valueOf(post.get("author_id")), String.valueOf(post.get("title")),
                String.valueOf(post.get("body")));
    }

    /** The pending entries of the run's group (none before the group exists). */
    private static List<StreamPendingEntry> pending(PipelineRun run) {
        try (Jedis redis = PipelineProbe.redis()) {
            if (!redis.exists(run.stream()) || redis.xinfoGroups(run.stream()).isEmpty()) {
                return List.of();
            }
            return redis.xpending(run.stream(), "dataflux", XPendingParams.xPendingParams().count(10 * RECORDS));
        }
    }

    /** How many entries the group has read (pending or acknowledged): 0 while there is no group or no read. */
    private static long readFromRedis(PipelineRun run) {
        try (Jedis redis = PipelineProbe.redis()) {
            if (!redis.exists(run.stream())) {
                return 0;
            }
            return redis.xinfoGroups(run.stream()).stream()
                    .filter(group -> group.getName().equals("dataflux"))
                    .filter(group -> !"0-0".equals(group.getLastDeliveredId().toString()))
                    .count() + pending(run).size();
        }
    }

    private static Set<String> downMessages(String body) throws Exception {
        return StreamSupport.stream(PipelineProbe.JSON.readTree(body).path("checks").spliterator(), false)
                .filter(check -> "DOWN".equals(check.path("status").asText()))
                .map(check -> check.path("message").asText())
                .collect(Collectors.toSet());
    }
}
