package io.dataflux.cli;

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
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dataflux.archive.iceberg.IcebergSettings;
import io.dataflux.archive.iceberg.PostTable;
import io.dataflux.archive.iceberg.TableAppender;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.TestServers;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/** {@code dataflux compact-table} as an operator runs it: the small files of yesterday's partition become one. */
@RealServers({REDIS, MARIADB, KAFKA, HDFS})
class CompactTableCommandTest {

    @Test
    void compactTableRewritesTheSmallFilesOfClosedDays() throws Exception {
        String warehouse = TestServers.hdfs().uri() + "/iceberg-cli/" + UUID.randomUUID();
        IcebergSettings settings = new IcebergSettings(true, warehouse, "forum.posts", 20, Duration.ofHours(6),
                Duration.ofHours(1), 128L * 1024 * 1024);
        OffsetDateTime yesterday = OffsetDateTime.now(ZoneOffset.UTC).minusDays(1);
        try (HadoopCatalog catalog = PostTable.catalog(warehouse)) {
            Table table = PostTable.open(catalog, settings);
            TableAppender appender = new TableAppender(table, settings.snapshotRetention());
            for (int i = 0; i < 5; i++) {
                appender.append(List.of(archived(table, "p-" + i, yesterday)), null);
            }
        }

        Run run = cli("compact-table", "--set", "dataflux.iceberg.warehouse=" + warehouse);

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).contains(LocalDate.ofInstant(yesterday.toInstant(), ZoneOffset.UTC)
                + ": 5 files -> 1, 5 records");
        try (HadoopCatalog catalog = PostTable.catalog(warehouse);
             CloseableIterable<Record> rows = IcebergGenerics.read(PostTable.open(catalog, settings)).build()) {
            List<Object> ids = new ArrayList<>();
            rows.forEach(row -> ids.add(row.getField("id")));
            assertThat(ids).containsExactlyInAnyOrder("p-0", "p-1", "p-2", "p-3", "p-4");
        }
        assertThat(cli("compact-table", "--set", "dataflux.iceberg.warehouse=" + warehouse).output)
                .contains("no closed day has small files to compact");
    }

    private static TableAppender.ArchivedRecord archived(Table table, String id, OffsetDateTime ingestedAt) {
        Record record = GenericRecord.create(table.schema());
        record.setField("id", id);
        record.setField("body", "東京 🚀");
        record.setField("hashtags", List.of());
        record.setField("mentions", List.of());
        record.setField("links", List.of());
        record.setField("word_count", 2);
        record.setField("content_hash", "cd".repeat(32));
        record.setField("version_key", "1|" + id);
        record.setField("ingested_at", ingestedAt);
        return new TableAppender.ArchivedRecord(record, "1|" + id);
    }

    private record Run(int exitCode, String output) {
    }

    /** The command line with the test servers' settings, credentials in a --config file as an operator gives them. */
    private static Run cli(String... args) throws Exception {
        List<String> arguments = new ArrayList<>();
        arguments.add(args[0]);
        List<String> credentials = new ArrayList<>();
        for (Map.Entry<Object, Object> server : TestServers.camelProperties(REDIS, MARIADB, KAFKA, HDFS).entrySet()) {
            if (TestServers.isCredential(server.getKey().toString())) {
                credentials.add(server.getKey() + " = " + server.getValue());
            } else {
                arguments.addAll(List.of("--set", server.getKey() + "=" + server.getValue()));
            }
        }
        Path file = Files.createTempFile("dataflux-credentials-", ".properties");
        file.toFile().deleteOnExit();
        Files.write(file, credentials, StandardCharsets.ISO_8859_1);
        arguments.addAll(List.of("--config", file.toString()));
        arguments.addAll(List.of(args).subList(1, args.length));
        arguments.addAll(List.of("--set", "camel.main.java-routes-exclude-pattern=**/*Test*"));
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exitCode = DataFluxCli.execute(arguments.toArray(String[]::new));
            return new Run(exitCode, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
        }
    }
}
