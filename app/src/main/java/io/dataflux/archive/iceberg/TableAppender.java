package io.dataflux.archive.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits archive aggregates to the table exactly once. Each aggregate becomes one Parquet data file per day
 * partition, added by one append commit whose snapshot summary carries the aggregate's id ({@value #AGGREGATE_ID}): the
 * SHA-256 of its records' keys, sorted, so the same records give the same id in any order, on any replica, and the id's
 * size does not grow with the aggregate.
 * <p>
 * Before writing, the retained snapshots' summaries are searched for the id: an aggregate committed before (a retry
 * after the commit went through but the acknowledgement did not) is not committed again. An aggregate holding
 * redelivered entries may be grouped differently from the first time (entries are claimed in other batches after a
 * crash): its records whose version key the table already holds, among the rows ingested since those entries entered
 * Redis, are left out. A data file written but never committed (a crash in between) is invisible to readers and is deleted by
 * {@link TableMaintenance} once older than the orphan age.
 */
public final class TableAppender {

    /** The snapshot summary property naming the aggregate a commit holds. */
    public static final String AGGREGATE_ID = "dataflux.aggregate-id";
    /** The snapshot summary property with the number of records the commit added. */
    public static final String AGGREGATE_RECORDS = "dataflux.aggregate-records";

    private static final Logger LOG = LoggerFactory.getLogger(TableAppender.class);
    /** How far the clocks of Redis's host and DataFlux's may disagree. */
    private static final Duration CLOCK_MARGIN = Duration.ofMinutes(15);

    /**
     * One archived version: its record of the table's schema and its key, what identifies the same version on a
     * retry (the version key; the SHA-256 of the post's JSON when the version key is unknown).
     */
    public record ArchivedRecord(Record record, String key) {
    }

    /** What an append did. */
    public enum Outcome {
        /** The records are in a new snapshot. */
        COMMITTED,
        /** The table already held them (a retry, or a redelivery of committed records): nothing was written. */
        ALREADY_COMMITTED,
        /** Nothing to append. */
        EMPTY
    }

    private final Table table;
    private final Duration snapshotRetention;
    /** Runs between the data files' write and the commit: where a test puts its crash. */
    private final Runnable beforeCommit;

    public TableAppender(Table table, Duration snapshotRetention) {
        this(table, snapshotRetention, () -> { });
    }

    TableAppender(Table table, Duration snapshotRetention, Runnable beforeCommit) {
        this.table = table;
        this.snapshotRetention = snapshotRetention;
        this.beforeCommit = beforeCommit;
    }

    /**
     * Appends an aggregate's records unless the table has them already. Returns once the commit is durable; throws if
     * it cannot be made (the caller retries, or gives the entries back to Redis).
     *
     * @param redeliveredSince null when no entry of the aggregate was delivered before; else when the earliest of those
     *                         that were entered Redis ({@link Instant#EPOCH} if unknown): a commit that holds their
     *                         records was made after that, which bounds the search for them
     */
    public synchronized Outcome append(List<ArchivedRecord> records, Instant redeliveredSince) {
        if (records.isEmpty()) {
            return Outcome.EMPTY;
        }
        String aggregateId = aggregateId(records);
        table.refresh();
        if (committedBefore(aggregateId)) {
            LOG.info("aggregate {} ({} records) is already in {}: not committed again", aggregateId, records.size(),
                    table.name());
            return Outcome.ALREADY_COMMITTED;
        }
        List<ArchivedRecord> toWrite = redeliveredSince == null ? records
                : withoutCommittedVersions(records, redeliveredSince);
        if (toWrite.isEmpty()) {
            LOG.info("the {} redelivered records of aggregate {} are all in {} already", records.size(), aggregateId,
                    table.name());
            return Outcome.ALREADY_COMMITTED;
        }
        List<DataFile> files = write(toWrite, aggregateId);
        beforeCommit.run();
        commit(files, aggregateId, toWrite.size());
        return Outcome.COMMITTED;
    }

    /** The aggregate's id: SHA-256 (hex) over its records' keys, sorted. */
    static String aggregateId(List<ArchivedRecord> records) {
        List<String> keys = new ArrayList<>(records.size());
        records.forEach(record -> keys.add(record.key()));
        keys.sort(null);
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String key : keys) {
                digest.update(key.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JVM", e);
        }
    }

    private boolean committedBefore(String aggregateId) {
        for (Snapshot snapshot : table.snapshots()) {
            if (aggregateId.equals(snapshot.summary().get(AGGREGATE_ID))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The records whose version key is not among the rows the table ingested since the entries entered Redis (less a
     * margin for the hosts' clocks), within the snapshot retention: the day partitions and the files' ingested_at
     * bounds keep the scan to the files of that time.
     */
    private List<ArchivedRecord> withoutCommittedVersions(List<ArchivedRecord> records, Instant redeliveredSince) {
        Set<String> versionKeys = new HashSet<>();
        for (ArchivedRecord record : records) {
            Object versionKey = record.record().getField(PostTable.VERSION_KEY);
            if (versionKey != null) {
                versionKeys.add(versionKey.toString());
            }
        }
        if (versionKeys.isEmpty() || table.currentSnapshot() == null) {
            return records;
        }
        Instant from = redeliveredSince.minus(CLOCK_MARGIN);
        Instant retained = Instant.now().minus(snapshotRetention);
        long since = ChronoUnit.MICROS.between(Instant.EPOCH, from.isAfter(retained) ? from : retained);
        Set<String> committed = new HashSet<>();
        try (CloseableIterable<Record> found = IcebergGenerics.read(table)
                .where(Expressions.and(Expressions.in(PostTable.VERSION_KEY, versionKeys.toArray()),
                        Expressions.greaterThanOrEqual(PostTable.INGESTED_AT, since)))
                .select(PostTable.VERSION_KEY)
                .build()) {
            found.forEach(row -> committed.add(row.getField(PostTable.VERSION_KEY).toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + table.name() + " for committed versions", e);
        }
        List<ArchivedRecord> missing = new ArrayList<>();
        for (ArchivedRecord record : records) {
            Object versionKey = record.record().getField(PostTable.VERSION_KEY);
            if (versionKey == null || !committed.contains(versionKey.toString())) {
                missing.add(record);
            }
        }
        return missing;
    }

    /** One Parquet data file per day partition, named after the aggregate. */
    List<DataFile> write(List<ArchivedRecord> records, String aggregateId) {
        InternalRecordWrapper wrapper = new InternalRecordWrapper(table.schema().asStruct());
        PartitionKey key = new PartitionKey(table.spec(), table.schema());
        Map<PartitionKey, List<Record>> partitions = new LinkedHashMap<>();
        for (ArchivedRecord record : records) {
            key.partition(wrapper.wrap(record.record()));
            partitions.computeIfAbsent(key.copy(), k -> new ArrayList<>()).add(record.record());
        }
        List<DataFile> files = new ArrayList<>();
        try {
            for (Map.Entry<PartitionKey, List<Record>> partition : partitions.entrySet()) {
                files.add(writeFile(partition.getKey(), partition.getValue(),
                        aggregateId.substring(0, 16) + "-" + UUID.randomUUID()));
            }
        } catch (IOException | RuntimeException e) {
            delete(files);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return files;
    }

    private DataFile writeFile(PartitionKey partition, List<Record> records, String name) throws IOException {
        String location = table.locationProvider().newDataLocation(table.spec(), partition,
                FileFormat.PARQUET.addExtension(name));
        DataWriter<Record> writer = Parquet.writeData(table.io().newOutputFile(location))
                .forTable(table)
                .withPartition(partition)
                .createWriterFunc(GenericParquetWriter::create)
                .overwrite()
                .build();
        try (writer) {
            records.forEach(writer::write);
        }
        return writer.toDataFile();
    }

    private void commit(List<DataFile> files, String aggregateId, int records) {
        AppendFiles append = table.newAppend();
        files.forEach(append::appendFile);
        append.set(AGGREGATE_ID, aggregateId);
        append.set(AGGREGATE_RECORDS, String.valueOf(records));
        try {
            append.commit();
        } catch (CommitFailedException | ValidationException notCommitted) {
            // certainly not in the table: the files go now. Any other failure may have committed (e.g. the rename
            // went through but its answer was lost): those files stay for the next attempt's check and the orphan sweep
            delete(files);
            throw notCommitted;
        }
        LOG.debug("aggregate {} committed to {}: {} records in {} files", aggregateId, table.name(), records,
                files.size());
    }

    private void delete(List<DataFile> files) {
        for (DataFile file : files) {
            try {
                table.io().deleteFile(file.location());
            } catch (RuntimeException e) {
                LOG.warn("cannot delete {} (the orphan sweep will): {}", file.location(), e.getMessage());
            }
        }
    }
}
