package io.dataflux.deadletter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.dataflux.deadletter.DeadLetterPayload;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.XAddParams;

/**
 * Pushes dead-lettered records back into the Redis stream or list the pipeline reads, with their exact bytes (the
 * stream entry's payload field, or the list item). Never twice: each row is marked {@code PUSHING} (only if no replay
 * marked it before) before its record is pushed, and {@code REPLAYED} with the new entry after. A replay that dies
 * between the two leaves the row {@code PUSHING}; later replays skip it and report it (the record may or may not have
 * been pushed).
 *
 * <p>A payload larger than the row keeps is read back from its overflow file on HDFS and checked against the row's
 * SHA-256; a payload that was never kept (over the source's dead-letter cap) cannot be replayed and is reported.
 */
public final class DeadLetterReplay {

    /** Rows read, marked and pushed per round trip. */
    static final int PAGE = 200;

    private final DataSource dataSource;
    private final Target target;
    private final OverflowReader overflow;

    /** Where records go: the configured Redis key, as a stream (with its payload field) or a list. */
    public record Target(Jedis redis, String key, boolean stream, String payloadField) {
    }

    /** Reads an overflowed payload from the dead-letter directory's file system (HDFS). */
    @FunctionalInterface
    public interface OverflowReader {
        byte[] read(String location) throws IOException;

        /** A reader on a file system the caller owns. */
        static OverflowReader of(FileSystem fs) {
            return location -> {
                try (InputStream in = fs.open(new Path(location))) {
                    return in.readAllBytes();
                }
            };
        }
    }

    /** Which dead-letter rows to replay; empty lists and a null time select everything. */
    public record Selection(List<String> reasons, Instant since, List<Long> ids) {
    }

    /** A dead-letter row as the replay sees it (without its payload). */
    public record Row(long id, String reason, String sourceId, Instant failedAt, long length, String sha256,
                      String location, boolean kept, String detail) {
    }

    /** What happened to one row. */
    public record Outcome(Row row, String entry, String refusal) {
        public boolean pushed() {
            return entry != null;
        }
    }

    /** The totals of a replay. */
    public record Summary(long pushed, long bytes, List<Outcome> refused) {
    }

    public DeadLetterReplay(DataSource dataSource, Target target, OverflowReader overflow) {
        this.dataSource = dataSource;
        this.target = target;
        this.overflow = overflow;
    }

    /** The rows a replay would push, in id order (none marked by an earlier replay). */
    public List<Row> candidates(Selection selection) throws SQLException {
        return select(selection, "replay_state IS NULL");
    }

    /** Rows of the selection an earlier replay marked but never completed (it died between mark and push). */
    public long interrupted(Selection selection) throws SQLException {
        return select(selection, "replay_state = 'PUSHING'").size();
    }

    /** Whether a row's payload can be had, or why not. */
    public String refusal(Row row) {
        if (row.kept() || row.location() != null) {
            return null;
        }
        return "the payload was not kept (" + row.length() + " bytes, over dataflux.redis.dead-letter-max-bytes):"
                + " nothing to replay";
    }

    /** Replays the rows; {@code progress} sees each outcome. */
    public Summary replay(List<Row> rows, Consumer<Outcome> progress) throws SQLException {
        long pushed = 0;
        long bytes = 0;
        List<Outcome> refused = new ArrayList<>();
        for (int start = 0; start < rows.size(); start += PAGE) {
            for (Outcome outcome : replayPage(rows.subList(start, Math.min(rows.size(), start + PAGE)))) {
                if (outcome.pushed()) {
                    pushed++;
                    bytes += outcome.row().length();
                } else if (outcome.refusal() != null) {
                    refused.add(outcome);
                }
                progress.accept(outcome);
            }
        }
        return new Summary(pushed, bytes, refused);
    }

    private List<Outcome> replayPage(List<Row> page) throws SQLException {
        List<Outcome> outcomes = new ArrayList<>(page.size());
        Map<Row, byte[]> payloads = new LinkedHashMap<>();
        Map<Long, byte[]> stored = payloads(page);
        for (Row row : page) {
            String refusal = refusal(row);
            byte[] payload = null;
            if (refusal == null) {
                try {
                    payload = row.location() != null ? fromOverflow(row) : stored.get(row.id());
                } catch (IOException e) {
                    refusal = "its payload could not be read from " + row.location() + ": " + e.getMessage();
                }
            }
            if (refusal != null) {
                outcomes.add(new Outcome(row, null, refusal));
            } else {
                payloads.put(row, payload);
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            List<Row> marked = mark(connection, payloads.keySet());
            List<String> entries = push(marked, payloads);
            complete(connection, marked, entries);
            for (Row row : payloads.keySet()) {
                int index = marked.indexOf(row);
                // a row another replay marked meanwhile is that replay's: neither pushed nor refused here
                outcomes.add(new Outcome(row, index < 0 ? null : entries.get(index), null));
            }
        }
        return outcomes;
    }

    private byte[] fromOverflow(Row row) throws IOException {
        if (overflow == null) {
            throw new IOException("no HDFS to read it from");
        }
        byte[] payload = overflow.read(row.location());
        if (payload.length != row.length() || !DeadLetterPayload.sha256(payload).equals(row.sha256())) {
            throw new IOException("the file holds " + payload.length + " bytes that are not the dead-lettered ones"
                    + " (length or SHA-256 differ)");
        }
        return payload;
    }

    /** Marks each row PUSHING unless a replay already marked it; returns the rows this replay now owns. */
    private static List<Row> mark(Connection connection, Iterable<Row> rows) throws SQLException {
        List<Row> marked = new ArrayList<>();
        try (PreparedStatement update = connection.prepareStatement("UPDATE dead_letter SET replay_state = 'PUSHING',"
                + " replayed_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND replay_state IS NULL")) {
            for (Row row : rows) {
                update.setLong(1, row.id());
                if (update.executeUpdate() == 1) {
                    marked.add(row);
                }
            }
        }
        return marked;
    }

    /** One round trip for the page: XADD (the new entry ids) or LPUSH, bytes as they are. */
    private List<String> push(List<Row> rows, Map<Row, byte[]> payloads) {
        if (rows.isEmpty()) {
            return List.of();
        }
        byte[] key = target.key().getBytes(StandardCharsets.UTF_8);
        byte[] field = target.payloadField().getBytes(StandardCharsets.UTF_8);
        List<Response<byte[]>> added = new ArrayList<>(rows.size());
        try (Pipeline pipeline = target.redis().pipelined()) {
            for (Row row : rows) {
                byte[] payload = payloads.get(row);
                if (target.stream()) {
                    added.add(pipeline.xadd(key, XAddParams.xAddParams(), Map.of(field, payload)));
                } else {
                    pipeline.lpush(key, payload);
                }
            }
            pipeline.sync();
        }
        if (!target.stream()) {
            return Collections.nCopies(rows.size(), "list:" + target.key());
        }
        return added.stream().map(response -> new String(response.get(), StandardCharsets.UTF_8)).toList();
    }

    private static void complete(Connection connection, List<Row> rows, List<String> entries) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE dead_letter SET replay_state = 'REPLAYED', replay_entry = ? WHERE id = ?")) {
            for (int i = 0; i < rows.size(); i++) {
                update.setString(1, entries.get(i));
                update.setLong(2, rows.get(i).id());
                update.executeUpdate();
            }
        }
    }

    private Map<Long, byte[]> payloads(List<Row> page) throws SQLException {
        Map<Long, byte[]> payloads = new LinkedHashMap<>();
        List<Row> inRows = page.stream().filter(row -> row.kept() && row.location() == null).toList();
        if (inRows.isEmpty()) {
            return payloads;
        }
        String marks = String.join(",", Collections.nCopies(inRows.size(), "?"));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT id, payload FROM dead_letter WHERE id IN (" + marks + ")")) {
            for (int i = 0; i < inRows.size(); i++) {
                query.setLong(i + 1, inRows.get(i).id());
            }
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    payloads.put(result.getLong(1), result.getBytes(2));
                }
            }
        }
        return payloads;
    }

    private List<Row> select(Selection selection, String state) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, reason, source_id, failed_at,"
                + " COALESCE(payload_length, LENGTH(payload)) AS length, payload_sha256, payload_location,"
                + " LENGTH(payload) >= COALESCE(payload_length, LENGTH(payload)) AS kept, detail"
                + " FROM dead_letter WHERE " + state);
        List<Object> parameters = new ArrayList<>();
        if (!selection.reasons().isEmpty()) {
            sql.append(" AND reason IN (").append(String.join(",", Collections.nCopies(selection.reasons().size(), "?")))
                    .append(')');
            parameters.addAll(selection.reasons());
        }
        if (selection.since() != null) {
            sql.append(" AND failed_at >= ?");
            parameters.add(Timestamp.from(selection.since()));
        }
        if (!selection.ids().isEmpty()) {
            sql.append(" AND id IN (").append(String.join(",", Collections.nCopies(selection.ids().size(), "?")))
                    .append(')');
            parameters.addAll(selection.ids());
        }
        sql.append(" ORDER BY id");
        List<Row> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                query.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getLong("id"), result.getString("reason"), result.getString("source_id"),
                            result.getTimestamp("failed_at").toInstant(), result.getLong("length"),
                            result.getString("payload_sha256"), result.getString("payload_location"),
                            result.getBoolean("kept"), result.getString("detail")));
                }
            }
        }
        return rows;
    }
}
