package io.dataflux.packaging;

import static io.dataflux.testing.ServerKind.HDFS;
import static io.dataflux.testing.ServerKind.KAFKA;
import static io.dataflux.testing.ServerKind.MARIADB;
import static io.dataflux.testing.ServerKind.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.ManagementEndpoint;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production jar against the harness's real servers, configured by environment variables only, as a container
 * would be: {@code check} passes, then the pipeline delivers generated posts to MySQL, Kafka and HDFS and stops
 * gracefully on SIGTERM.
 */
@RealServers({REDIS, MARIADB, KAFKA, HDFS})
class PackagedJarPipelineIT {

    @Test
    void theJarRunsThePipelineConfiguredByTheEnvironmentOnly(@TempDir Path workingDir) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        TestServers.mariaDb().createDatabase("jar_" + id);
        Map<String, String> properties = new HashMap<>();
        TestServers.camelProperties(REDIS, MARIADB, KAFKA, HDFS).forEach((key, value) -> properties.put((String) key, (String) value));
        properties.put("dataflux.mysql.url", TestServers.mariaDb().jdbcUrl("jar_" + id));
        properties.put("dataflux.redis.key", "jar:" + id);
        properties.put("dataflux.kafka.topic", "jar." + id);
        properties.put("dataflux.archive.dir", "/jar/" + id);
        properties.put("dataflux.instance-id", "jar-" + id);
        Map<String, String> environment = new HashMap<>();
        properties.forEach((key, value) -> environment.put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value));

        Process check = jar(workingDir, environment, "check").start();
        String checkOutput = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(checkOutput).isZero();
        assertThat(checkOutput).containsPattern("redis +OK").containsPattern("mysql +OK").containsPattern("kafka +OK")
                .containsPattern("hdfs +OK");

        ForumPostGenerator generator = new ForumPostGenerator(id.hashCode(), id + "-", 0.02, 65536, 700);
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            records.add(generator.next());
        }
        Set<String> goodIds = records.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId).collect(Collectors.toSet());
        long good = records.stream().filter(GeneratedRecord::isGood).count();

        Path log = workingDir.resolve("pipeline.log");
        // the one thing not in the environment: a free management port, as 9876 may be taken on a build machine
        Process pipeline = jar(workingDir, environment, "run", "--set", "camel.management.port=" + ManagementEndpoint.onFreePort().port())
                .redirectOutput(log.toFile()).start();
        try {
            PipelineProbe.push("jar:" + id, records);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !pipeline.isAlive() || acknowledged("jar:" + id));
            assertThat(pipeline.isAlive()).as(Files.readString(log)).isTrue();
        } finally {
            pipeline.toHandle().destroy(); // SIGTERM: the archive commits its open file
        }
        assertThat(pipeline.waitFor(45, TimeUnit.SECONDS)).isTrue();

        String jdbc = TestServers.mariaDb().jdbcUrl("jar_" + id);
        List<Map<String, Object>> rows = PipelineProbe.query(jdbc, "SELECT id FROM posts");
        assertThat(rows).extracting(row -> (String) row.get("id")).containsExactlyInAnyOrderElementsOf(goodIds);
        assertThat(PipelineProbe.query(jdbc, "SELECT COUNT(*) AS n FROM dead_letter").get(0).get("n"))
                .isEqualTo((long) (records.size() - good));
        assertThat(PipelineProbe.kafka("jar." + id, (int) good)).hasSizeGreaterThanOrEqualTo((int) good);
        assertThat(PipelineProbe.archivedPosts("/jar/" + id)).extracting(post -> (String) post.get("id"))
                .containsAll(goodIds).hasSizeGreaterThanOrEqualTo((int) good);
        assertThat(Files.readString(log)).contains("(dataflux) started").doesNotContain(" ERROR ");
    }

    private static boolean acknowledged(String stream) {
        try {
            return PipelineProbe.allAcknowledged(stream, "dataflux");
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static ProcessBuilder jar(Path workingDir, Map<String, String> environment, String... args) {
        Path jar = Path.of(System.getProperty("dataflux.jar", "target/dataflux.jar")).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return builder;
    }
}
