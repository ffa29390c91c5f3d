package io.dataflux.archive;

import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.enrich.EnrichedPost;
import io.dataflux.ingest.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.testing.DataFluxCamelTest;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

/**
 * routes/archive.camel.yaml on the local file system: the aggregator takes whole batches; a batch that finds the
 * writer idle is written at once (the completion timeout here is ten minutes), the batches that arrive during a write
 * are written together when it ends, and an aggregate that reaches the record limit while the writer is busy is
 * completed then, not merged with what comes after.
 */
class ArchiveAggregationTest extends DataFluxCamelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Path ROOT = createTempDirectory();

    /** This test's archive directory (set while the base class's constructor asks for the properties). */
    private Path archive;
    /** The number of posts in each aggregate the archive wrote, in order. */
    private final List<Integer> writes = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstWriteStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirstWrite = new CountDownLatch(1);

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("archive-aggregation-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        properties.put("dataflux.hdfs.file-system-type", "LOCAL");
        properties.put("dataflux.hdfs.uri", "hdfs://localhost");
        archive = ROOT.resolve(UUID.randomUUID().toString()).resolve("posts");
        properties.put("dataflux.archive.dir", archive.toString());
        properties.put("dataflux.archive.batch-records", "4");
        // far longer than any test waits: only the idle writer or the end of a write can complete an aggregate
        properties.put("dataflux.archive.batch-timeout", "600000");
        // the retry settings, short: one test makes writes fail
        properties.put("dataflux.retry.max-redeliveries", "2");
        properties.put("dataflux.retry.initial-delay", "10");
        properties.put("dataflux.retry.max-delay", "20");
        return properties;
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    /** Counts the posts of every write; the first one waits until the test lets it go, when the test asks it to. */
    private void observeWrites(boolean holdFirstWrite) throws Exception {
        AdviceWith.adviceWith(context, "archive-write", route -> route.weaveById("archive-hdfs").before()
                .process(exchange -> {
                    writes.add(exchange.getMessage().getBody(List.class).size());
                    firstWriteStarted.countDown();
                    if (holdFirstWrite && writes.size() == 1) {
                        assertThat(releaseFirstWrite.await(2, TimeUnit.MINUTES)).isTrue();
                    }
                }));
        context.start();
    }

    private EnrichedBatch batch(String name, int posts) {
        List<EnrichedPost> enriched = new ArrayList<>();
        for (int i = 0; i < posts; i++) {
            Map<String, Object> post = new LinkedHashMap<>();
            post.put("id", name + "-" + i);
            post.put("body", "post " + i + " of batch " + name);
            enriched.add(new EnrichedPost(new SourceRecord(name + "-" + i + "-0", new byte[0]), post));
        }
        return EnrichedBatch.of(enriched);
    }

    /** The ids of the posts in the committed archive files (after the context stopped). */
    private List<String> archivedIds() throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.walk(archive)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(file.getFileName().toString()).as("committed, not in progress").doesNotStartWith("_")
                        .endsWith(".jsonl");
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    ids.add((String) JSON.readValue(line, Map.class).get("id"));
                }
            }
        }
        return ids;
    }

    /**
     * The archive's error handling (dataflux-archive-errors, folded into routes/errors.camel.yaml): a failing write is
     * retried with the dataflux.retry.* backoff, then given up (its entries go back to Redis) without blocking
     * the writer: the next aggregate is written.
     */
    @Test
    void aWriteThatKeepsFailingIsRetriedWithTheSharedPolicyThenGivenUp() throws Exception {
        List<String> attempts = new CopyOnWriteArrayList<>();
        AdviceWith.adviceWith(context, "archive-write", route -> route.weaveById("archive-hdfs").before()
                .process(exchange -> {
                    List<?> lines = exchange.getMessage().getBody(List.class);
                    String first = new String((byte[]) lines.get(0), StandardCharsets.UTF_8);
                    attempts.add(first);
                    if (first.contains("\"f-0\"")) {
                        throw new IOException("the archive is down");
                    }
                }));
        context.start();

        template.sendBody("direct:sink-archive", batch("f", 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.size() >= 3);
        template.sendBody("direct:sink-archive", batch("g", 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.stream().anyMatch(line -> line.contains("\"g-0\"")));
        context.stop();

        assertThat(attempts.stream().filter(line -> line.contains("\"f-0\""))).as("1 attempt + 2 redeliveries").hasSize(3);
        assertThat(archivedIds()).containsExactly("g-0");
    }

    @Test
    void aBatchThatFindsTheWriterIdleIsWrittenAtOnce() throws Exception {
        observeWrites(false);

        template.sendBody("direct:sink-archive", batch("a", 3));

        await().atMost(Duration.ofSeconds(60)).until(() -> writes.equals(List.of(3)));
        context.stop();
        assertThat(archivedIds()).containsExactlyInAnyOrder("a-0", "a-1", "a-2");
    }

    @Test
    void batchesArrivingDuringAWriteAreWrittenTogetherWhenItEnds() throws Exception {
        observeWrites(true);

        template.sendBody("direct:sink-archive", batch("a", 2));
        assertThat(firstWriteStarted.await(60, TimeUnit.SECONDS)).isTrue();
        template.sendBody("direct:sink-archive", batch("b", 2));
        template.sendBody("direct:sink-archive", batch("c", 1));
        releaseFirstWrite.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> writes.size() >= 2);
        assertThat(writes).as("a alone, then b and c in one write").containsExactly(2, 3);
        context.stop();
        assertThat(archivedIds()).containsExactlyInAnyOrder("a-0", "a-1", "b-0", "b-1", "c-0");
    }

    @Test
    void anAggregateAtTheRecordLimitIsCompletedWhileTheWriterIsBusy() throws Exception {
        observeWrites(true);

        template.sendBody("direct:sink-archive", batch("a", 1));
        assertThat(firstWriteStarted.await(60, TimeUnit.SECONDS)).isTrue();
        template.sendBody("direct:sink-archive", batch("b", 3));
        template.sendBody("direct:sink-archive", batch("c", 3));
        template.sendBody("direct:sink-archive", batch("d", 1));
        releaseFirstWrite.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> writes.size() >= 3);
        assertThat(writes).as("b and c reached the limit of 4 posts together; d waited for the next write")
                .containsExactly(1, 6, 1);
        context.stop();
        assertThat(archivedIds()).containsExactlyInAnyOrder("a-0", "b-0", "b-1", "b-2", "c-0", "c-1", "c-2", "d-0");
    }
}
