package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same recovery on the local disk (fileSystemType=LOCAL, the demo's --local-fs): no extended attributes there, so
 * the synced length is in a hidden sidecar file; a failed rename is retried as a commit.
 */
class HdfsLocalRecoveryTest extends CamelTestSupport {

    private static final String SYNCED = "{\"id\":\"1\"}\n{\"id\":\"2\"}\n";

    @TempDir
    Path root;

    @Test
    void aDeadWritersFileIsCommittedCutBackToItsSidecarsLength() throws Exception {
        Path dir = root.resolve("posts");
        Files.createDirectories(dir);
        Path dead = dir.resolve("_part-gone-a-20260101T000000-00001.jsonl.opened");
        Files.writeString(dead, SYNCED + "{\"id\":\"3\",\"to");
        Files.write(dir.resolve("_" + dead.getFileName() + ".synced"),
                ByteBuffer.allocate(8).putLong(SYNCED.length()).array());
        Path heartbeat = root.resolve("_heartbeats").resolve("posts").resolve("gone-a");
        Files.createDirectories(heartbeat.getParent());
        Files.createFile(heartbeat);
        Files.setLastModifiedTime(heartbeat, FileTime.fromMillis(System.currentTimeMillis() - 60_000));

        String uri = "hdfs://localhost" + dir + "?fileSystemType=LOCAL&rollAge=0&instanceId=new-b";
        HdfsEndpoint endpoint = context.getEndpoint(uri, HdfsEndpoint.class);
        template.sendBody(uri, "{\"id\":\"4\"}");

        assertThat(Files.readString(dir.resolve("part-gone-a-20260101T000000-00001.jsonl"))).isEqualTo(SYNCED);
        assertThat(endpoint.getMetrics().getRecoveredByWriter()).containsEntry("gone-a", 1L);
        assertThat(endpoint.getMetrics().getTruncatedBytes()).isEqualTo("{\"id\":\"3\",\"to".length());
        context.stop();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .as("no hidden file left: in-progress files and sidecars are gone").noneMatch(name -> name.startsWith("_"))
                    .hasSize(2);
        }
    }

    @Test
    void aRefusedRenameIsRetriedAsACommitNotByWritingTheRecordsAgain() throws Exception {
        Path dir = root.resolve("faulty");
        String uri = "hdfs://localhost" + dir + "?fileSystemType=LOCAL&rollCount=3&rollAge=0&checkIdleInterval=100"
                + "&instanceId=local&hadoop.fs.file.impl=" + FaultyFileSystem.Local.class.getName();
        HdfsEndpoint endpoint = context.getEndpoint(uri, HdfsEndpoint.class);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            if (i == 1) {
                FaultyFileSystem.arm(FaultyFileSystem.Step.AFTER_HSYNC_BEFORE_RENAME);
            }
            String record = "{\"id\":\"" + i + "\"}";
            try {
                template.requestBody(uri, record);
            } catch (CamelExecutionException e) {
                template.requestBody(uri, record); // the route's redelivery
            }
            sent.add(record);
        }
        context.stop();
        assertThat(FaultyFileSystem.fired()).isTrue();
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                assertThat(file.getFileName().toString()).doesNotStartWith("_");
                lines.addAll(List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n")));
            }
        }
        assertThat(lines).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(endpoint.getMetrics().getCommitFailures()).isEqualTo(1);
    }
}
