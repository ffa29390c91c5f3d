package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.dataflux.archive.iceberg.IcebergSettings;
import io.dataflux.archive.iceberg.PostTable;
import io.dataflux.archive.iceberg.TableMaintenance;
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
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/**
 * The pipeline with the Iceberg table on, killed with SIGKILL while it archives, then replaced: the table, read with
 * Iceberg's own generic reader, holds every good record's version exactly once (none lost, none twice, whatever the
 * kill interrupted: a data file's write, a commit, the acknowledgement after it), the newest version of each post is
 * MySQL's row, Unicode intact; the data file the kill left uncommitted is swept as an orphan.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class IcebergArchiveCrashTest {

    private static final int RECORDS = 1500;

    @Test
    void aKilledInstanceLeavesEveryVersionInTheTableExactlyOnce() throws Exception {
        PipelineRun run = PipelineRun.create(RECORDS);
        String warehouse = TestServers.hdfs().uri() + "/iceberg/" + run.id();
        IcebergSettings settings = new IcebergSettings(true, warehouse, "forum.posts", 20, Duration.ofHours(6),
                Duration.ofMinutes(30), 128L * 1024 * 1024);
        PipelineProbe.push(run.stream(), run.records());
        StringBuilder logs = new StringBuilder();

        try (PipelineProcess killed = PipelineProcess.start("iceberg-crash", properties(run, warehouse, "crash"));
             HadoopCatalog catalog = PostTable.catalog(warehouse)) {
            // SIGKILL as soon as a data file is on HDFS that no snapshot references yet: between its write and its
            // commit (or, if the commit wins the race, between the commit and the acknowledgement)
            TableIdentifier id = TableIdentifier.parse(settings.table());
            await().atMost(Duration.ofMinutes(3)).until(() -> catalog.tableExists(id));
            Table table = catalog.loadTable(id);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
                table.refresh();
                return table.currentSnapshot() != null && !committedFiles(table).containsAll(dataFilesOnHdfs(table));
            });
            killed.kill();
            logs.append(killed.log());
        }
        try (PipelineProcess survivor = PipelineProcess.start("iceberg-survivor", properties(run, warehouse, "survivor"))) {
            await().atMost(Duration.ofMinutes(4)).until(run::allAcknowledged);
            survivor.terminate(Duration.ofSeconds(60));
            logs.append(survivor.log());
        }

        try (HadoopCatalog catalog = PostTable.catalog(warehouse)) {
            Table table = catalog.loadTable(TableIdentifier.parse(settings.table()));
            List<Record> rows = scan(table);
            Map<String, Long> copies = rows.stream().collect(Collectors.groupingBy(
                    row -> (String) row.getField("version_key"), Collectors.counting()));
            assertThat(copies).as("no version twice").allSatisfy((key, count) -> assertThat(count).isOne());
            long goodRecords = run.records().stream().filter(record -> record.isGood()).count();
            assertThat(rows).as("every good record's version").hasSize((int) goodRecords);

            Map<String, Record> newest = rows.stream().collect(Collectors.toMap(row -> (String) row.getField("id"),
                    Function.identity(), (a, b) -> ((String) a.getField("version_key"))
                            .compareTo((String) b.getField("version_key")) >= 0 ? a : b));
            List<Map<String, Object>> mysql = PipelineProbe.query(run.jdbc(),
                    "SELECT id, title, body, content_hash, version_key FROM posts");
            assertThat(newest.keySet()).isEqualTo(run.goodIds());
            for (Map<String, Object> row : mysql) {
                Record archived = newest.get((String) row.get("id"));
                assertThat(archived.getField("version_key")).isEqualTo(row.get("version_key"));
                assertThat(archived.getField("title")).isEqualTo(row.get("title"));
                assertThat(archived.getField("body")).as("Unicode intact").isEqualTo(row.get("body"));
                assertThat(archived.getField("content_hash")).isEqualTo(row.get("content_hash"));
            }

            // the singleton job's sweep, as it runs once the orphan age has passed
            Clock later = Clock.offset(Clock.systemUTC(), settings.orphanAge().plusMinutes(1));
            int swept = new TableMaintenance(table, settings, later).deleteOrphanDataFiles();
            System.out.printf("iceberg crash test: %d rows, %d snapshots, %d orphan data files swept, %d aggregates"
                    + " found committed already%n", rows.size(), sizeOf(table.snapshots()), swept,
                    logs.toString().lines().filter(line -> line.contains("already in")).count());
            assertThat(dataFilesOnHdfs(table)).as("only committed data files remain").isEqualTo(committedFiles(table));
            assertThat(scan(table)).hasSize(rows.size());
        }
    }

    private static Map<String, String> properties(PipelineRun run, String warehouse, String instance) {
        Map<String, String> properties = run.properties(instance);
        properties.put("dataflux.iceberg.enabled", "true");
        properties.put("dataflux.iceberg.warehouse", warehouse);
        return properties;
    }

    private static List<Record> scan(Table table) throws Exception {
        table.refresh();
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            records.forEach(rows::add);
        }
        return rows;
    }

    private static Set<String> committedFiles(Table table) throws Exception {
        Set<String> files = new HashSet<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(task -> files.add(new Path(task.file().location()).toUri().getPath()));
        }
        return files;
    }

    private static Set<String> dataFilesOnHdfs(Table table) throws Exception {
        Set<String> files = new HashSet<>();
        FileSystem fs = FileSystem.get(URI.create(table.location()), new Configuration());
        RemoteIterator<LocatedFileStatus> listing = fs.listFiles(new Path(table.location(), "data"), true);
        while (listing.hasNext()) {
            files.add(listing.next().getPath().toUri().getPath());
        }
        return files;
    }

    private static int sizeOf(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }
}
