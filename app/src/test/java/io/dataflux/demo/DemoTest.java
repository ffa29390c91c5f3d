package io.dataflux.demo;

import io.dataflux.sample.ForumPostGenerator;

import static io.dataflux.testing.ServerKind.HDFS;
import static io.dataflux.testing.ServerKind.KAFKA;
import static io.dataflux.testing.ServerKind.MARIADB;
import static io.dataflux.testing.ServerKind.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.TestServers;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * README's first command checked against the servers: every number the demo's summary prints is what MySQL, Kafka
 * and the archive really hold, and what the generated records call for.
 */
@RealServers({REDIS, MARIADB, KAFKA, HDFS})
class DemoTest {

    private static final int RECORDS = 2000;
    private static final long SEED = 7;

    @Test
    void theSummaryMatchesWhatTheServersHold() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String database = "demo_" + id;
        TestServers.mariaDb().createDatabase(database);
        String archive = "/demo/" + id;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Demo demo = new Demo(new PrintStream(printed, true, StandardCharsets.UTF_8), false);

        int exitCode = new CommandLine(demo).execute("--records", Integer.toString(RECORDS), "--seed", Long.toString(SEED),
                "--set", "dataflux.redis.key=demo:" + id, "--set", "dataflux.kafka.topic=demo." + id,
                "--set", "dataflux.mysql.url=" + TestServers.mariaDb().jdbcUrl(database),
                "--set", "dataflux.archive.dir=" + archive);

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(output).isZero();
        assertThat(output).as("plain lines when the output is not a terminal").doesNotContain("\r");
        Demo.Summary summary = demo.summary();
        Expected expected = expected();
        String jdbc = TestServers.mariaDb().jdbcUrl(database);

        assertThat(summary.read()).isEqualTo(RECORDS);
        assertThat(summary.mysqlRows()).isEqualTo(expected.distinctGoodPosts)
                .isEqualTo(count(jdbc, "SELECT COUNT(*) AS n FROM posts"));
        assertThat(summary.kafkaRecords()).isEqualTo(PipelineProbe.kafka("demo." + id, expected.goodRecords).size())
                .isGreaterThanOrEqualTo(expected.goodRecords);
        assertThat(summary.hdfsRecords()).isEqualTo(PipelineProbe.archivedPosts(archive).size())
                .isGreaterThanOrEqualTo(expected.goodRecords);
        assertThat(summary.deadLetters()).isEqualTo(expected.deadLettersByReason)
                .isEqualTo(deadLettersByReason(jdbc));
        assertThat(summary.files()).isNotEmpty().allSatisfy(file -> {
            assertThat(file.path()).startsWith(archive + "/").endsWith(".jsonl");
            assertThat(file.rollReason()).as("the demo watched every roll").isNotNull();
        });

        assertThat(output).contains(String.format("MySQL    %,d rows", summary.mysqlRows()))
                .contains(String.format("Kafka    %,d records on topic demo.%s", summary.kafkaRecords(), id))
                .contains(String.format("HDFS     %,d records in %,d committed files", summary.hdfsRecords(), summary.files().size()))
                .contains(String.format("Dead letters: %,d", summary.deadLettered()))
                .contains("mariadb -h 127.0.0.1 -P " + TestServers.mariaDb().port())
                .contains("--topic demo." + id)
                .contains(TestServers.hdfs().webHdfsUrl() + archive + "?op=LISTSTATUS");
    }

    @Test
    void withLocalFsTheArchiveIsALocalDirectory() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String database = "demo_" + id;
        TestServers.mariaDb().createDatabase(database);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Demo demo = new Demo(new PrintStream(printed, true, StandardCharsets.UTF_8), false);

        int exitCode = new CommandLine(demo).execute("--records", "300", "--local-fs", "--bad-share", "0",
                "--set", "dataflux.redis.key=demo:" + id, "--set", "dataflux.kafka.topic=demo." + id,
                "--set", "dataflux.mysql.url=" + TestServers.mariaDb().jdbcUrl(database));

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(output).isZero();
        Demo.ArchiveFile first = demo.summary().files().get(0);
        long lines = 0;
        for (Demo.ArchiveFile file : demo.summary().files()) {
            try (Stream<String> fileLines = Files.lines(Path.of(file.path()))) {
                lines += fileLines.count();
            }
        }
        assertThat(lines).isEqualTo(demo.summary().hdfsRecords()).isGreaterThanOrEqualTo(300);
        assertThat(output).contains("under file://" + Path.of(first.path()).getParent().getParent().getParent())
                .contains("ls -l ");
    }

    private record Expected(int goodRecords, long distinctGoodPosts, Map<String, Long> deadLettersByReason) {
    }

    /** What the demo's records call for: the demo generates them from its seed exactly like this. */
    private static Expected expected() {
        ForumPostGenerator generator = new ForumPostGenerator(SEED, 0.02, 65536, 700);
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(generator.next());
        }
        Set<String> goodIds = records.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId)
                .collect(Collectors.toSet());
        Map<String, Long> bad = records.stream().filter(record -> !record.isGood())
                .collect(Collectors.groupingBy(record -> record.expectedRejection().name(), Collectors.counting()));
        return new Expected((int) records.stream().filter(GeneratedRecord::isGood).count(), goodIds.size(), bad);
    }

    private static long count(String jdbc, String sql) throws Exception {
        return ((Number) PipelineProbe.query(jdbc, sql).get(0).get("n")).longValue();
    }

    private static Map<String, Long> deadLettersByReason(String jdbc) throws Exception {
        Map<String, Long> byReason = new HashMap<>();
        for (Map<String, Object> row : PipelineProbe.query(jdbc, "SELECT reason, COUNT(*) AS n FROM dead_letter GROUP BY reason")) {
            byReason.put((String) row.get("reason"), ((Number) row.get("n")).longValue());
        }
        return byReason;
    }
}
