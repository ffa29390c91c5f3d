package io.dataflux.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.sample.ForumPostGenerator.Author;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import redis.clients.jedis.Jedis;

/**
 * The test servers for a DataFlux that runs elsewhere (in Karaf, in a container): starts Redis, MariaDB, Kafka and
 * HDFS on 127.0.0.1, writes the dataflux.* properties that point at them to a file, and stays up until it is killed
 * (the external servers end with this JVM). With {@code --records N} it also pushes N generated forum posts (2% bad)
 * into the stream DataFlux reads, waits until DataFlux has delivered every good one to MySQL, Kafka and HDFS and
 * dead-lettered every bad one, and writes the outcome ({@code OK ...} or {@code FAILED ...}) to the result file.
 *
 * <pre>java -cp test-classes:classes:deps io.dataflux.testing.ServersMain --properties servers.properties
 *      [--servers KAFKA,HDFS] [--records 500 --result result.txt --timeout 180]</pre>
 * The stream, topic and archive directory are application.properties' defaults; the posts go to the database
 * {@value MariaDbTestServer#DATABASE}.
 */
public final class ServersMain {

    private static final String STREAM = "forum:posts";
    private static final String GROUP = "dataflux";
    private static final String TOPIC = "forum.posts";
    private static final String ARCHIVE = "/dataflux/posts";

    private ServersMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Path propertiesFile = Path.of(required(options, "--properties"));
        int records = Integer.parseInt(options.getOrDefault("--records", "0"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("--timeout", "180")));

        // --servers KAFKA,HDFS: only those (the benchmark runs each in a JVM of its own); all four by default
        ServerKind[] kinds = options.containsKey("--servers")
                ? Arrays.stream(options.get("--servers").split(",")).map(String::trim).map(ServerKind::valueOf)
                        .toArray(ServerKind[]::new)
                : ServerKind.values();
        Properties servers = TestServers.camelProperties(kinds);
        writeAtomically(propertiesFile, toText(servers));
        System.out.println("servers up, properties in " + propertiesFile);

        if (records > 0) {
            Path resultFile = Path.of(required(options, "--result"));
            String result;
            try {
                result = "OK " + deliver(records, timeout);
            } catch (Exception | AssertionError e) {
                result = "FAILED " + e.getMessage();
            }
            System.out.println(result);
            writeAtomically(resultFile, result + "\n");
        }
        Thread.currentThread().join(); // until killed: the deployment under test may still need the servers
    }

    /** Pushes the posts and waits until every sink has them; returns what each sink holds. */
    private static String deliver(int count, Duration timeout) throws Exception {
        ForumPostGenerator generator = new ForumPostGenerator(42, "deployed-", 0.02, 65536, 700);
        try (Jedis redis = PipelineProbe.redis()) {
            for (Author author : generator.authors()) {
                redis.hset("author:" + author.id(), Map.of("author_id", author.id(), "display_name", author.displayName(),
                        "reputation", Integer.toString(author.reputation()), "location", author.location(),
                        "joined_at", author.joinedAt()));
            }
        }
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(generator.next());
        }
        Set<String> goodIds = records.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId)
                .collect(Collectors.toSet());
        long bad = records.size() - records.stream().filter(GeneratedRecord::isGood).count();
        PipelineProbe.push(STREAM, records);
        System.out.println("pushed " + count + " posts (" + goodIds.size() + " distinct good ones, " + bad
                + " bad) into the Redis stream " + STREAM);

        long deadline = System.nanoTime() + timeout.toNanos();
        await("every entry acknowledged", deadline, () -> PipelineProbe.allAcknowledged(STREAM, GROUP));

        String jdbc = TestServers.mariaDb().jdbcUrl();
        long deadLetters = ((Number) PipelineProbe.query(jdbc, "SELECT COUNT(*) AS n FROM dead_letter").get(0).get("n")).longValue();
        check(deadLetters == bad, "dead_letter holds " + deadLetters + " rows, expected " + bad);
        // the archive's files are committed (renamed) when idle: the deployment sets a short dataflux.archive.roll-idle
        Map<String, Integer> held = SinkVerifier.standard(jdbc, TOPIC, ARCHIVE)
                .awaitEvery(goodIds, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        check(held.get("MySQL") == goodIds.size(), "MySQL holds " + held.get("MySQL") + " posts, expected the "
                + goodIds.size() + " good ones");
        return SinkVerifier.summary(held) + ", " + deadLetters + " dead letters";
    }

    private interface Condition {
        boolean met() throws Exception;
    }

    private static void await(String what, long deadline, Condition condition) throws Exception {
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.met()) {
                    return;
                }
            } catch (Exception e) {
                last = e; // e.g. the consumer group does not exist before DataFlux first reads
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("timed out waiting for " + what + (last == null ? "" : " (last error: " + last + ")"));
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static String toText(Properties properties) {
        StringWriter text = new StringWriter();
        new TreeMap<>(properties).forEach((key, value) -> text.append(key + " = " + value + "\n"));
        return text.toString();
    }

    /** Readers poll for the file: they see it whole or not at all. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value");
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }
}
