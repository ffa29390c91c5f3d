package io.dataflux.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The one "every sink has every record" check, for the tests, the demo, the deployment checks and the bench: a list
 * of sinks, each able to say which post ids it holds, and a wait until every sink holds every expected id. A sink
 * added to DataFlux is checked everywhere by adding it here once ({@link #standard}), or by a test with {@link #and}.
 * It knows no DataFlux class: the table query, topic and archive directory are passed in.
 */
public final class SinkVerifier {

    /** A place DataFlux delivers to, read back by post id. */
    public interface Sink {
        String name();

        /** The post ids the sink holds now (with repeats: a record may be delivered more than once). */
        Collection<String> postIds() throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Sink> sinks = new ArrayList<>();

    private SinkVerifier(List<Sink> sinks) {
        this.sinks.addAll(sinks);
    }

    public static SinkVerifier of(Sink... sinks) {
        return new SinkVerifier(List.of(sinks));
    }

    /** DataFlux's sinks as application.properties configures them: MySQL's posts table, the Kafka topic, the archive. */
    public static SinkVerifier standard(String jdbcUrl, String bootstrapServers, String topic, String archiveDirectory) {
        return of(table("MySQL", jdbcUrl, "SELECT id FROM posts"), kafka(bootstrapServers, topic), archive(archiveDirectory));
    }

    /** The same, on the shared test servers. */
    public static SinkVerifier standard(String jdbcUrl, String topic, String archiveDirectory) {
        return standard(jdbcUrl, TestServers.kafka().bootstrapServers(), topic, archiveDirectory);
    }

    /** This verifier with one more sink. */
    public SinkVerifier and(Sink sink) {
        List<Sink> more = new ArrayList<>(sinks);
        more.add(sink);
        return new SinkVerifier(more);
    }

    public List<Sink> sinks() {
        return List.copyOf(sinks);
    }

    /** A MySQL table, read with a query whose first column is the post id. */
    public static Sink table(String name, String jdbcUrl, String idQuery) {
        return sink(name, () -> {
            List<String> ids = new ArrayList<>();
            try (Connection connection = DriverManager.getConnection(jdbcUrl, TestServers.mariaDb().username(),
                    TestServers.mariaDb().password());
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(idQuery)) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        });
    }

    /** A Kafka topic, from the beginning: the records' keys (DataFlux keys each record by its post id). */
    public static Sink kafka(String bootstrapServers, String topic) {
        return kafka(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /** The same with a client configuration of its own (e.g. a SASL listener's settings). */
    public static Sink kafka(Map<?, ?> clientConfig, String topic) {
        return sink("Kafka " + topic, () -> {
            Map<String, Object> config = new HashMap<>();
            clientConfig.forEach((key, value) -> config.put(String.valueOf(key), value));
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            List<String> keys = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer =
                         new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        keys.add(record.key());
                    }
                }
            }
            return keys;
        });
    }

    /**
     * The archive's committed JSON-lines files on the shared HDFS: the {@code id} of each line. A file still in progress
     * (its name starts with {@code _} or {@code .}) is not read: a busy archive always has one open.
     */
    public static Sink archive(String directory) {
        return archive(URI.create(TestServers.hdfs().uri()), directory);
    }

    /** The same on another file system (e.g. {@code file:///}, the archive on the local disk). */
    public static Sink archive(URI fileSystem, String directory) {
        return sink("HDFS " + directory, () -> {
            List<String> ids = new ArrayList<>();
            try (FileSystem fs = FileSystem.newInstance(fileSystem, new Configuration())) {
                RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(directory), true);
                while (files.hasNext()) {
                    Path file = files.next().getPath();
                    if (file.getName().startsWith("_") || file.getName().startsWith(".")) {
                        continue; // in progress: its records count once the file is committed
                    }
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            ids.add(String.valueOf(JSON.readTree(line).path("id").asText()));
                        }
                    }
                }
            }
            return ids;
        });
    }

    public interface Ids {
        Collection<String> read() throws Exception;
    }

    public static Sink sink(String name, Ids ids) {
        return new Sink() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Collection<String> postIds() throws Exception {
                return ids.read();
            }
        };
    }

    /** Per sink, the expected ids it lacks now (empty lists: every sink has every record). */
    public Map<String, Set<String>> missing(Set<String> expected) throws Exception {
        Map<String, Set<String>> missing = new LinkedHashMap<>();
        for (Sink sink : sinks) {
            Set<String> lacks = new TreeSet<>(expected);
            lacks.removeAll(new HashSet<>(sink.postIds()));
            missing.put(sink.name(), lacks);
        }
        return missing;
    }

    /**
     * Waits until every sink holds every expected id; returns how many records each holds (repeats included). Fails,
     * naming each sink and a few of the ids it lacks, when the time is up.
     */
    public Map<String, Integer> awaitEvery(Set<String> expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Set<String>> missing;
        Exception last = null;
        while (true) {
            try {
                missing = missing(expected);
                if (missing.values().stream().allMatch(Set::isEmpty)) {
                    break;
                }
            } catch (Exception e) {
                missing = null;
                last = e; // e.g. a topic or table that does not exist yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(missing == null ? "the sinks could not be read: " + last
                        : "not every sink has every record: " + describe(missing), last);
            }
            Thread.sleep(500);
        }
        Map<String, Integer> held = new LinkedHashMap<>();
        for (Sink sink : sinks) {
            held.put(sink.name(), sink.postIds().size());
        }
        return held;
    }

    /**
     * Asserts that every sink holds exactly the expected ids, none missing and none other (repeats allowed: a record
     * may be delivered more than once), now. Returns how many records each holds (repeats included).
     */
    public Map<String, Integer> assertEveryHasExactly(Set<String> expected) throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Sink sink : sinks) {
            Collection<String> ids = sink.postIds();
            counts.put(sink.name(), ids.size());
            Set<String> held = new HashSet<>(ids);
            Set<String> lacks = new TreeSet<>(expected);
            lacks.removeAll(held);
            Set<String> other = new TreeSet<>(held);
            other.removeAll(expected);
            if (!lacks.isEmpty() || !other.isEmpty()) {
                problems.add(sink.name() + " lacks " + lacks.size() + " " + lacks.stream().limit(3).toList() + " and holds "
                        + other.size() + " unexpected " + other.stream().limit(3).toList());
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("not every sink holds exactly the expected posts: " + String.join("; ", problems));
        }
        return counts;
    }

    /** One line: each sink and how many records it holds. */
    public static String summary(Map<String, Integer> held) {
        return held.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String describe(Map<String, Set<String>> missing) {
        return missing.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + " lacks " + e.getValue().size() + " (e.g. "
                        + e.getValue().stream().limit(3).collect(Collectors.joining(", ")) + ")")
                .collect(Collectors.joining("; "));
    }
}
