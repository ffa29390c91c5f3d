package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.sample.ForumPostGenerator.Author;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.RedisTestServer;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.SinkVerifier;
import io.dataflux.testing.TestCertificates;
import io.dataflux.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The pipeline on a Redis that DataFlux reaches only over TLS (certificates made by the test), as the ACL user with a
 * password: the source and the author lookup both go through the one redisConnectionFactory, every good post reaches
 * MySQL (with the author profile that only Redis holds), Kafka and HDFS; and `check` names a TLS trust failure.
 */
@RealServers({ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class RedisTlsPipelineTest extends DataFluxCamelTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String DATABASE = "tls_" + RUN;
    private static final String STREAM = "posts:" + RUN;
    private static final String TOPIC = "tls-" + RUN;
    private static final String ARCHIVE = "/tls/" + RUN;
    private static final int RECORDS = 300;

    @TempDir
    static Path certificateDir;
    private static TestCertificates certificates;
    private static RedisTestServer redis;

    @BeforeAll
    static void startRedisWithTls() throws Exception {
        Assumptions.assumeTrue(TestCertificates.available(), "openssl is needed for the test CA");
        certificates = TestCertificates.create(certificateDir);
        try {
            redis = RedisTestServer.startDedicatedWithTls(certificates.serverCertificate(), certificates.serverKey(),
                    certificates.caCertificate());
        } catch (UnsupportedOperationException e) {
            Assumptions.abort(e.getMessage());
        }
        TestServers.mariaDb().createDatabase(DATABASE);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    /** DataFlux's view of Redis: the TLS port only, verifying the certificate against the test CA. */
    private static Map<String, String> redisOverTls(Path trustStore) {
        return Map.of("dataflux.redis.host", redis.host(), "dataflux.redis.port", Integer.toString(redis.tlsPort()),
                "dataflux.redis.username", redis.username(), "dataflux.redis.password", redis.password(),
                "dataflux.redis.tls.enabled", "true", "dataflux.redis.tls.trust-store", trustStore.toString(),
                "dataflux.redis.tls.trust-store-password", certificates.trustStorePassword());
    }

    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        properties.putAll(redisOverTls(certificates.trustStore()));
        properties.put("dataflux.mysql.url", TestServers.mariaDb().jdbcUrl(DATABASE));
        properties.put("dataflux.redis.key", STREAM);
        properties.put("dataflux.kafka.topic", TOPIC);
        properties.put("dataflux.archive.dir", ARCHIVE);
        properties.put("dataflux.authors.redis-key-prefix", "author:" + RUN + ":");
        properties.put("dataflux.instance-id", "tls-" + RUN);
        properties.put("dataflux.ingest.auto-startup", "true");
        return properties;
    }

    @Test
    void everyGoodPostArrivesWithItsRedisProfileWhenRedisIsReachedOverTls() throws Exception {
        ForumPostGenerator generator = new ForumPostGenerator(12, RUN + "-", 0.0, 65536, 700);
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(generator.next());
        }
        Map<String, String> displayNames = generator.authors().stream()
                .collect(Collectors.toMap(Author::id, Author::displayName));
        try (Jedis plain = redis.client()) {
            // every profile lives only in Redis: a post with a profile proves the lookup went over TLS
            for (Author author : generator.authors()) {
                plain.hset("author:" + RUN + ":" + author.id(), Map.of("author_id", author.id(),
                        "display_name", author.displayName(), "reputation", Integer.toString(author.reputation()),
                        "location", author.location(), "joined_at", author.joinedAt()));
            }
            PipelineProbe.push(plain, STREAM, records);
        }
        Set<String> ids = records.stream().map(GeneratedRecord::postId).collect(Collectors.toSet());

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (Jedis plain = redis.client()) {
                return plain.exists(STREAM) && PipelineProbe.allAcknowledged(plain, STREAM, "dataflux");
            }
        });
        context.stop(); // the archive commits its open files

        String jdbc = TestServers.mariaDb().jdbcUrl(DATABASE);
        SinkVerifier.standard(jdbc, TOPIC, ARCHIVE).assertEveryHasExactly(ids);
        List<Map<String, Object>> rows = PipelineProbe.query(jdbc, "SELECT id, author_id, author FROM posts");
        for (Map<String, Object> row : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Object> author = PipelineProbe.JSON.readValue((String) row.get("author"), Map.class);
            assertThat(author).as("the profile from Redis, read over TLS")
                    .containsEntry("display_name", displayNames.get((String) row.get("author_id")));
        }
    }

    @Test
    void checkNamesATlsTrustFailureWithoutShowingTheSecrets() throws Exception {
        Map<String, String> settings = new java.util.LinkedHashMap<>(redisOverTls(certificates.untrustingStore()));
        settings.putAll(toMap(TestServers.camelProperties(ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS)));
        List<String> arguments = new ArrayList<>(List.of("check"));
        List<String> secrets = new ArrayList<>();
        settings.forEach((key, value) -> {
            if (TestServers.isCredential(key)) {
                secrets.add(key + " = " + value);
            } else {
                arguments.addAll(List.of("--set", key + "=" + value));
            }
        });
        Path secretFile = Files.write(certificateDir.resolve("credentials.properties"), secrets);
        arguments.addAll(List.of("--config", secretFile.toString(),
                "--set", "camel.main.java-routes-exclude-pattern=**/*Test*"));

        String output = runCommandLine(arguments);

        assertThat(output).containsPattern("redis +FAIL +127.0.0.1:" + redis.tlsPort()
                + " \\(TLS\\): the TLS handshake failed \\(dataflux.redis.tls.\\*\\)")
                .containsPattern("mysql +OK").containsPattern("kafka +OK")
                .doesNotContain(redis.password(), certificates.trustStorePassword(), TestServers.mariaDb().password());
    }

    private static Map<String, String> toMap(Properties properties) {
        return properties.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(),
                e -> e.getValue().toString()));
    }

    /** DataFlux's command line in this JVM; what it printed (the exit code is asserted through the output). */
    private static String runCommandLine(List<String> arguments) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exitCode = io.dataflux.cli.DataFluxCli.execute(arguments.toArray(String[]::new));
            String output = captured.toString(StandardCharsets.UTF_8);
            assertThat(exitCode).as(output).isEqualTo(1);
            return output;
        } finally {
            System.setOut(out);
        }
    }
}
