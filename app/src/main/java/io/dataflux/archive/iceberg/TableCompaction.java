package io.dataflux.archive.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the small files of the table's closed partitions (days before today, which no aggregate appends to any
 * more) into files of about the target size, one rewrite commit per day: a reader sees the partition's old files or
 * its new ones, never a mix, and a scan of an older snapshot still reads the old files until they expire. The commit
 * checks that none of the files it replaces was removed meanwhile (another compaction): then it fails and changes
 * nothing.
 */
public final class TableCompaction {

    /** The snapshot summary property marking a compaction's commit. */
    public static final String OPERATION = "dataflux.operation";

    private static final Logger LOG = LoggerFactory.getLogger(TableCompaction.class);

    /** A file this much smaller than the target counts as small. */
    private static final double SMALL_FRACTION = 0.75;

    private final Table table;
    private final long targetFileSize;

    public TableCompaction(Table table, long targetFileSize) {
        this.table = table;
        this.targetFileSize = targetFileSize;
    }

    /** What one day's compaction did. */
    public record Result(LocalDate day, int filesBefore, int filesAfter, long records) {
    }

    /** Compacts every day before {@code today} that has at least two small files. */
    public List<Result> compactClosedDays(LocalDate today) {
        table.refresh();
        Snapshot snapshot = table.currentSnapshot();
        if (snapshot == null) {
            return List.of();
        }
        Map<LocalDate, List<DataFile>> smallFilesByDay = new TreeMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile file = task.file();
                LocalDate day = dayOf(file.partition());
                if (day != null && day.isBefore(today) && file.fileSizeInBytes() < targetFileSize * SMALL_FRACTION) {
                    smallFilesByDay.computeIfAbsent(day, d -> new ArrayList<>()).add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot plan the files of " + table.name(), e);
        }
        List<Result> results = new ArrayList<>();
        for (Map.Entry<LocalDate, List<DataFile>> day : smallFilesByDay.entrySet()) {
            if (day.getValue().size() > 1) {
                results.add(compact(day.getKey(), day.getValue(), snapshot.snapshotId()));
            }
        }
        return results;
    }

    private Result compact(LocalDate day, List<DataFile> smallFiles, long baseSnapshotId) {
        Schema schema = table.schema();
        StructLike partition = smallFiles.get(0).partition();
        List<DataFile> written = new ArrayList<>();
        long records = 0;
        DataWriter<Record> writer = null;
        try {
            for (DataFile file : smallFiles) {
                try (CloseableIterable<Record> rows = Parquet.read(table.io().newInputFile(file.location()))
                        .project(schema)
                        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
                        .build()) {
                    for (Record row : rows) {
                        if (writer == null) {
                            writer = newWriter(partition);
                        }
                        writer.write(row);
                        records++;
                        if (writer.length() >= targetFileSize) {
                            writer.close();
                            written.add(writer.toDataFile());
                            writer = null;
                        }
                    }
                }
            }
            if (writer != null) {
                writer.close();
                written.add(writer.toDataFile());
                writer = null;
            }
            RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(baseSnapshotId);
            smallFiles.forEach(rewrite::deleteFile);
            written.forEach(rewrite::addFile);
            rewrite.set(OPERATION, "compaction");
            rewrite.commit();
        } catch (IOException | RuntimeException e) {
            closeQuietly(writer);
            written.forEach(file -> table.io().deleteFile(file.location()));
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot compact " + table.name() + " day " + day, io);
            }
            throw (RuntimeException) e;
        }
        LOG.info("compacted {} day {}: {} files into {}, {} records", table.name(), day, smallFiles.size(),
                written.size(), records);
        return new Result(day, smallFiles.size(), written.size(), records);
    }

    private DataWriter<Record> newWriter(StructLike partition) throws IOException {
        String location = table.locationProvider().newDataLocation(table.spec(), partition,
                FileFormat.PARQUET.addExtension("compacted-" + UUID.randomUUID()));
        return Parquet.writeData(table.io().newOutputFile(location))
                .forTable(table)
                .withPartition(partition)
                .createWriterFunc(GenericParquetWriter::create)
                .overwrite()
                .build();
    }

    /** The day a file's partition holds (the day transform stores days since the epoch), or null if unpartitioned. */
    private LocalDate dayOf(StructLike partition) {
        if (partition.size() == 0) {
            return null;
        }
        Integer days = partition.get(0, Integer.class);
        return days == null ? null : LocalDate.ofEpochDay(days);
    }

    private static void closeQuietly(DataWriter<Record> writer) {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException | RuntimeException ignored) {
                // the compaction failed already; its half-written file is deleted or swept as an orphan
            }
        }
    }
}
