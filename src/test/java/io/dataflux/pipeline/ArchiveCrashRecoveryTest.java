package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Issue 14: instance after instance killed with SIGKILL at a random moment while archiving, each replaced by one with a
 * new instance id (as a replacement pod has). The living recover the dead: every acknowledged post ends in a committed
 * file, whole; a second copy only of posts not yet acknowledged at a kill; no in-progress file left after the recovery
 * interval; and the last instance stops on SIGTERM within the grace period's budget.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class ArchiveCrashRecoveryTest {

    /** Kills in a row; 10 by default (-Ddataflux.test.crash-rounds=N). */
    private static final int ROUNDS = Integer.getInteger("dataflux.test.crash-rounds", 10);
    private static final int RECORDS_PER_ROUND = 600;

    @Test
    void instancesKilledOneAfterAnotherAreRecoveredByTheirSuccessorsWithNewIds() throws Exception {
        PipelineRun run = PipelineRun.create(ROUNDS * RECORDS_PER_ROUND);
        Random random = new Random();
        Set<String> unacknowledgedAtAKill = new HashSet<>();
        List<String> everyLine;
        Duration shutdown;
        StringBuilder logs = new StringBuilder();
        PipelineProbe.push(run.stream(), run.records());
        for (int round = 1; round <= ROUNDS; round++) {
            try (PipelineProcess instance = PipelineProcess.start("crash-" + round, properties(run, "crash-" + round))) {
                long target = Math.min(run.goodIds().size() - 1,
                        run.postsInMySql() + 50 + random.nextInt(RECORDS_PER_ROUND));
                await().atMost(Duration.ofMinutes(1)).until(() -> run.postsInMySql() >= target);
                instance.kill();
                logs.append(instance.log());
            }
            unacknowledgedAtAKill.addAll(pendingPostIds(run));
        }
        try (PipelineProcess last = PipelineProcess.start("survivor", properties(run, "survivor"))) {
            await().atMost(Duration.ofMinutes(2)).until(run::allAcknowledged);
            // within the recovery interval (3 s here) after the last writer's heartbeat expired (3 s)
            await().atMost(Duration.ofSeconds(30)).until(() -> hiddenFiles(run).isEmpty());
            shutdown = last.terminate(Duration.ofSeconds(60));
            logs.append(last.log());
        }
        assertThat(logs.toString()).as("a successor recovered the files of a killed instance (another instance id)")
                .containsPattern("left in progress by the dead writer crash-\\d+-");
        assertThat(shutdown).as("SIGTERM to exit, with nothing left to do").isLessThan(Duration.ofSeconds(30));

        assertThat(hiddenFiles(run)).as("no in-progress file or sidecar remains").isEmpty();
        everyLine = committedLines(run);
        Map<String, Integer> copies = new HashMap<>();
        Set<String> archivedIds = new HashSet<>();
        for (String line : everyLine) {
            // whole lines only: each parses as a post
            Map<?, ?> post = PipelineProbe.JSON.readValue(line, Map.class);
            archivedIds.add((String) post.get("id"));
            copies.merge(line, 1, Integer::sum);
        }
        assertThat(archivedIds).as("every acknowledged post in a committed file").containsAll(run.goodIds());
        for (Map.Entry<String, Integer> copy : copies.entrySet()) {
            if (copy.getValue() > 1) {
                String id = (String) PipelineProbe.JSON.readValue(copy.getKey(), Map.class).get("id");
                assertThat(unacknowledgedAtAKill).as("a second copy only of a post unacknowledged at a kill: " + id)
                        .contains(id);
            }
        }
    }

    private static Map<String, String> properties(PipelineRun run, String instance) {
        Map<String, String> properties = run.properties(instance);
        properties.put("dataflux.archive.heartbeat-interval", "500");
        properties.put("dataflux.archive.heartbeat-expiry", "3000");
        properties.put("dataflux.archive.recovery-interval", "3000");
        properties.put("dataflux.archive.roll-size", Integer.toString(256 * 1024));
        return properties;
    }

    /** The post ids of the entries delivered but not acknowledged (they may be archived twice). */
    private static Set<String> pendingPostIds(PipelineRun run) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Jedis redis = PipelineProbe.redis()) {
            List<StreamPendingEntry> pending = redis.xpending(run.stream(), "dataflux",
                    XPendingParams.xPendingParams().count(1_000_000));
            for (StreamPendingEntry entry : pending) {
                List<StreamEntry> entries = redis.xrange(run.stream(), entry.getID(), entry.getID(), 1);
                if (!entries.isEmpty()) {
                    String payload = entries.get(0).getFields().get("value");
                    try {
                        Object id = PipelineProbe.JSON.readValue(payload, Map.class).get("id");
                        if (id != null) {
                            ids.add(id.toString());
                        }
                    } catch (Exception badRecord) {
                        // a bad record is dead-lettered, never archived
                    }
                }
            }
        }
        return ids;
    }

    private static List<Path> files(PipelineRun run) throws Exception {
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

    private static List<Path> hiddenFiles(PipelineRun run) throws Exception {
        return files(run).stream().filter(file -> file.getName().startsWith("_")).toList();
    }

    private static List<String> committedLines(PipelineRun run) throws Exception {
        List<String> lines = new ArrayList<>();
        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration())) {
            for (Path file : files(run)) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                }
            }
        }
        return lines;
    }

}
