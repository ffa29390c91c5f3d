package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.XAddParams;

import io.dataflux.testing.RedisTestServer;
import io.dataflux.testing.TestServers;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;

/**
 * 500 entries of about 2 MB each (1 GB) in one stream, consumed by a redis-source in a JVM of its own with
 * {@code -Xmx384m} and batchSize=500: before batches were bounded by bytes, the first read took them all and the poll
 * thread died of OutOfMemoryError. Every entry must be processed (within recordMaxBytes) or dead-lettered (above it),
 * each once, with its exact content, and no batch may exceed the default batchMaxBytes.
 */
@RealServers(ServerKind.REDIS)
class RedisSourceMemoryTest extends RedisSourceTestSupport {

    private static final int MB = 1024 * 1024;
    private static final int ENTRIES = 500;
    private static final long RECORD_MAX = 2L * MB;

    @Test
    void fiveHundredEntriesOfTwoMegabytesFlowThroughA384MegabyteHeap() throws Exception {
        Map<String, String> expectedProcessed = new HashMap<>();
        Map<String, String> expectedDeadLettered = new HashMap<>();
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        try {
            for (int i = 0; i < ENTRIES; i++) {
                // every fifth entry is one byte over the record limit: dead-lettered with its bytes
                int size = i % 5 == 0 ? (int) RECORD_MAX + 1 : (int) RECORD_MAX - 100;
                byte[] payload = new byte[size];
                Arrays.fill(payload, (byte) ('a' + i % 26));
                byte[] head = ("entry-" + i + ":").getBytes(StandardCharsets.UTF_8);
                System.arraycopy(head, 0, payload, 0, head.length);
                String name = "entry-" + i;
                redis.xadd(keyBytes, XAddParams.xAddParams(), Map.of(
                        "name".getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8),
                        "payload".getBytes(StandardCharsets.UTF_8), payload));
                if (i % 5 == 0) {
                    expectedDeadLettered.put(name, DeadLetterPayload.sha1(payload));
                } else {
                    expectedProcessed.put(name, DeadLetterPayload.sha1(payload));
                }
            }

            Path output = Files.createTempFile("bounded-memory", ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                    "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    RedisSourceMemoryTestChild.class.getName(),
                    host(), Integer.toString(port()), key, Integer.toString(ENTRIES), Long.toString(RECORD_MAX)));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            RedisTestServer server = TestServers.redis();
            if (!server.password().isEmpty()) {
                // the secured harness's ACL user, by environment (not on the command line)
                builder.environment().put(RedisSourceMemoryTestChild.USERNAME_ENV, server.username());
                builder.environment().put(RedisSourceMemoryTestChild.PASSWORD_ENV, server.password());
            }
            Process child = builder.start();
            try {
                assertThat(child.waitFor(170, TimeUnit.SECONDS)).as("the consumer finished").isTrue();
            } finally {
                child.destroyForcibly();
            }
            String log = Files.readString(output);
            Files.deleteIfExists(output);
            assertThat(log).doesNotContain("OutOfMemoryError").contains("DONE");
            log.lines().filter(line -> line.startsWith("DONE")).forEach(line -> System.out.println(
                    "RedisSourceMemoryTest child (-Xmx384m, 500 x 2 MB): " + line));
            assertThat(child.exitValue()).isZero();

            assertThat(redis.hgetAll(key + ":processed")).as("processed, with their exact content")
                    .isEqualTo(expectedProcessed);
            Map<String, String> deadLettered = redis.hgetAll(key + ":dead-lettered");
            assertThat(deadLettered.values()).as("dead-lettered once each, with their exact bytes")
                    .containsExactlyInAnyOrderElementsOf(expectedDeadLettered.values());
            assertThat(pendingCount("dataflux")).isZero();
            long largestBatch = Long.parseLong(redis.hget(key + ":stats", "largestBatch"));
            assertThat(largestBatch).as("no batch above batchMaxBytes (8 MB)").isLessThanOrEqualTo(8L * MB);
        } finally {
            redis.del(key, key + ":processed", key + ":dead-lettered", key + ":stats", key + ":failures");
        }
    }
}
