package io.dataflux.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.dataflux.component.hdfs.HdfsEndpoint;
import io.dataflux.config.MySqlConnections;
import io.dataflux.config.RedisConnections;
import io.dataflux.deadletter.DeadLetterReplay;
import io.dataflux.deadletter.DeadLetterReplay.Outcome;
import io.dataflux.deadletter.DeadLetterReplay.Row;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.hadoop.fs.FileSystem;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Pushes dead-lettered records back into the configured Redis stream or list, once each, after the configuration or
 * the mapping that refused them was fixed; {@code --dry-run} lists them instead. Progress and summary as in load.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Push dead-lettered records back into the configured Redis stream or list, "
        + "byte for byte, once each (a row is marked before its push). Exit 3 when some could not be replayed.")
final class ReplayCommand implements Callable<Integer> {

    private static final int SHOWN = 20;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--reason", paramLabel = "R", split = ",",
            description = "Only rows of these reasons (e.g. MISSING_FIELD,TOO_LARGE); repeatable.")
    List<String> reasons = new ArrayList<>();

    @Option(names = "--since", paramLabel = "T",
            description = "Only rows dead-lettered at or after T: 2026-12-01, 2026-12-01T08:00 (UTC) or 2026-12-01T08:00:00Z.")
    String since;

    @Option(names = "--id", paramLabel = "ID", split = ",", description = "Only these dead_letter row ids; repeatable.")
    List<Long> ids = new ArrayList<>();

    @Option(names = "--dry-run", description = "List what would be replayed; push and mark nothing.")
    boolean dryRun;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Instant from;
        try {
            from = since == null ? null : parseTime(since);
        } catch (DateTimeParseException e) {
            out.println("--since " + since + ": not a date or a time (2026-12-01, 2026-12-01T08:00, 2026-12-01T08:00:00Z)");
            return 2;
        }
        DeadLetterReplay.Selection selection = new DeadLetterReplay.Selection(
                reasons.stream().map(reason -> reason.trim().toUpperCase(Locale.ROOT)).toList(), from, ids);
        Main main = config.checkAndStartIdle(out, "replay");
        if (main == null) {
            return ConfigOptions.BAD_CONFIGURATION;
        }
        try {
            return replay(main.getCamelContext(), selection);
        } catch (SQLException e) {
            out.println("MySQL failed: " + e.getMessage() + " (dataflux.mysql.url, dataflux.mysql.username/password;"
                    + " replay needs schema version 3: run DataFlux once)");
            return 1;
        } catch (JedisException | DataAccessException e) {
            out.println("Redis failed: " + e.getMessage() + " (dataflux.redis.host/port, dataflux.redis.username/password,"
                    + " dataflux.redis.tls.*); rows marked before the failure are reported by the next replay");
            return 1;
        } finally {
            main.stop();
        }
    }

    private int replay(CamelContext context, DeadLetterReplay.Selection selection) throws SQLException, IOException {
        String key = property(context, "dataflux.redis.key");
        boolean stream = "stream".equals(property(context, "dataflux.redis.mode").toLowerCase(Locale.ROOT));
        String target = (stream ? "stream" : "list") + " '" + key + "'";
        RedisConnectionFactory factory = context.getRegistry().lookupByNameAndType(RedisConnections.BEAN,
                RedisConnectionFactory.class);
        HdfsEndpoint deadLetterDir = deadLetterEndpoint(context);
        try (RedisConnection connection = factory.getConnection();
             FileSystem fs = deadLetterDir == null ? null : deadLetterDir.openFileSystem()) {
            DeadLetterReplay replay = new DeadLetterReplay(MySqlConnections.dataSource(context),
                    new DeadLetterReplay.Target((Jedis) connection.getNativeConnection(), key, stream,
                            property(context, "dataflux.redis.payload-field")),
                    fs == null ? null : DeadLetterReplay.OverflowReader.of(fs));
            List<Row> rows = replay.candidates(selection);
            long interrupted = replay.interrupted(selection);
            if (dryRun) {
                return dryRun(replay, rows, interrupted, target);
            }
            ProgressLine progress = new ProgressLine(out, ProgressLine.onTerminal(), 5);
            long[] done = {0, 0};
            DeadLetterReplay.Summary summary = replay.replay(rows, outcome -> {
                done[0]++;
                if (outcome.pushed()) {
                    done[1] += outcome.row().length();
                }
                progress.show(status(done[0], rows.size(), done[1], progress.elapsedSeconds()));
            });
            progress.finish(status(done[0], rows.size(), done[1], progress.elapsedSeconds()));
            out.printf("Replayed %,d of %,d dead-lettered record(s) (%,.1f MB) into the Redis %s.%n", summary.pushed(),
                    rows.size(), summary.bytes() / 1e6, target);
            reportInterrupted(interrupted);
            if (summary.refused().isEmpty()) {
                return 0;
            }
            out.printf("Not replayed, %,d row(s):%n", summary.refused().size());
            summary.refused().stream().limit(SHOWN).forEach(outcome -> out.printf("  #%d %s: %s%n",
                    outcome.row().id(), outcome.row().reason(), outcome.refusal()));
            if (summary.refused().size() > SHOWN) {
                out.printf("  ... and %,d more%n", summary.refused().size() - SHOWN);
            }
            return 3;
        }
    }

    private int dryRun(DeadLetterReplay replay, List<Row> rows, long interrupted, String target) {
        out.printf("Dry run: %,d dead-lettered record(s) would be pushed into the Redis %s:%n", rows.size(), target);
        long refused = 0;
        for (Row row : rows) {
            String refusal = replay.refusal(row);
            refused += refusal == null ? 0 : 1;
            out.printf("  #%d %s %s entry %s, %,d bytes%s: %s%n", row.id(), row.failedAt(), row.reason(), row.sourceId(),
                    row.length(), row.location() != null ? " (from " + row.location() + ")" : "",
                    refusal != null ? "CANNOT BE REPLAYED, " + refusal : row.detail());
        }
        reportInterrupted(interrupted);
        return refused == 0 ? 0 : 3;
    }

    private void reportInterrupted(long interrupted) {
        if (interrupted > 0) {
            out.printf("Skipped %,d row(s) an interrupted replay marked PUSHING: their record may or may not have been"
                    + " pushed (docs/operations.md, \"Replay\").%n", interrupted);
        }
    }

    /** The hdfs: endpoint that writes overflowed payloads: the file system (server, HA, Kerberos) to read them from. */
    private static HdfsEndpoint deadLetterEndpoint(CamelContext context) {
        String directory = property(context, "dataflux.dead-letter.dir");
        return context.getEndpoints().stream()
                .filter(endpoint -> endpoint instanceof HdfsEndpoint hdfs
                        && directory.equals(hdfs.getConfiguration().getPath()))
                .map(HdfsEndpoint.class::cast).findFirst().orElse(null);
    }

    static Instant parseTime(String text) {
        if (text.length() == 10) {
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
            return java.time.OffsetDateTime.parse(text).toInstant();
        }
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }

    private static String status(long done, long total, long bytes, double seconds) {
        return String.format("replayed %,d of %,d records (%,.1f MB), %,.0f records/s", done, total, bytes / 1e6,
                done / Math.max(seconds, 0.001));
    }

    private static String property(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}");
    }
}
