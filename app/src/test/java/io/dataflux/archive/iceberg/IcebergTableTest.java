package io.dataflux.archive.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.dataflux.enrich.EnrichedPost;
import io.dataflux.ingest.SourceRecord;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The archive's Iceberg table on the real HDFS, read back with Iceberg's own generic reader: every version once, the
 * same records committed once whatever happens between the data file's write and the commit, orphan files swept,
 * small files of a closed day compacted in one commit that a reader never sees half done.
 */
@RealServers(ServerKind.HDFS)
class IcebergTableTest {

    private static final String UNICODE = "naïve café 東京 👨‍👩‍👧‍👦 שלום مرحبا";
    private static final Instant TODAY = Instant.now();

    private IcebergSettings settings;
    private HadoopCatalog catalog;
    private Table table;
    private int sequence;

    @BeforeEach
    void newTable() {
        String warehouse = TestServers.hdfs().uri() + "/iceberg-test/" + UUID.randomUUID();
        settings = new IcebergSettings(true, warehouse, "forum.posts", 20, Duration.ofHours(6), Duration.ofMinutes(30),
                128L * 1024 * 1024);
        catalog = PostTable.catalog(warehouse);
        table = PostTable.open(catalog, settings);
    }

    @AfterEach
    void closeCatalog() throws IOException {
        catalog.close();
    }

    @Test
    void aScanReturnsEveryArchivedVersionOnceWithItsUnicodeIntact() throws IOException {
        TableAppender appender = new TableAppender(table, settings.snapshotRetention());
        List<TableAppender.ArchivedRecord> first = versions("p-1", 3, TODAY);
        List<TableAppender.ArchivedRecord> second = versions("p-2", 2, TODAY);
        second.addAll(versions("p-1", 1, TODAY));

        assertThat(appender.append(first, null)).isEqualTo(TableAppender.Outcome.COMMITTED);
        assertThat(appender.append(second, null)).isEqualTo(TableAppender.Outcome.COMMITTED);

        List<Record> rows = scan(freshTable());
        assertThat(rows).extracting(row -> row.getField("version_key"))
                .containsExactlyInAnyOrderElementsOf(keysOf(first, second));
        assertThat(rows).allSatisfy(row -> assertThat(row.getField("body")).isEqualTo(UNICODE));
        Record newestP1 = newest(rows, "p-1");
        assertThat(newestP1.getField("title")).isEqualTo("p-1 v5");
        assertThat(((Record) newestP1.getField("author")).getField("display_name")).isEqualTo("Zoë 🧑‍💻");
        assertThat(newestP1.getField("hashtags")).isEqualTo(List.of("東京", "café"));
        assertThat(freshTable().currentSnapshot().summary())
                .containsEntry(TableAppender.AGGREGATE_ID, TableAppender.aggregateId(second))
                .containsEntry(TableAppender.AGGREGATE_RECORDS, "3");

        // README's query: one day's partition, by the day of ingestion
        LocalDate today = LocalDate.ofInstant(TODAY, ZoneOffset.UTC);
        assertThat(readDay(freshTable(), today)).hasSize(6)
                .allSatisfy(row -> assertThat(row.getField("created_at")).isInstanceOf(OffsetDateTime.class));
        assertThat(readDay(freshTable(), today.minusDays(1))).isEmpty();
    }

    private static List<Record> readDay(Table posts, LocalDate day) throws IOException {
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(posts)
                .where(Expressions.equal(Expressions.day("ingested_at"), day.toString()))
                .select("id", "title", "body", "created_at", "version_key")
                .build()) {
            records.forEach(row -> rows.add(row.copy()));
        }
        return rows;
    }

    @Test
    void anAggregateCommittedBeforeIsNotCommittedAgainInAnyOrder() throws IOException {
        TableAppender appender = new TableAppender(table, settings.snapshotRetention());
        List<TableAppender.ArchivedRecord> aggregate = versions("p-1", 5, TODAY);
        appender.append(aggregate, null);

        List<TableAppender.ArchivedRecord> shuffled = new ArrayList<>(aggregate);
        Collections.reverse(shuffled);
        assertThat(new TableAppender(freshTable(), settings.snapshotRetention()).append(shuffled, Instant.EPOCH))
                .isEqualTo(TableAppender.Outcome.ALREADY_COMMITTED);

        assertThat(scan(freshTable())).hasSize(5);
        assertThat(freshTable().snapshots()).hasSize(1);
    }

    @Test
    void aCrashBetweenTheDataFileAndTheCommitLeavesNothingVisibleAndTheRetryCommitsOnce() throws IOException {
        List<TableAppender.ArchivedRecord> aggregate = versions("p-1", 4, TODAY);
        aggregate.addAll(versions("p-2", 4, TODAY));
        TableAppender crashing = new TableAppender(table, settings.snapshotRetention(), () -> {
            throw new IllegalStateException("killed between the data file's write and the commit");
        });
        assertThatThrownBy(() -> crashing.append(aggregate, null)).hasMessageContaining("killed");
        assertThat(freshTable().currentSnapshot()).as("readers see nothing").isNull();
        assertThat(dataFiles()).as("the written, uncommitted file").hasSize(1);

        // the restarted instance gets the same entries again (redelivered) and commits them
        Table restarted = freshTable();
        assertThat(new TableAppender(restarted, settings.snapshotRetention()).append(aggregate, TODAY))
                .isEqualTo(TableAppender.Outcome.COMMITTED);
        assertThat(scan(freshTable())).extracting(row -> row.getField("version_key"))
                .containsExactlyInAnyOrderElementsOf(keysOf(aggregate));

        // the sweep leaves young files alone (another replica may be about to commit one), then deletes the orphan
        TableMaintenance now = new TableMaintenance(freshTable(), settings);
        assertThat(now.deleteOrphanDataFiles()).isZero();
        Clock later = Clock.offset(Clock.systemUTC(), settings.orphanAge().plusMinutes(1));
        assertThat(new TableMaintenance(freshTable(), settings, later).deleteOrphanDataFiles()).isEqualTo(1);
        assertThat(dataFiles()).hasSize(1);
        assertThat(scan(freshTable())).hasSize(aggregate.size());
    }

    @Test
    void redeliveredEntriesRegroupedAfterACommitWhoseAcknowledgementWasLostAreNotCommittedTwice() throws IOException {
        List<TableAppender.ArchivedRecord> a = versions("p-1", 3, TODAY);
        List<TableAppender.ArchivedRecord> b = versions("p-2", 3, TODAY);
        List<TableAppender.ArchivedRecord> c = versions("p-3", 3, TODAY);
        List<TableAppender.ArchivedRecord> committed = new ArrayList<>(a);
        committed.addAll(b);
        new TableAppender(table, settings.snapshotRetention()).append(committed, null);

        // the instance died before acknowledging; its entries come back in other batches, beside new ones
        List<TableAppender.ArchivedRecord> regrouped = new ArrayList<>(b);
        regrouped.addAll(c);
        assertThat(new TableAppender(freshTable(), settings.snapshotRetention()).append(regrouped, TODAY))
                .isEqualTo(TableAppender.Outcome.COMMITTED);
        assertThat(new TableAppender(freshTable(), settings.snapshotRetention()).append(a, TODAY))
                .isEqualTo(TableAppender.Outcome.ALREADY_COMMITTED);

        assertThat(scan(freshTable())).extracting(row -> row.getField("version_key"))
                .containsExactlyInAnyOrderElementsOf(keysOf(a, b, c));
    }

    @Test
    void twoReplicasCommittingAtOnceBothLandEveryRecordOnce() throws Exception {
        int aggregatesEach = 8;
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        List<TableAppender.ArchivedRecord> all = new ArrayList<>();
        List<List<TableAppender.ArchivedRecord>> work = new ArrayList<>();
        for (int i = 0; i < 2 * aggregatesEach; i++) {
            List<TableAppender.ArchivedRecord> aggregate = versions("r-" + i, 2, TODAY);
            work.add(aggregate);
            all.addAll(aggregate);
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int replica = 0; replica < 2; replica++) {
            List<List<TableAppender.ArchivedRecord>> mine = work.subList(replica * aggregatesEach,
                    (replica + 1) * aggregatesEach);
            // each replica has its own catalog and table object, as two JVMs would
            HadoopCatalog ownCatalog = PostTable.catalog(settings.warehouse());
            TableAppender appender = new TableAppender(PostTable.open(ownCatalog, settings), settings.snapshotRetention());
            done.add(replicas.submit(() -> {
                start.await();
                for (List<TableAppender.ArchivedRecord> aggregate : mine) {
                    appender.append(aggregate, null);
                }
                ownCatalog.close();
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get(5, TimeUnit.MINUTES);
        }
        replicas.shutdown();

        assertThat(scan(freshTable())).extracting(row -> row.getField("version_key"))
                .containsExactlyInAnyOrderElementsOf(keysOf(all));
        assertThat(freshTable().snapshots()).hasSize(2 * aggregatesEach);
    }

    @Test
    void compactionRewritesTheSmallFilesOfAClosedDayInOneCommitThatReadersNeverSeeHalfDone() throws Exception {
        int files = 200;
        Instant yesterday = TODAY.minus(Duration.ofDays(1));
        TableAppender appender = new TableAppender(table, settings.snapshotRetention());
        List<TableAppender.ArchivedRecord> all = new ArrayList<>();
        // yesterday's 200 aggregates, one small file each, committed 20 at a time (a commit each would only be slower)
        AppendFiles append = table.newFastAppend();
        for (int i = 0; i < files; i++) {
            List<TableAppender.ArchivedRecord> aggregate = versions("c-" + i, 2, yesterday);
            appender.write(aggregate, TableAppender.aggregateId(aggregate)).forEach(append::appendFile);
            all.addAll(aggregate);
            if (i % 20 == 19) {
                append.commit();
                append = table.newFastAppend();
            }
        }
        List<TableAppender.ArchivedRecord> today = versions("t-1", 2, TODAY);
        appender.append(today, null);
        assertThat(filesOf(freshTable())).hasSize(files + 1);

        AtomicBoolean compacting = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        Future<?> reading = reader.submit(() -> {
            // a reader that loads the table again and again: each scan is of one snapshot, before or after
            do {
                seen.add(scan(freshTable()).size());
            } while (compacting.get());
            return null;
        });
        List<TableCompaction.Result> results = new TableCompaction(freshTable(), settings.targetFileSize())
                .compactClosedDays(LocalDate.ofInstant(TODAY, ZoneOffset.UTC));
        compacting.set(false);
        reading.get(5, TimeUnit.MINUTES);
        reader.shutdown();

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.day()).isEqualTo(LocalDate.ofInstant(yesterday, ZoneOffset.UTC));
            assertThat(result.filesBefore()).isEqualTo(files);
            assertThat(result.filesAfter()).isEqualTo(1);
            assertThat(result.records()).isEqualTo(2L * files);
        });
        assertThat(filesOf(freshTable())).as("one compacted file and today's, untouched").hasSize(2);
        all.addAll(today);
        assertThat(scan(freshTable())).extracting(row -> row.getField("version_key"))
                .containsExactlyInAnyOrderElementsOf(keysOf(all));
        assertThat(seen).isNotEmpty().containsOnly(all.size());
        assertThat(freshTable().currentSnapshot().summary()).containsEntry(TableCompaction.OPERATION, "compaction");
    }

    /** {@code count} versions of a post, a minute apart, each from its own stream entry. */
    private List<TableAppender.ArchivedRecord> versions(String postId, int count, Instant ingestedAt) {
        List<TableAppender.ArchivedRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int version = sequence++;
            Map<String, Object> post = new LinkedHashMap<>();
            post.put("id", postId);
            post.put("thread_id", "t-1");
            post.put("author_id", "a-1");
            post.put("title", postId + " v" + version);
            post.put("body", UNICODE);
            post.put("url", "https://forum.example/" + postId);
            post.put("created_at", Instant.parse("2026-11-30T10:00:00Z").plusSeconds(60L * version).toString());
            post.put("hashtags", List.of("東京", "café"));
            post.put("mentions", List.of());
            post.put("links", List.of());
            post.put("word_count", 7);
            post.put("content_hash", "ab".repeat(32));
            post.put("author", Map.of("author_id", "a-1", "display_name", "Zoë 🧑‍💻", "reputation", 42));
            byte[] payload = (postId + "#" + version).getBytes(StandardCharsets.UTF_8);
            EnrichedPost enriched = new EnrichedPost(new SourceRecord("1764000000000-" + version, payload), post);
            records.add(IcebergArchive.archived(enriched, ingestedAt, table.schema().asStruct()));
        }
        return records;
    }

    @SafeVarargs
    private static List<Object> keysOf(List<TableAppender.ArchivedRecord>... aggregates) {
        List<Object> keys = new ArrayList<>();
        for (List<TableAppender.ArchivedRecord> aggregate : aggregates) {
            aggregate.forEach(record -> keys.add(record.key()));
        }
        return keys;
    }

    private static Record newest(List<Record> rows, String postId) {
        Map<String, Record> newest = new HashMap<>();
        for (Record row : rows) {
            newest.merge((String) row.getField("id"), row, (old, next) ->
                    ((String) next.getField("version_key")).compareTo((String) old.getField("version_key")) > 0 ? next : old);
        }
        return newest.get(postId);
    }

    private Table freshTable() {
        return catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(settings.table()));
    }

    private static List<Record> scan(Table table) throws IOException {
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            records.forEach(rows::add);
        }
        return rows;
    }

    private static List<String> filesOf(Table table) throws IOException {
        List<String> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(task -> files.add(task.file().location()));
        }
        return files;
    }

    /** The Parquet files under the table's data directory, committed or not. */
    private List<Path> dataFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        FileSystem fs = FileSystem.get(URI.create(table.location()), new Configuration());
        RemoteIterator<LocatedFileStatus> listing = fs.listFiles(new Path(table.location(), "data"), true);
        while (listing.hasNext()) {
            files.add(listing.next().getPath());
        }
        return files;
    }
}
