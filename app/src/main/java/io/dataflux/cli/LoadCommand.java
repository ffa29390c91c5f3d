package io.dataflux.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dataflux.config.RedisConnections;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

/**
 * Pushes the records of a JSON-lines or JSON-array file into the configured Redis stream (XADD, the payload field)
 * or list (LPUSH), as a crawler would. Lines that the pipeline could never read (not JSON objects, not UTF-8, too
 * large) are not pushed but reported by line number; the pipeline's own checks (missing fields, types) still apply.
 */
@Command(name = "load", mixinStandardHelpOptions = true, description = "Push the records of a JSON-lines or JSON-array file into the configured Redis "
        + "stream or list; report rejected lines by number (exit 3 when some were rejected).")
final class LoadCommand implements Callable<Integer> {

    private static final int SHOWN_REJECTIONS = 20;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Parameters(index = "0", paramLabel = "FILE", description = "JSON lines (one post a line) or a JSON array of posts.")
    Path file;

    @Option(names = "--batch-size", defaultValue = "500", description = "Records sent to Redis in one round trip (${DEFAULT-VALUE}).")
    int batchSize;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(file)) {
            out.println("Cannot read " + file);
            return 2;
        }
        Main main = config.checkAndStartIdle(out, "load");
        if (main == null) {
            return ConfigOptions.BAD_CONFIGURATION;
        }
        try {
            return load(main.getCamelContext());
        } catch (JedisException | DataAccessException e) {
            out.println("Nothing more was loaded: Redis failed: " + rootMessage(e)
                    + " (dataflux.redis.host/port, dataflux.redis.username/password, dataflux.redis.tls.*)");
            return 1;
        } finally {
            main.stop();
        }
    }

    private int load(CamelContext context) throws IOException {
        String host = property(context, "dataflux.redis.host");
        String port = property(context, "dataflux.redis.port");
        String key = property(context, "dataflux.redis.key");
        boolean stream = "stream".equals(property(context, "dataflux.redis.mode").toLowerCase(Locale.ROOT));
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] field = property(context, "dataflux.redis.payload-field").getBytes(StandardCharsets.UTF_8);
        int maxBytes = Integer.parseInt(property(context, "dataflux.record.max-bytes"));
        RedisConnectionFactory factory = context.getRegistry().lookupByNameAndType(RedisConnections.BEAN,
                RedisConnectionFactory.class);

        long loaded = 0;
        long bytes = 0;
        List<RecordFile.Line> rejected = new ArrayList<>();
        ProgressLine progress = new ProgressLine(out, ProgressLine.onTerminal(), 5);
        try (RedisConnection connection = factory.getConnection();
             RecordFile records = RecordFile.open(file, maxBytes)) {
            Jedis redis = (Jedis) connection.getNativeConnection();
            List<byte[]> batch = new ArrayList<>(batchSize);
            RecordFile.Line line;
            while ((line = records.next()) != null) {
                if (!line.good()) {
                    rejected.add(line);
                    continue;
                }
                batch.add(line.payload());
                bytes += line.payload().length;
                if (batch.size() == batchSize) {
                    loaded += push(redis, stream, keyBytes, field, batch);
                    progress.show(status(loaded, rejected.size(), bytes, progress.elapsedSeconds()));
                }
            }
            loaded += push(redis, stream, keyBytes, field, batch);
        }
        progress.finish(status(loaded, rejected.size(), bytes, progress.elapsedSeconds()));
        out.printf("Loaded %,d records into the Redis %s '%s' at %s:%s.%n", loaded, stream ? "stream" : "list", key, host, port);
        if (rejected.isEmpty()) {
            return 0;
        }
        out.printf("Rejected %,d line(s), not pushed:%n", rejected.size());
        rejected.stream().limit(SHOWN_REJECTIONS)
                .forEach(line -> out.printf("  %s:%d: %s%n", file.getFileName(), line.number(), line.rejection()));
        if (rejected.size() > SHOWN_REJECTIONS) {
            out.printf("  ... and %,d more%n", rejected.size() - SHOWN_REJECTIONS);
        }
        return 3;
    }

    /** One round trip for the whole batch; LPUSH because the pipeline reads a list from its right end (a FIFO). */
    private static int push(Jedis redis, boolean stream, byte[] key, byte[] field, List<byte[]> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        try (Pipeline pipeline = redis.pipelined()) {
            for (byte[] payload : batch) {
                if (stream) {
                    pipeline.xadd(key, XAddParams.xAddParams(), Map.of(field, payload));
                } else {
                    pipeline.lpush(key, payload);
                }
            }
            pipeline.sync();
        }
        int pushed = batch.size();
        batch.clear();
        return pushed;
    }

    private static String status(long loaded, long rejected, long bytes, double seconds) {
        return String.format("loaded %,d records (%,.1f MB), rejected %,d, %,.0f records/s", loaded, bytes / 1e6,
                rejected, loaded / Math.max(seconds, 0.001));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String property(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}");
    }
}
