package io.dataflux.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.SinkVerifier;
import io.dataflux.testing.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adding a sink, as a newcomer does: a route file of its own (src/test/resources/example-sink/post-copies.camel.yaml,
 * a second MySQL table) and its URI in dataflux.sinks, nothing else of DataFlux. The real route files run on the four
 * real servers: while the fourth sink refuses (its table does not exist yet) the other three get the posts but no
 * Redis entry is acknowledged; once it accepts, every good post is in all four sinks and every entry is acknowledged.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class FourthSinkTest extends DataFluxCamelTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String DATABASE = "fourth_" + RUN;
    private static final String STREAM = "posts:" + RUN;
    private static final String TOPIC = "posts-" + RUN;
    private static final String ARCHIVE = "/fourth/" + RUN;
    private static final int RECORDS = 300;

    @BeforeAll
    static void ownDatabase() throws Exception {
        TestServers.mariaDb().createDatabase(DATABASE);
    }

    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        // the two lines a new sink needs: its route file is loaded, and its URI is one of the sinks
        properties.put("camel.main.routes-include-pattern",
                "classpath:routes/*.camel.yaml,classpath:routes/*.camel.xml,classpath:example-sink/*.camel.yaml");
        properties.put("dataflux.sinks", "direct:sink-kafka,direct:sink-archive,direct:sink-post-copies");
        properties.put("dataflux.mysql.url", TestServers.mariaDb().jdbcUrl(DATABASE));
        properties.put("dataflux.redis.key", STREAM);
        properties.put("dataflux.kafka.topic", TOPIC);
        properties.put("dataflux.archive.dir", ARCHIVE);
        properties.put("dataflux.archive.roll-idle", "1000");
        // while the fourth sink refuses, redelivered batches keep the archive busy: commit files by age, not only idle
        properties.put("dataflux.archive.roll-age", "2000");
        properties.put("dataflux.authors.redis-key-prefix", "author:" + RUN + ":");
        properties.put("dataflux.instance-id", "fourth-" + RUN);
        // a refused batch comes back soon, and is never taken for poison while the fourth sink is down
        properties.put("dataflux.retry.max-redeliveries", "1");
        properties.put("dataflux.retry.initial-delay", "100");
        properties.put("dataflux.retry.max-delay", "200");
        properties.put("dataflux.redis.min-idle-time", "1000");
        properties.put("dataflux.redis.claim-interval", "500");
        properties.put("dataflux.redis.max-deliveries", "100000");
        properties.put("dataflux.ingest.auto-startup", "true");
        return properties;
    }

    @Test
    void everyRecordReachesAllFourSinksAndTheAcknowledgementWaitsForTheFourth() throws Exception {
        ForumPostGenerator generator = new ForumPostGenerator(RUN.hashCode(), RUN + "-", 0.02, 65536, 700);
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(generator.next());
        }
        Set<String> good = records.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId)
                .collect(Collectors.toSet());
        String jdbc = TestServers.mariaDb().jdbcUrl(DATABASE);
        SinkVerifier three = SinkVerifier.standard(jdbc, TOPIC, ARCHIVE);
        SinkVerifier four = three.and(SinkVerifier.table("MySQL post_copies", jdbc, "SELECT id FROM post_copies"));

        PipelineProbe.push(STREAM, records);

        // the fourth sink refuses (no table): MySQL, Kafka and the archive get every good post, no entry leaves Redis
        three.awaitEvery(good, Duration.ofMinutes(2));
        Thread.sleep(3000);
        assertThat(PipelineProbe.allAcknowledged(STREAM, "dataflux"))
                .as("no entry is acknowledged while a sink of dataflux.sinks lacks its batch").isFalse();

        try (var connection = java.sql.DriverManager.getConnection(jdbc, TestServers.mariaDb().username(),
                TestServers.mariaDb().password()); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE post_copies (id VARCHAR(255) NOT NULL PRIMARY KEY, source_id VARCHAR(64))");
        }

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> PipelineProbe.allAcknowledged(STREAM, "dataflux"));
        Map<String, Integer> held = four.awaitEvery(good, Duration.ofMinutes(1));
        assertThat(held).hasSize(4).allSatisfy((sink, count) -> assertThat(count).isGreaterThanOrEqualTo(good.size()));
        assertThat(four.missing(good).values()).allMatch(Set::isEmpty);
    }
}
