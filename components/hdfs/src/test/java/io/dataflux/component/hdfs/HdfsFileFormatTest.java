package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.dataflux.testing.TestServers;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * fileFormat=AVRO and PARQUET: a whole file per exchange, committed before the exchange completes, read back with the
 * formats' own readers; a killed writer's unfinished file is removed by recovery, never committed.
 */
class HdfsFileFormatTest extends HdfsTestSupport {

    static final String UNICODE = "👨‍👩‍👧‍👦 家族 🏳️‍🌈 שלום עולם مرحبا — 日本語のテキスト";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"PARQUET,NONE", "PARQUET,SNAPPY", "PARQUET,ZSTANDARD", "PARQUET,GZIP",
            "AVRO,NONE", "AVRO,SNAPPY", "AVRO,ZSTANDARD", "AVRO,GZIP"})
    void eachExchangeBecomesOneCommittedFileThatTheFormatsReaderReads(FileFormat format, HdfsCompressionCodec codec)
            throws Exception {
        Producer producer = startedProducer(hdfs("", "fileFormat=" + format.name().toLowerCase()
                + "&compressionCodec=" + codec + "&instanceId=formats&partition=dt=2026-11-30"));
        List<GenericRecord> first = posts(0, 300);
        List<GenericRecord> second = posts(300, 5);

        Exchange exchange = write(producer, first);
        assertThat(exchange.getMessage().getHeader(HdfsConstants.ROLL_REASON)).isEqualTo(RollReason.WHOLE_FILE);
        // committed before the exchange completed: nothing is left in progress
        assertThat(names(base + "/dt=2026-11-30")).singleElement().asString()
                .matches("part-formats-.*-00001\\" + format.extension());
        write(producer, second);
        ServiceHelper.stopService(producer);

        List<String> files = names(base + "/dt=2026-11-30");
        assertThat(files).hasSize(2).allMatch(name -> name.endsWith(format.extension()));
        List<GenericRecord> expected = new ArrayList<>(first);
        expected.addAll(second);
        List<GenericRecord> read = new ArrayList<>();
        for (String name : files) {
            read.addAll(readBack(format, new Path(base + "/dt=2026-11-30/" + name)));
        }
        assertThat(read).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            // the readers give Utf8 for strings: compare through Avro's own JSON rendering of each record
            assertThat(read.get(i).toString()).isEqualTo(expected.get(i).toString());
        }
        assertThat(read.get(0).get("body").toString()).isEqualTo(UNICODE + " 0");
        if (format == FileFormat.PARQUET) {
            try (ParquetFileReader parquet = ParquetFileReader.open(HadoopInputFile.fromPath(
                    new Path(base + "/dt=2026-11-30/" + files.get(0)), reader.getConf()))) {
                assertThat(parquet.getFooter().getBlocks().get(0).getColumns().get(0).getCodec().name())
                        .isEqualTo(codec == HdfsCompressionCodec.NONE ? "UNCOMPRESSED"
                                : codec == HdfsCompressionCodec.ZSTANDARD ? "ZSTD" : codec.name());
                assertThat(parquet.getFileMetaData().getSchema().getType("created_at").toString())
                        .contains("TIMESTAMP(MICROS,true)");
                assertThat(parquet.getFileMetaData().getSchema().getType("hashtags").toString())
                        .as("the three-level list every engine reads").contains("repeated group list").contains("element");
            }
        }
    }

    @Test
    void aBodyOfOtherThanAvroRecordsFailsTheExchangeAndLeavesNoFile() throws Exception {
        Producer producer = startedProducer(hdfs("", "fileFormat=PARQUET&instanceId=bad"));
        List<Object> mixed = new ArrayList<>(posts(0, 2));
        mixed.add("{\"id\":\"a JSON line\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> producer.process(withBody(mixed)))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("record 2").hasMessageContaining("not an Avro record");
        assertThat(names(base)).isEmpty();
        ServiceHelper.stopService(producer);
    }

    @Test
    void appendAndCodecsTheFormatLacksFailAtStart() {
        assertThatThrownBy(() -> startedProducer(hdfs("", "fileFormat=PARQUET&append=true")))
                .hasMessageContaining("APPEND");
        assertThatThrownBy(() -> startedProducer(hdfs("", "fileFormat=AVRO&compressionCodec=LZ4")))
                .hasMessageContaining("LZ4");
        assertThatThrownBy(() -> startedProducer(hdfs("", "fileFormat=PARQUET&compressionCodec=BZIP2")))
                .hasMessageContaining("BZIP2");
    }

    @Test
    void recoveryRemovesTheUnfinishedAvroAndParquetFilesOfAKilledWriterAndKeepsItsJsonLines() throws Exception {
        Path dir = new Path(base, "dt=2026-11-30");
        Path parquet = new Path(dir, "_part-killed-20261130T000000-00001.parquet.opened");
        Path avro = new Path(dir, "_part-killed-20261130T000000-00002.avro.opened");
        Path jsonl = new Path(dir, "_part-killed-20261130T000000-00003.jsonl.opened");
        FileSystem killed = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), TestServers.hdfs().configuration());
        // the beginnings of whole files, no footer: what a writer killed in the middle of a file leaves
        byte[] wholeParquet = parquetBytes(posts(0, 50));
        FSDataOutputStream out = killed.create(parquet, (short) 1);
        out.write(wholeParquet, 0, wholeParquet.length - 100);
        out.hsync();
        out = killed.create(avro, (short) 1);
        out.write(new byte[] {'O', 'b', 'j', 1, 0, 0, 0, 0});
        out.hsync();
        out = killed.create(jsonl, (short) 1);
        out.write("{\"id\":\"a\"}\n".getBytes(StandardCharsets.UTF_8));
        out.hsync();
        ((DistributedFileSystem) killed).getClient().closeAllFilesBeingWritten(true);

        Producer producer = startedProducer(hdfs("", "fileFormat=PARQUET&instanceId=killed&leaseRecoveryTimeout=60s"));
        try {
            assertThat(names(dir.toString())).containsExactly("part-killed-20261130T000000-00003.jsonl");
            assertThat(((HdfsEndpoint) context.getEndpoint(hdfs("", "fileFormat=PARQUET&instanceId=killed"
                    + "&leaseRecoveryTimeout=60s"))).getMetrics().getDiscarded()).isEqualTo(2);
        } finally {
            ServiceHelper.stopService(producer);
            killed.close();
        }
    }

    /** A post-like schema of the component's own: nullable fields, a timestamp, a list, a nested record, Unicode. */
    static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Post", "namespace": "io.dataflux.component.hdfs.test", "fields": [
              {"name": "id", "type": "string"},
              {"name": "thread_id", "type": ["null", "string"], "default": null},
              {"name": "body", "type": ["null", "string"], "default": null},
              {"name": "created_at", "type": ["null", {"type": "long", "logicalType": "timestamp-micros",
                "adjust-to-utc": true}], "default": null},
              {"name": "hashtags", "type": {"type": "array", "items": "string"}, "default": []},
              {"name": "word_count", "type": "int"},
              {"name": "author", "default": null, "type": ["null", {"type": "record", "name": "Author", "fields": [
                {"name": "display_name", "type": ["null", "string"], "default": null},
                {"name": "reputation", "type": ["null", "long"], "default": null}]}]}
            ]}""");

    static List<GenericRecord> posts(int from, int count) {
        Schema authorSchema = SCHEMA.getField("author").schema().getTypes().get(1);
        List<GenericRecord> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            GenericRecord author = i % 2 == 0 ? null : new GenericRecordBuilder(authorSchema)
                    .set("display_name", "Zoë 🧑‍💻").set("reputation", 12L).build();
            Instant created = Instant.parse("2026-11-30T10:00:00.123456Z").plusSeconds(i);
            records.add(new GenericRecordBuilder(SCHEMA)
                    .set("id", "post-" + i)
                    .set("thread_id", i % 3 == 0 ? null : "thread-" + (i % 7))
                    .set("body", UNICODE + " " + i)
                    .set("created_at", created.getEpochSecond() * 1_000_000 + created.getNano() / 1_000)
                    .set("hashtags", List.of("家族", "tag" + i))
                    .set("word_count", 9)
                    .set("author", author)
                    .build());
        }
        return records;
    }

    /** A whole Parquet file's bytes, written by the component elsewhere. */
    private byte[] parquetBytes(List<GenericRecord> records) throws Exception {
        Producer producer = startedProducer(hdfs("-scratch", "fileFormat=PARQUET&instanceId=scratch"));
        write(producer, records);
        ServiceHelper.stopService(producer);
        String name = names(base + "-scratch").get(0);
        try (var in = reader.open(new Path(base + "-scratch/" + name))) {
            return in.readAllBytes();
        }
    }

    private Exchange write(Producer producer, List<GenericRecord> records) throws Exception {
        Exchange exchange = withBody(records);
        producer.process(exchange);
        return exchange;
    }

    private Exchange withBody(Object body) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    /** The records of a file; timestamps as the written longs (parquet-avro's default model makes them Instants). */
    static List<GenericRecord> readBack(FileFormat format, Path path) throws IOException {
        List<GenericRecord> records = new ArrayList<>();
        if (format == FileFormat.PARQUET) {
            try (ParquetReader<GenericRecord> parquet = AvroParquetReader.<GenericRecord>builder(
                    HadoopInputFile.fromPath(path, reader.getConf())).withDataModel(new GenericData()).build()) {
                GenericRecord record;
                while ((record = parquet.read()) != null) {
                    records.add(record);
                }
            }
        } else {
            byte[] bytes;
            try (var in = reader.open(path)) {
                bytes = in.readAllBytes();
            }
            try (DataFileReader<GenericRecord> avro = new DataFileReader<>(new SeekableByteArrayInput(bytes),
                    new GenericDatumReader<>())) {
                avro.forEach(records::add);
            }
        }
        return records;
    }
}
