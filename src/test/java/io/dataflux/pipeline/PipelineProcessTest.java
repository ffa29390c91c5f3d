package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
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
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The delivery contract with DataFlux running as separate JVMs, as in production: killed with SIGKILL mid-run and
 * restarted, stopped with SIGTERM mid-run, and three replicas sharing one stream.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class PipelineProcessTest {

    private static final int RECORDS = 6_000;

    /** One run's keys, topic, database and archive directory, apart from every other test's. */
    private record Run(String id, List<GeneratedRecord> records, Set<String> goodIds, long badRecords) {

        static Run create() throws Exception {
            String id = UUID.randomUUID().toString().substring(0, 8);
            TestServers.mariaDb().createDatabase("proc_" + id);
            ForumPostGenerator generator = new ForumPostGenerator(id.hashCode(), id + "-", 0.02, 65536, 700);
            List<GeneratedRecord> records = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                records.add(generator.next());
            }
            Set<String> good = records.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId)
                    .collect(Collectors.toSet());
            return new Run(id, records, good, records.stream().filter(record -> !record.isGood()).count());
        }

        String stream() {
            return "posts:" + id;
        }

        String topic() {
            return "posts-" + id;
        }

        String archive() {
            return "/proc/" + id;
        }

        String jdbc() {
            return TestServers.mariaDb().jdbcUrl("proc_" + id);
        }

        Map<String, String> properties(String instance) {
            Map<String, String> properties = new HashMap<>();
            TestServers.camelProperties(ServerKind.values()).forEach((key, value) -> properties.put((String) key, (String) value));
            properties.put("dataflux.mysql.url", jdbc());
            properties.put("dataflux.redis.key", stream());
            properties.put("dataflux.kafka.topic", topic());
            properties.put("dataflux.archive.dir", archive());
            properties.put("dataflux.archive.roll-size", Integer.toString(1024 * 1024));
            properties.put("dataflux.instance-id", instance);
            properties.put("dataflux.redis.min-idle-time", "5000");
            properties.put("dataflux.heartbeat.period", "60000");
            return properties;
        }

        long postsInMySql() throws Exception {
            return ((Number) PipelineProbe.query(jdbc(), "SELECT COUNT(*) AS n FROM posts").get(0).get("n")).longValue();
        }

        Set<String> idsInMySql() throws Exception {
            return PipelineProbe.query(jdbc(), "SELECT id FROM posts").stream().map(row -> (String) row.get("id"))
                    .collect(Collectors.toSet());
        }

        long deadLetteredEntries() throws Exception {
            return ((Number) PipelineProbe.query(jdbc(), "SELECT COUNT(DISTINCT source_id) AS n FROM dead_letter")
                    .get(0).get("n")).longValue();
        }
    }

    @Test
    void aPipelineKilledMidRunLosesNothingOnceRestarted() throws Exception {
        Run run = Run.create();
        PipelineProbe.push(run.stream(), run.records());
        try (PipelineProcess first = PipelineProcess.start("crash-1", run.properties("crash-" + run.id()))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> run.postsInMySql() >= RECORDS / 4);
            first.kill();
        }
        assertThat(PipelineProbe.allAcknowledged(run.stream(), "dataflux")).as("the crash left work pending").isFalse();

        try (PipelineProcess second = PipelineProcess.start("crash-2", run.properties("crash-" + run.id()))) {
            await().atMost(Duration.ofMinutes(3)).until(() -> PipelineProbe.allAcknowledged(run.stream(), "dataflux"));
            second.terminate(Duration.ofSeconds(60));
            assertThat(second.log()).as("the in-progress file of the killed instance was committed, or removed if empty")
                    .containsPattern("left (in progress )?by a previous run");
        }

        assertEverySinkHasEveryGoodPost(run);
        assertThat(run.deadLetteredEntries()).isEqualTo(run.badRecords());
    }

    @Test
    void sigtermMidRunFinishesInFlightWorkCommitsFilesAndLeavesNothingPending() throws Exception {
        Run run = Run.create();
        PipelineProbe.push(run.stream(), run.records());
        Duration shutdown;
        try (PipelineProcess pipeline = PipelineProcess.start("graceful", run.properties("graceful-" + run.id()))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> run.postsInMySql() >= RECORDS / 4);
            shutdown = pipeline.terminate(Duration.ofSeconds(60));
            assertThat(pipeline.log()).contains("(dataflux) shutdown");
        }

        assertThat(shutdown).as("within camel.main.shutdown-timeout").isLessThan(Duration.ofSeconds(30));
        try (var redis = PipelineProbe.redis()) {
            assertThat(redis.xpending(run.stream(), "dataflux").getTotal()).as("nothing pending").isZero();
        }
        assertThat(inProgressFiles(run)).as("every file committed").isEmpty();
        Set<String> inMySql = run.idsInMySql();
        assertThat(inMySql).isNotEmpty().isSubsetOf(run.goodIds());
        assertThat(archivedIds(run)).as("what MySQL has, the archive has").containsAll(inMySql);
        assertThat(kafkaKeys(run, inMySql.size())).containsAll(inMySql);
    }

    @Test
    void threeReplicasShareOneStreamWithoutLossDuplicatesOrSharedFiles() throws Exception {
        Run run = Run.create();
        List<PipelineProcess> replicas = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                replicas.add(PipelineProcess.start("replica-" + i, run.properties("replica-" + i + "-" + run.id())));
            }
            PipelineProbe.push(run.stream(), run.records());
            await().atMost(Duration.ofMinutes(3)).until(() -> PipelineProbe.allAcknowledged(run.stream(), "dataflux"));
            for (PipelineProcess replica : replicas) {
                replica.terminate(Duration.ofSeconds(60));
            }
        } finally {
            for (PipelineProcess replica : replicas) {
                replica.close();
            }
        }

        assertEverySinkHasEveryGoodPost(run);
        Set<String> writers = committedFiles(run).stream()
                .map(file -> file.getName().replaceAll("^part-(replica-\\d)-.*$", "$1"))
                .collect(Collectors.toSet());
        assertThat(writers).as("several replicas archived, each into files of its own").hasSizeGreaterThan(1)
                .allMatch(writer -> writer.matches("replica-\\d"));
        assertThat(run.deadLetteredEntries()).isEqualTo(run.badRecords());
    }

    private static void assertEverySinkHasEveryGoodPost(Run run) throws Exception {
        assertThat(run.idsInMySql()).as("MySQL: every good post, once").isEqualTo(run.goodIds());
        assertThat(run.postsInMySql()).isEqualTo(run.goodIds().size());
        assertThat(kafkaKeys(run, run.goodIds().size())).as("Kafka: every good post under its key").isEqualTo(run.goodIds());
        assertThat(archivedIds(run)).as("HDFS: every good post in a committed file").isEqualTo(run.goodIds());
        assertThat(inProgressFiles(run)).isEmpty();
    }

    private static Set<String> kafkaKeys(Run run, int atLeast) {
        return PipelineProbe.kafka(run.topic(), atLeast).stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    private static Set<String> archivedIds(Run run) throws Exception {
        return PipelineProbe.archivedPosts(run.archive()).stream().map(post -> (String) post.get("id"))
                .collect(Collectors.toSet());
    }

    private static List<Path> committedFiles(Run run) throws Exception {
        return files(run).stream().filter(file -> !file.getName().startsWith("_")).toList();
    }

    private static List<Path> inProgressFiles(Run run) throws Exception {
        return files(run).stream().filter(file -> file.getName().startsWith("_")).toList();
    }

    private static List<Path> files(Run run) throws Exception {
        List<Path> files = new ArrayList<>();
        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration())) {
            if (!fs.exists(new Path(run.archive()))) {
                return files;
            }
            RemoteIterator<LocatedFileStatus> listing = fs.listFiles(new Path(run.archive()), true);
            while (listing.hasNext()) {
                files.add(listing.next().getPath());
            }
        }
        return files;
    }
}
