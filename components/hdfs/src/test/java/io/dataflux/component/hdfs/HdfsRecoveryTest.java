package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelExecutionException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Recovery of dead writers' files on HDFS (heartbeat expired, any instance id, cut back to the last recorded sync) and
 * the commit protocol under injected faults at each of its steps.
 */
class HdfsRecoveryTest extends HdfsTestSupport {

    private static final String SYNCED = "{\"id\":\"1\"}\n{\"id\":\"2\"}\n";

    @Test
    void aDeadWritersFileIsCommittedByAnotherInstanceCutBackToItsLastSync() throws Exception {
        Path dead = leaveInProgress("gone-a", SYNCED, "{\"id\":\"3\",\"torn");
        heartbeat("gone-a", System.currentTimeMillis() - 60_000);
        Path alive = leaveInProgress("alive-c", SYNCED, "");
        heartbeat("alive-c", System.currentTimeMillis());

        String uri = hdfs("", "rollAge=0&instanceId=new-b&heartbeatInterval=1000&heartbeatExpiry=5000");
        startedProducer(uri);
        HdfsEndpoint endpoint = context.getEndpoint(uri, HdfsEndpoint.class);

        // recovery at start already took the dead writer's file; the living writer's file is left alone
        assertThat(reader.exists(dead)).isFalse();
        String committed = base + "/" + dead.getName().substring(1, dead.getName().length() - ".opened".length());
        assertThat(read(committed)).isEqualTo(SYNCED);
        assertThat(reader.exists(alive)).isTrue();
        assertThat(endpoint.getMetrics().getRecoveredByWriter()).containsEntry("gone-a", 1L);
        assertThat(endpoint.getMetrics().getTruncatedBytes()).isEqualTo("{\"id\":\"3\",\"torn".length());

        // a second pass commits nothing twice, and the living writer's file waits for its heartbeat to expire
        assertThat(endpoint.recoverAbandoned()).isZero();
        heartbeat("alive-c", System.currentTimeMillis() - 6_000);
        assertThat(endpoint.recoverAbandoned()).isEqualTo(1);
        assertThat(names(base)).noneMatch(name -> name.startsWith("_"))
                .containsExactlyInAnyOrder(committed.substring(base.length() + 1),
                        alive.getName().substring(1, alive.getName().length() - ".opened".length()));
        assertThat(endpoint.getMetrics().getRecoveredByWriter()).containsEntry("alive-c", 1L);
    }

    @Test
    void aWriterWithoutARecordedSyncKeepsItsCompleteLinesOnly() throws Exception {
        Path dead = leaveInProgress("old-a", null, SYNCED + "{\"id\":\"3\"");
        String uri = hdfs("", "rollAge=0&instanceId=new-b");
        startedProducer(uri);
        String committed = base + "/" + dead.getName().substring(1, dead.getName().length() - ".opened".length());
        assertThat(read(committed)).isEqualTo(SYNCED);
    }

    @ParameterizedTest
    @EnumSource(FaultyFileSystem.Step.class)
    void aFaultAtAnyStepOfTheCommitLeavesNoTornLineNoStrandedFileAndNoDuplicate(FaultyFileSystem.Step step)
            throws Exception {
        String uri = hdfs("", "rollCount=4&rollAge=0&checkIdleInterval=100&instanceId=faulty"
                + "&hadoop.fs.hdfs.impl=" + FaultyFileSystem.class.getName());
        HdfsEndpoint endpoint = context.getEndpoint(uri, HdfsEndpoint.class);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            if (i == 2) {
                FaultyFileSystem.arm(step);
            }
            String record = "{\"id\":\"" + i + "\",\"text\":\"" + "z".repeat(50) + "\"}";
            sendAtLeastOnce(uri, record);
            sent.add(record);
        }
        assertThat(FaultyFileSystem.fired()).as("the fault was injected").isTrue();
        context.stop(); // commits what is open, retries the failed commits

        List<String> lines = new ArrayList<>();
        for (String file : filesUnder(base)) {
            assertThat(file).as("no stranded in-progress file").doesNotContain("/_");
            String content = read(file);
            assertThat(content).as("whole lines only").endsWith("\n");
            lines.addAll(List.of(content.split("\n")));
        }
        assertThat(lines).as("every record once: no duplicate").containsExactlyInAnyOrderElementsOf(sent);
        if (step == FaultyFileSystem.Step.DURING_RENAME) {
            // a rename whose reply was lost is recognised as done: no retry, no second name
            assertThat(endpoint.getMetrics().getCommitFailures()).isZero();
        } else if (step != FaultyFileSystem.Step.BEFORE_HSYNC) {
            assertThat(endpoint.getMetrics().getCommitFailures()).isEqualTo(1);
            assertThat(endpoint.getMetrics().getCommitRetries()).isPositive();
        }
    }

    /** As the archive route does: an exchange that failed is written again (its entries were not acknowledged). */
    private void sendAtLeastOnce(String uri, String record) {
        try {
            template.requestBody(uri, record);
        } catch (CamelExecutionException e) {
            template.requestBody(uri, record);
        }
    }

    /** An in-progress file as a killed writer leaves it: synced lines (recorded), then unsynced bytes. */
    private Path leaveInProgress(String writer, String synced, String torn) throws Exception {
        Path path = new Path(base, "_part-" + writer + "-20260101T000000-00001.jsonl.opened");
        reader.mkdirs(new Path(base));
        try (FSDataOutputStream out = reader.create(path, false)) {
            if (synced != null) {
                out.write(synced.getBytes(StandardCharsets.UTF_8));
                out.hsync();
                reader.setXAttr(path, SyncedLengths.XATTR, ByteBuffer.allocate(8).putLong(out.getPos()).array());
            }
            out.write(torn.getBytes(StandardCharsets.UTF_8));
            out.hflush();
        }
        return path;
    }

    private void heartbeat(String writer, long modified) throws Exception {
        Path base = new Path(this.base);
        Path file = new Path(new Path(new Path(base.getParent(), Heartbeats.DIR), base.getName()), writer);
        if (!reader.exists(file)) {
            reader.create(file, true).close();
        }
        reader.setTimes(file, modified, -1);
    }
}
