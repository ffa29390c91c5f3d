package io.dataflux.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import io.dataflux.component.hdfs.KeepOpenOutputStream;
import io.dataflux.component.hdfs.StreamOutputFile;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rewriting half of {@link ArchiveCompaction}: writes one group of small files of a kind into one new file and
 * commits it by write-then-rename, with a plan file listing the replaced files first, so that a compaction that died
 * half-way is finished by the next run ({@link #finishInterrupted}).
 */
final class FileGroupRewriter {

    private static final Logger LOG = LoggerFactory.getLogger(FileGroupRewriter.class);
    private static final String PLAN_PREFIX = "_compact-";
    private static final String PLAN_SUFFIX = ".plan";
    /** Parquet buffers a row group in memory: bounded well inside a 512 MB heap. */
    private static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;

    private final FileSystem fs;

    FileGroupRewriter(FileSystem fs) {
        this.fs = fs;
    }

    /** Writes the group's rows into one new file, commits it, deletes the group; returns the rows written. */
    long rewrite(Path dir, String kind, List<FileStatus> group) throws IOException {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String name = "part-compacted-" + id + kind;
        // not the archive writers' in-progress names (_*.opened): their recovery never takes this file
        Path inProgress = new Path(dir, writingName(name));
        Path target = new Path(dir, name);
        Path plan = new Path(dir, PLAN_PREFIX + id + PLAN_SUFFIX);
        long rows;
        try (FSDataOutputStream out = fs.create(plan, false)) {
            StringBuilder text = new StringBuilder(name).append('\n');
            group.forEach(file -> text.append(file.getPath().getName()).append('\n'));
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            out.hsync();
        }
        try (FSDataOutputStream out = fs.create(inProgress, false)) {
            rows = kind.endsWith(".parquet") ? copyParquet(group, out, inProgress.getName())
                    : kind.endsWith(".avro") ? copyAvro(group, out) : concatenate(group, out, kind.equals(".jsonl"));
            out.hsync();
        }
        long written = kind.endsWith(".parquet") ? parquetRows(inProgress) : rows;
        if (written != rows) {
            throw new IOException("compaction: " + inProgress + " holds " + written + " rows, " + rows + " were written");
        }
        if (!fs.rename(inProgress, target)) {
            throw new IOException("compaction: renaming " + inProgress + " to " + target + " was refused");
        }
        for (FileStatus file : group) {
            fs.delete(file.getPath(), false);
        }
        fs.delete(plan, false);
        LOG.info("compaction: {} files ({} rows) of {} became {}", group.size(), rows, dir, target.getName());
        return rows;
    }

    /** A plan left by a compaction that died: deletes the files it replaced if its new file was committed, else that file. */
    void finishInterrupted(List<FileStatus> files) throws IOException {
        for (FileStatus file : files) {
            String name = file.getPath().getName();
            if (!name.startsWith(PLAN_PREFIX) || !name.endsWith(PLAN_SUFFIX)) {
                continue;
            }
            Path dir = file.getPath().getParent();
            List<String> lines;
            try (InputStream in = fs.open(file.getPath())) {
                lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
            if (!lines.isEmpty() && fs.exists(new Path(dir, lines.get(0)))) {
                for (String replaced : lines.subList(1, lines.size())) {
                    fs.delete(new Path(dir, replaced), false);
                }
                LOG.info("compaction: finished the interrupted compaction into {}", lines.get(0));
            } else if (!lines.isEmpty()) {
                fs.delete(new Path(dir, writingName(lines.get(0))), false);
                LOG.info("compaction: removed the unfinished {} of an interrupted compaction", lines.get(0));
            }
            fs.delete(file.getPath(), false);
        }
    }

    /** JSON lines: the files' bytes one after the other; returns the lines (uncompressed files) or 0 (not counted). */
    private long concatenate(List<FileStatus> group, OutputStream out, boolean countLines) throws IOException {
        long lines = 0;
        byte[] buffer = new byte[64 * 1024];
        for (FileStatus file : group) {
            // committed JSON-lines files end with their delimiter; compressed ones are whole streams, which concatenate
            try (InputStream in = fs.open(file.getPath())) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    for (int i = 0; countLines && i < n; i++) {
                        lines += buffer[i] == '\n' ? 1 : 0;
                    }
                }
            }
        }
        return lines;
    }

    private long copyAvro(List<FileStatus> group, OutputStream out) throws IOException {
        long rows = 0;
        DataFileWriter<GenericRecord> writer = null;
        try {
            for (FileStatus file : group) {
                try (DataFileReader<GenericRecord> reader = new DataFileReader<>(new AvroInput(fs, file),
                        new GenericDatumReader<>())) {
                    if (writer == null) {
                        writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(reader.getSchema()));
                        String codec = reader.getMetaString("avro.codec");
                        writer.setCodec(CodecFactory.fromString(codec == null ? "null" : codec));
                        writer.create(reader.getSchema(), new KeepOpenOutputStream(out));
                    }
                    for (GenericRecord record : reader) {
                        writer.append(record);
                        rows++;
                    }
                }
            }
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        return rows;
    }

    private long copyParquet(List<FileStatus> group, FSDataOutputStream out, String name) throws IOException {
        long rows = 0;
        CompressionCodecName codec;
        org.apache.avro.Schema schema;
        try (ParquetFileReader first = ParquetFileReader.open(new ParquetInput(fs, group.get(0)))) {
            codec = first.getFooter().getBlocks().isEmpty() ? CompressionCodecName.UNCOMPRESSED
                    : first.getFooter().getBlocks().get(0).getColumns().get(0).getCodec();
        }
        try (ParquetReader<GenericRecord> probe = reader(group.get(0))) {
            GenericRecord record = probe.read();
            schema = record == null ? null : record.getSchema();
        }
        if (schema == null) {
            throw new IOException("compaction: " + group.get(0).getPath() + " holds no rows to take a schema from");
        }
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(out, name))
                .withSchema(schema).withDataModel(new GenericData()).withConf(writeConf()).withCompressionCodec(codec)
                .withRowGroupSize(ROW_GROUP_BYTES).withWriteMode(ParquetFileWriter.Mode.CREATE).build()) {
            for (FileStatus file : group) {
                try (ParquetReader<GenericRecord> reader = reader(file)) {
                    GenericRecord record;
                    while ((record = reader.read()) != null) {
                        writer.write(record);
                        rows++;
                    }
                }
            }
        }
        return rows;
    }

    /** The lists as the archive writes them: the three-level LIST group. */
    private org.apache.hadoop.conf.Configuration writeConf() {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(fs.getConf());
        conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
        return conf;
    }

    private ParquetReader<GenericRecord> reader(FileStatus file) throws IOException {
        // plain GenericData: values as stored, so that they are written back unchanged
        return AvroParquetReader.<GenericRecord>builder(new ParquetInput(fs, file)).withDataModel(new GenericData())
                .withConf(fs.getConf()).build();
    }

    private long parquetRows(Path path) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new ParquetInput(fs, fs.getFileStatus(path)))) {
            return reader.getRecordCount();
        }
    }

    private static String writingName(String name) {
        return "_" + name + ".compacting";
    }

    private record ParquetInput(FileSystem fs, FileStatus file) implements InputFile {
        @Override
        public long getLength() {
            return file.getLen();
        }

        @Override
        public SeekableInputStream newStream() throws IOException {
            return HadoopStreams.wrap(fs.open(file.getPath()));
        }
    }

    /** Avro's random access over an HDFS file. */
    private static final class AvroInput implements SeekableInput {
        private final FSDataInputStream in;
        private final long length;

        AvroInput(FileSystem fs, FileStatus file) throws IOException {
            this.in = fs.open(file.getPath());
            this.length = file.getLen();
        }

        @Override
        public void seek(long position) throws IOException {
            in.seek(position);
        }

        @Override
        public long tell() throws IOException {
            return in.getPos();
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
