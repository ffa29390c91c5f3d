package io.dataflux.lineage;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/**
 * Where one post went: its MySQL row, every version that reached Kafka (entry, partition, offset) with the archive
 * lines of the same entries, and its dead-letter rows (found by post id: a record refused before its id was read
 * is not among them). Read from the lineage tables, which keep dataflux.lineage.retention-days.
 */
public final class PostTrace {

    /** The stored row: posts.id and the version it holds. */
    public record StoredRow(String versionKey, String sourceId, Instant updatedAt) {
    }

    /** A version's Kafka record. */
    public record KafkaCopy(String versionKey, String sourceId, String sourceKey, String topic, int partition,
                            long offset, Instant recordedAt) {
    }

    /** An archived line of an entry. */
    public record ArchiveCopy(String sourceKey, String path, long line, Instant recordedAt) {
    }

    /** A dead-letter row with the post's id. */
    public record DeadLetter(long id, String sourceId, String reason, String detail, Instant failedAt,
                             String replayState, String replayEntry) {
    }

    private final String postId;
    private final StoredRow stored;
    private final List<KafkaCopy> kafka;
    private final List<ArchiveCopy> archive;
    private final List<DeadLetter> deadLetters;

    private PostTrace(String postId, StoredRow stored, List<KafkaCopy> kafka, List<ArchiveCopy> archive,
                      List<DeadLetter> deadLetters) {
        this.postId = postId;
        this.stored = stored;
        this.kafka = kafka;
        this.archive = archive;
        this.deadLetters = deadLetters;
    }

    /** Reads the post's trace, in four queries with bound parameters. */
    public static PostTrace read(DataSource dataSource, String postId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            StoredRow stored = null;
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT version_key, source_id, updated_at FROM posts WHERE id = ?")) {
                query.setString(1, postId);
                try (ResultSet row = query.executeQuery()) {
                    if (row.next()) {
                        stored = new StoredRow(row.getString(1), row.getString(2), row.getTimestamp(3).toInstant());
                    }
                }
            }
            List<KafkaCopy> kafka = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT version_key, source_id, source_key,"
                    + " topic, kafka_partition, kafka_offset, recorded_at FROM lineage_kafka WHERE post_id = ?"
                    + " ORDER BY version_key, id")) {
                query.setString(1, postId);
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        kafka.add(new KafkaCopy(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                                row.getInt(5), row.getLong(6), row.getTimestamp(7).toInstant()));
                    }
                }
            }
            List<ArchiveCopy> archive = new ArrayList<>();
            List<String> keys = kafka.stream().map(KafkaCopy::sourceKey).distinct().toList();
            if (!keys.isEmpty()) {
                try (PreparedStatement query = connection.prepareStatement("SELECT source_key, path, line, recorded_at"
                        + " FROM lineage_archive WHERE source_key IN ("
                        + String.join(",", Collections.nCopies(keys.size(), "?")) + ") ORDER BY id")) {
                    for (int i = 0; i < keys.size(); i++) {
                        query.setString(i + 1, keys.get(i));
                    }
                    try (ResultSet row = query.executeQuery()) {
                        while (row.next()) {
                            archive.add(new ArchiveCopy(row.getString(1), row.getString(2), row.getLong(3),
                                    row.getTimestamp(4).toInstant()));
                        }
                    }
                }
            }
            List<DeadLetter> deadLetters = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT id, source_id, reason, detail,"
                    + " failed_at, replay_state, replay_entry FROM dead_letter WHERE record_id = ? ORDER BY id")) {
                query.setString(1, postId);
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        deadLetters.add(new DeadLetter(row.getLong(1), row.getString(2), row.getString(3),
                                row.getString(4), row.getTimestamp(5).toInstant(), row.getString(6), row.getString(7)));
                    }
                }
            }
            return new PostTrace(postId, stored, kafka, archive, deadLetters);
        }
    }

    /** Whether any table knows the post. */
    public boolean found() {
        return stored != null || !kafka.isEmpty() || !deadLetters.isEmpty();
    }

    public StoredRow stored() {
        return stored;
    }

    public List<KafkaCopy> kafka() {
        return kafka;
    }

    public List<ArchiveCopy> archive() {
        return archive;
    }

    public List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** The trace as the command prints it: the stored row, then each version with its entry, Kafka and archive copies. */
    public void print(PrintStream out) {
        out.printf("Post %s%n", postId);
        if (stored == null) {
            out.println("  MySQL     no row in posts");
        } else {
            out.printf("  MySQL     posts row id %s, version %s, from entry %s, updated %s%n", postId,
                    stored.versionKey(), stored.sourceId(), stored.updatedAt());
        }
        Map<String, List<KafkaCopy>> byVersion = new LinkedHashMap<>();
        kafka.forEach(copy -> byVersion.computeIfAbsent(copy.versionKey() + "\n" + copy.sourceKey(),
                version -> new ArrayList<>()).add(copy));
        if (byVersion.isEmpty()) {
            out.println("  Versions  none recorded (lineage is kept dataflux.lineage.retention-days)");
        }
        int number = 0;
        for (List<KafkaCopy> copies : byVersion.values()) {
            KafkaCopy first = copies.get(0);
            boolean current = stored != null && stored.versionKey().equals(first.versionKey());
            out.printf("  Version %d %s%s%n", ++number, first.versionKey(),
                    current ? "  (the row MySQL holds)" : stored != null ? "  (superseded in MySQL)" : "");
            out.printf("    Redis   entry %s%n", first.sourceId());
            for (KafkaCopy copy : copies) {
                out.printf("    Kafka   topic %s, partition %d, offset %d (%s)%n", copy.topic(), copy.partition(),
                        copy.offset(), copy.recordedAt());
            }
            List<ArchiveCopy> lines = archive.stream().filter(line -> line.sourceKey().equals(first.sourceKey())).toList();
            if (lines.isEmpty()) {
                out.println("    Archive no line recorded (yet)");
            }
            for (ArchiveCopy line : lines) {
                out.printf("    Archive %s, line %d (%s)%n", line.path(), line.line() + 1, line.recordedAt());
            }
        }
        if (deadLetters.isEmpty()) {
            out.println("  Dead letter: none with this post id");
            return;
        }
        out.println("  Dead letter:");
        for (DeadLetter row : deadLetters) {
            out.printf("    #%d %s %s, entry %s: %s%s%n", row.id(), row.failedAt(), row.reason(), row.sourceId(),
                    row.detail(), row.replayState() == null ? ""
                        : "REPLAYED".equals(row.replayState()) ? " [replayed as " + row.replayEntry() + "]"
                        : " [replay interrupted: marked, push unconfirmed]");
        }
    }
}
