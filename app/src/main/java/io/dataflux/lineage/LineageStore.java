package io.dataflux.lineage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lineage tables (db/migration V3): one multi-row insert per batch (Kafka) and per archive aggregate (archive),
 * and the purge of rows older than the retention. Bound parameters only.
 */
public final class LineageStore {

    private static final Logger LOG = LoggerFactory.getLogger(LineageStore.class);
    private static final String INSERT_KAFKA = "INSERT INTO lineage_kafka (post_id, version_key, source_id, source_key,"
            + " topic, kafka_partition, kafka_offset) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ARCHIVE = "INSERT INTO lineage_archive (source_key, path, line) VALUES (?, ?, ?)";
    /** Purged in slices, so that a large purge never holds many locks or one long transaction. */
    private static final int PURGE_SLICE = 10_000;

    private DataSource dataSource;
    private int retentionDays = 7;

    /** Where a version of a post went in Kafka. */
    public record KafkaRow(String postId, String versionKey, String sourceId, String sourceKey, String topic,
                           int partition, long offset) {
    }

    /** Where a record went in the archive: the file and the line's index in it (from 0). */
    public record ArchiveRow(String sourceKey, String path, long line) {
    }

    public void insertKafka(List<KafkaRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(INSERT_KAFKA)) {
            for (KafkaRow row : rows) {
                insert.setString(1, row.postId());
                insert.setString(2, row.versionKey());
                insert.setString(3, row.sourceId());
                insert.setString(4, row.sourceKey());
                insert.setString(5, row.topic());
                insert.setInt(6, row.partition());
                insert.setLong(7, row.offset());
                insert.addBatch();
            }
            // rewriteBatchedStatements=true (dataflux.mysql.url) sends the batch as one multi-row INSERT
            insert.executeBatch();
        }
    }

    public void insertArchive(List<ArchiveRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(INSERT_ARCHIVE)) {
            for (ArchiveRow row : rows) {
                insert.setString(1, row.sourceKey());
                insert.setString(2, row.path());
                insert.setLong(3, row.line());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Deletes the rows recorded before the retention; returns how many. */
    public long purge() throws SQLException {
        Timestamp cutoff = Timestamp.from(Instant.now().minus(Duration.ofDays(retentionDays)));
        long deleted = purge("lineage_kafka", cutoff) + purge("lineage_archive", cutoff);
        if (deleted > 0) {
            LOG.info("lineage: purged {} row(s) recorded before {} ({} days)", deleted, cutoff.toInstant(), retentionDays);
        }
        return deleted;
    }

    private long purge(String table, Timestamp cutoff) throws SQLException {
        long deleted = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM " + table + " WHERE recorded_at < ? LIMIT " + PURGE_SLICE)) {
            delete.setTimestamp(1, cutoff);
            int slice;
            do {
                slice = delete.executeUpdate();
                deleted += slice;
            } while (slice == PURGE_SLICE);
        }
        return deleted;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public int getRetentionDays() {
        return retentionDays;
    }

    /** How long lineage is kept (dataflux.lineage.retention-days). */
    public void setRetentionDays(int retentionDays) {
        this.retentionDays = retentionDays;
    }
}
