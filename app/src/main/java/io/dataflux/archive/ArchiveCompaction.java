package io.dataflux.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
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
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the small files of the archive's closed partitions (directories under a {@code dt=yyyy-MM-dd} directory of
 * a day before the given one) into files of about a target size, per directory and per format (JSON lines, Avro,
 * Parquet), by write-then-rename: the new file is written under a hidden in-progress name, renamed to its final
 * name, then the files it replaces are deleted.
 * <p>
 * Not atomic for readers: between the rename and the last delete, a reader listing the directory sees the rows of the
 * files being replaced twice (never none). A plan file ({@code _compact-<id>.plan}) lists the replaced files before the
 * rename, so a compaction that died half-way is finished by the next one: its replaced files are deleted if its new
 * file was committed, or its unfinished new file is deleted if not.
 */
public final class ArchiveCompaction {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveCompaction.class);
    private static final Pattern DAY = Pattern.compile("dt=(\\d{4}-\\d{2}-\\d{2})");
    private static final String PLAN_PREFIX = "_compact-";
    private static final String PLAN_SUFFIX = ".plan";
    /** Parquet buffers a row group in memory: bounded well inside a 512 MB heap. */
    private static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;

    private final FileSystem fs;
    private final long targetBytes;
    private final boolean dryRun;

    /** What one directory's compaction did (or would do, in a dry run). */
    public record Result(Path directory, int filesBefore, int filesAfter, long rows) {
    }

    public ArchiveCompaction(FileSystem fs, long targetBytes, boolean dryRun) {
        this.fs = fs;
        this.targetBytes = targetBytes;
        this.dryRun = dryRun;
    }

    /** Compacts every directory under {@code archive} whose day is before {@code today}. */
    public List<Result> compactBefore(Path archive, LocalDate today) throws IOException {
        List<Result> results = new ArrayList<>();
        if (!fs.exists(archive)) {
            return results;
        }
        Map<Path, List<FileStatus>> byDirectory = new TreeMap<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(archive, true);
        while (files.hasNext()) {
            LocatedFileStatus file = files.next();
            LocalDate day = dayOf(file.getPath());
            if (day != null && day.isBefore(today)) {
                byDirectory.computeIfAbsent(file.getPath().getParent(), dir -> new ArrayList<>()).add(file);
            }
        }
        for (Map.Entry<Path, List<FileStatus>> directory : byDirectory.entrySet()) {
            finishInterrupted(directory.getValue());
            Result result = compactDirectory(directory.getKey(), committedFiles(directory.getKey()));
            if (result != null) {
                results.add(result);
            }
        }
        return results;
    }

    private Result compactDirectory(Path dir, List<FileStatus> files) throws IOException {
        Map<String, List<FileStatus>> byKind = new TreeMap<>();
        for (FileStatus file : files) {
            String kind = kindOf(file.getPath().getName());
            if (kind != null && file.getLen() < targetBytes) {
                byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(file);
            }
        }
        int before = 0;
        int after = 0;
        long rows = 0;
        for (Map.Entry<String, List<FileStatus>> kind : byKind.entrySet()) {
            for (List<FileStatus> group : groups(kind.getValue())) {
                before += group.size();
                after++;
                rows += dryRun ? 0 : rewrite(dir, kind.getKey(), group);
            }
        }
        return before == 0 ? null : new Result(dir, before, after, rows);
    }

    /** Files in name order, packed into groups of at most the target size; a group of one file is left alone. */
    private List<List<FileStatus>> groups(List<FileStatus> files) {
        files.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        List<List<FileStatus>> groups = new ArrayList<>();
        List<FileStatus> group = new ArrayList<>();
        long size = 0;
        for (FileStatus file : files) {
            if (!group.isEmpty() && size + file.getLen() > targetBytes) {
                groups.add(group);
                group = new ArrayList<>();
                size = 0;
            }
            group.add(file);
            size += file.getLen();
        }
        groups.add(group);
        groups.removeIf(g -> g.size() < 2);
        return groups;
    }

    /** Writes the group's rows into one new file, commits it, deletes the group; returns the rows written. */
    private long rewrite(Path dir, String kind, List<FileStatus> group) throws IOException {
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
    private void finishInterrupted(List<FileStatus> files) throws IOException {
        for (FileStatus file : files) {
            String name = file.getPath().getName();
            if (!name.startsWith(PLAN_PREFIX) || !name.endsWith(PLAN_SUFFIX) || dryRun) {
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
                        writer.create(reader.getSchema(), new KeepOpen(out));
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
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new ParquetOutput(out, name))
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

    private List<FileStatus> committedFiles(Path dir) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus file : fs.listStatus(dir)) {
            String name = file.getPath().getName();
            if (file.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                files.add(file);
            }
        }
        return files;
    }

    private static String writingName(String name) {
        return "_" + name + ".compacting";
    }

    /** The day of the nearest dt=yyyy-MM-dd directory above the file, or null. */
    static LocalDate dayOf(Path file) {
        for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
            Matcher day = DAY.matcher(dir.getName());
            if (day.matches()) {
                try {
                    return LocalDate.parse(day.group(1));
                } catch (DateTimeParseException notADay) {
                    return null;
                }
            }
        }
        return null;
    }

    /** What files combine: .parquet, .avro, and JSON lines with their codec's extension (.jsonl, .jsonl.gz, ...). */
    static String kindOf(String name) {
        if (name.endsWith(".parquet")) {
            return ".parquet";
        }
        if (name.endsWith(".avro")) {
            return ".avro";
        }
        int jsonl = name.lastIndexOf(".jsonl");
        return jsonl < 0 ? null : name.substring(jsonl);
    }

    /** The output stream, which a format's writer may close: the owner closes it after its sync. */
    private static final class KeepOpen extends java.io.FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
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

    private record ParquetOutput(FSDataOutputStream out, String name) implements OutputFile {
        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return HadoopStreams.wrap(new FSDataOutputStream(new KeepOpen(out), null, out.getPos()));
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        @Override
        public String getPath() {
            return name;
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
