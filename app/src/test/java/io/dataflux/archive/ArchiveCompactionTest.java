package io.dataflux.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dataflux.cli.DataFluxCli;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dataflux compact on the MiniDFSCluster: the small files of closed partitions, written by the hdfs component, become a
 * few files with the same rows; today's partition and files in progress are left alone; a compaction interrupted
 * after its rename is finished by the next run.
 */
@RealServers(ServerKind.HDFS)
class ArchiveCompactionTest {

    private static final LocalDate TODAY = LocalDate.parse("2026-12-01");
    private static FileSystem fs;
    private static CamelContext camel;

    @BeforeAll
    static void start() throws Exception {
        fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), TestServers.hdfs().configuration());
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stop() throws IOException {
        camel.stop();
        fs.close();
    }

    @Test
    void twoHundredSmallParquetFilesOfAClosedDayBecomeOneWithTheSameRowsAndTodayIsLeftAlone() throws Exception {
        String archive = "/compaction/" + UUID.randomUUID();
        write(archive, "dt=2026-11-30/hour=10", "parquet", 200, 3);
        write(archive, "dt=2026-12-01/hour=00", "parquet", 3, 3);
        Path closed = new Path(archive + "/dt=2026-11-30/hour=10");
        Path open = new Path(archive + "/dt=2026-12-01/hour=00");
        // a file a writer still has open in the closed day (it is committed by its writer or recovery, never compacted)
        try (FSDataOutputStream inProgress = fs.create(new Path(closed, "_part-late-20261130T235959-00001.parquet.opened"))) {
            inProgress.write("PAR1".getBytes(StandardCharsets.UTF_8));
        }
        List<String> before = rows(committed(closed));
        List<FileStatus> todayBefore = committed(open);
        assertThat(before).hasSize(600);

        List<ArchiveCompaction.Result> results = new ArchiveCompaction(fs, 128L * 1024 * 1024, false)
                .compactBefore(new Path(archive), TODAY);

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.filesBefore()).isEqualTo(200);
            assertThat(result.filesAfter()).isEqualTo(1);
            assertThat(result.rows()).isEqualTo(600);
        });
        assertThat(committed(closed)).singleElement().satisfies(file -> assertThat(file.getPath().getName())
                .startsWith("part-compacted-").endsWith(".parquet"));
        assertThat(rows(committed(closed))).containsExactlyElementsOf(before);
        assertThat(names(closed)).as("nothing of the compaction left, the writer's file untouched")
                .containsExactlyInAnyOrder(committed(closed).get(0).getPath().getName(),
                        "_part-late-20261130T235959-00001.parquet.opened");
        assertThat(committed(open)).as("today is not compacted").isEqualTo(todayBefore);
    }

    @Test
    void aSmallerTargetGivesSeveralFilesAndAvroAndJsonLinesKeepTheirRows() throws Exception {
        String archive = "/compaction/" + UUID.randomUUID();
        write(archive, "dt=2026-11-29", "avro", 30, 5);
        write(archive, "dt=2026-11-29", "jsonl", 30, 5);
        Path day = new Path(archive + "/dt=2026-11-29");
        List<FileStatus> avro = committed(day).stream().filter(f -> f.getPath().getName().endsWith(".avro")).toList();
        long avroBytes = avro.stream().mapToLong(FileStatus::getLen).sum();
        List<String> avroBefore = rows(avro);
        List<String> linesBefore = lines(day);

        new ArchiveCompaction(fs, avroBytes / 3 + 1, false).compactBefore(new Path(archive), TODAY);

        List<FileStatus> avroAfter = committed(day).stream().filter(f -> f.getPath().getName().endsWith(".avro")).toList();
        assertThat(avroAfter).hasSizeBetween(3, 4);
        assertThat(rows(avroAfter)).containsExactlyInAnyOrderElementsOf(avroBefore);
        assertThat(lines(day)).containsExactlyInAnyOrderElementsOf(linesBefore).hasSize(150);
        assertThat(committed(day).stream().filter(f -> f.getPath().getName().endsWith(".jsonl")).count())
                .isLessThan(30);
    }

    @Test
    void aCompactionInterruptedAfterItsRenameIsFinishedByTheNextRun() throws Exception {
        String archive = "/compaction/" + UUID.randomUUID();
        Path day = new Path(archive + "/dt=2026-11-28");
        fs.mkdirs(day);
        write(fs, new Path(day, "part-a-1.jsonl"), "{\"id\":\"1\"}\n");
        write(fs, new Path(day, "part-a-2.jsonl"), "{\"id\":\"2\"}\n");
        // it had committed its new file and deleted one of the two it replaces
        write(fs, new Path(day, "part-compacted-dead.jsonl"), "{\"id\":\"0\"}\n{\"id\":\"1\"}\n");
        write(fs, new Path(day, "_compact-dead.plan"), "part-compacted-dead.jsonl\npart-a-0.jsonl\npart-a-1.jsonl\n");

        new ArchiveCompaction(fs, 128L * 1024 * 1024, false).compactBefore(new Path(archive), TODAY);

        assertThat(lines(day)).containsExactlyInAnyOrder("{\"id\":\"0\"}", "{\"id\":\"1\"}", "{\"id\":\"2\"}");
        assertThat(names(day)).noneMatch(name -> name.startsWith("_"));
    }

    @Test
    void theCompactCommandCompactsTheArchiveOfTheConfiguration() throws Exception {
        String archive = "/compaction/" + UUID.randomUUID();
        write(archive, "dt=2026-11-30/hour=10", "parquet", 5, 2);
        List<String> arguments = new ArrayList<>(List.of("compact", "--before", "2026-12-01"));
        TestServers.camelProperties(ServerKind.HDFS).forEach((key, value) -> arguments.addAll(List.of("--set", key + "=" + value)));
        arguments.addAll(List.of("--set", "dataflux.archive.dir=" + archive,
                "--set", "camel.main.java-routes-exclude-pattern=**/*Test*"));
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exitCode;
        try {
            exitCode = DataFluxCli.execute(arguments.toArray(String[]::new));
        } finally {
            System.setOut(out);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("5 files became 1 (10 rows)");
        assertThat(exitCode).isZero();
        assertThat(committed(new Path(archive + "/dt=2026-11-30/hour=10"))).hasSize(1);
    }

    /** Files as the archive writes them: the hdfs component, one exchange per file (jsonl: rolled at each exchange). */
    private static void write(String archive, String partition, String format, int files, int rowsPerFile) throws Exception {
        String uri = TestServers.hdfs().uri() + archive + "?instanceId=writer&partition=" + partition + "&fileFormat=" + format
                + ("jsonl".equals(format) ? "&rollCount=" + rowsPerFile : "&compressionCodec=SNAPPY");
        Producer producer = camel.getEndpoint(uri).createProducer();
        ServiceHelper.startService(producer);
        try {
            for (int file = 0; file < files; file++) {
                List<Object> body = new ArrayList<>();
                for (int row = 0; row < rowsPerFile; row++) {
                    Map<String, Object> post = new LinkedHashMap<>();
                    post.put("id", partition + "/" + file + "/" + row);
                    post.put("body", "👩‍👩‍👧 שלום 家族 " + file);
                    post.put("created_at", "2026-11-30T10:00:00Z");
                    post.put("word_count", 4);
                    post.put("content_hash", "00");
                    byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(post);
                    body.add("jsonl".equals(format) ? json : PostRecords.ofJson(json, Instant.parse("2026-11-30T10:00:00Z")));
                }
                Exchange exchange = new DefaultExchange(camel);
                exchange.getMessage().setBody(body);
                producer.process(exchange);
            }
        } finally {
            ServiceHelper.stopService(producer);
        }
    }

    private static void write(FileSystem fs, Path path, String text) throws IOException {
        try (FSDataOutputStream out = fs.create(path)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<FileStatus> committed(Path dir) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus file : fs.listStatus(dir)) {
            if (!file.getPath().getName().startsWith("_")) {
                files.add(file);
            }
        }
        files.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        return files;
    }

    private static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        for (FileStatus file : fs.listStatus(dir)) {
            names.add(file.getPath().getName());
        }
        return names;
    }

    /** Every row of the files, in file order, as Avro renders it. */
    private static List<String> rows(List<FileStatus> files) throws IOException {
        List<String> rows = new ArrayList<>();
        for (FileStatus file : files) {
            String name = file.getPath().getName();
            if (name.endsWith(".parquet")) {
                try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
                        HadoopInputFile.fromPath(fs.makeQualified(file.getPath()), fs.getConf()))
                        .withDataModel(new GenericData()).build()) {
                    GenericRecord record;
                    while ((record = reader.read()) != null) {
                        rows.add(record.toString());
                    }
                }
            } else {
                byte[] bytes;
                try (InputStream in = fs.open(file.getPath())) {
                    bytes = in.readAllBytes();
                }
                try (var reader = new org.apache.avro.file.DataFileReader<GenericRecord>(
                        new org.apache.avro.file.SeekableByteArrayInput(bytes),
                        new org.apache.avro.generic.GenericDatumReader<>())) {
                    reader.forEach(record -> rows.add(record.toString()));
                }
            }
        }
        return rows;
    }

    private static List<String> lines(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (FileStatus file : committed(dir)) {
            if (file.getPath().getName().endsWith(".jsonl")) {
                try (InputStream in = fs.open(file.getPath())) {
                    lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
                }
            }
        }
        return lines;
    }
}
