package io.dataflux.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.sample.ForumPostGenerator.Author;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.MariaDbTestServer;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.SinkVerifier;
import io.dataflux.testing.TestServers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import redis.clients.jedis.Jedis;

/**
 * The servers deploy/image/build-offline.sh runs the DataFlux image against: the test harness's Redis, MariaDB, Kafka
 * and HDFS on 127.0.0.1, a MySQL user whose password reaches the container as a Secret file, generated posts pushed
 * once the container reports ready, and what each sink then holds. Arguments: a work directory and the number of
 * posts. It writes {@code servers.env} (the container's environment) and {@code secret/} there, and ends (stopping
 * the servers) when the script creates {@code container-stopped} in it, after checking the archive was committed.
 */
public final class ImageCheckServers {

    private static final String STREAM = "forum:posts";
    private static final String TOPIC = "forum.posts";
    private static final String ARCHIVE = "/dataflux/posts";
    private static final String READY = "http://127.0.0.1:9876/observe/health/ready";

    private ImageCheckServers() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int records = Integer.parseInt(args[1]);
        long began = System.nanoTime();
        TestServers.start(List.of(ServerKind.values()));
        say("servers up in %.1f s: Redis %d, MariaDB %d, Kafka %s, HDFS %s", seconds(began), TestServers.redis().port(),
                TestServers.mariaDb().port(), TestServers.kafka().bootstrapServers(), TestServers.hdfs().uri());

        // the pipeline logs in as a user of its own, with a password it reads from the mounted Secret
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        createMySqlUser(password);
        Path secret = Files.createDirectories(work.resolve("secret"));
        Files.writeString(secret.resolve("dataflux.mysql.password"), password);

        Map<String, String> env = new LinkedHashMap<>();
        TestServers.redis().camelProperties().forEach((key, value) -> env.put(envName(key), value));
        TestServers.kafka().camelProperties().forEach((key, value) -> env.put(envName(key), value));
        TestServers.hdfs().camelProperties().forEach((key, value) -> env.put(envName(key), value));
        env.put(envName("dataflux.mysql.url"), TestServers.mariaDb().jdbcUrl());
        env.put(envName("dataflux.mysql.username"), "dataflux");
        Files.write(work.resolve("servers.env"),
                env.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).toList());
        say("wrote %s and %s; waiting for the container to report ready on %s", work.resolve("servers.env"), secret, READY);

        awaitReady(Duration.ofMinutes(3));
        say("container ready: %s", get(READY).body());

        ForumPostGenerator generator = new ForumPostGenerator(8, 0.02, 65536, 700);
        seedAuthors(generator.authors());
        List<GeneratedRecord> posts = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            posts.add(generator.next());
        }
        long pushed = System.nanoTime();
        PipelineProbe.push(STREAM, posts);
        say("pushed %,d posts (%,d bad on purpose) into the Redis stream %s", records,
                posts.stream().filter(post -> !post.isGood()).count(), STREAM);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!acknowledged()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every entry was acknowledged within 10 minutes");
            }
            Thread.sleep(500);
        }
        double took = seconds(pushed);
        Set<String> goodIds = posts.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId)
                .collect(Collectors.toSet());
        long good = posts.stream().filter(GeneratedRecord::isGood).count();
        long mysql = count("SELECT COUNT(*) AS n FROM posts");
        long dead = count("SELECT COUNT(*) AS n FROM dead_letter");
        long kafka = kafkaRecords();
        say("all %,d entries acknowledged in %.1f s (%,.0f posts/s)", records, took, records / took);
        say("  MySQL posts %,d (distinct good post ids %,d), dead letters %,d (bad %,d)", mysql, goodIds.size(), dead,
                records - good);
        say("  Kafka records on %s: %,d (good posts %,d)", TOPIC, kafka, good);
        check(mysql == goodIds.size(), "MySQL holds every distinct good post");
        check(dead == records - good, "every bad record is a dead letter");
        Files.writeString(work.resolve("records-done"), "");

        say("waiting for the container to stop (SIGTERM) ...");
        while (!Files.exists(work.resolve("container-stopped"))) {
            Thread.sleep(200);
        }
        // the graceful stop commits the archive's open files: none may be left in progress
        Map<String, Integer> held = SinkVerifier.standard(TestServers.mariaDb().jdbcUrl(), TOPIC, ARCHIVE)
                .awaitEvery(goodIds, Duration.ofSeconds(30));
        say("  every sink has every good post: %s", SinkVerifier.summary(held));
        say("RESULT: every good post reached MySQL, Kafka and HDFS; every bad one the dead_letter table");
        TestServers.stopAll();
        System.exit(0); // Kafka and the MiniDFSCluster leave non-daemon threads behind
    }

    private static void createMySqlUser(String password) throws Exception {
        MariaDbTestServer mariaDb = TestServers.mariaDb();
        try (Connection connection = DriverManager.getConnection(mariaDb.jdbcUrl(), mariaDb.username(), mariaDb.password());
             Statement statement = connection.createStatement()) {
            // the password is random hex: nothing to escape
            statement.execute("CREATE USER IF NOT EXISTS 'dataflux'@'127.0.0.1' IDENTIFIED BY '" + password + "'");
            statement.execute("GRANT ALL PRIVILEGES ON " + MariaDbTestServer.DATABASE + ".* TO 'dataflux'@'127.0.0.1'");
        }
    }

    private static void seedAuthors(List<Author> authors) {
        try (Jedis redis = PipelineProbe.redis()) {
            for (Author author : authors) {
                redis.hset("author:" + author.id(), Map.of("author_id", author.id(), "display_name", author.displayName(),
                        "reputation", Integer.toString(author.reputation()), "location", author.location(),
                        "joined_at", author.joinedAt()));
            }
        }
    }

    private static boolean acknowledged() {
        try {
            return PipelineProbe.allAcknowledged(STREAM, "dataflux");
        } catch (RuntimeException notYet) {
            return false; // the group is created when the pipeline first reads
        }
    }

    private static void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get(READY).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // the container is still starting
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the container did not report ready within " + timeout);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long count(String sql) throws Exception {
        return ((Number) PipelineProbe.query(TestServers.mariaDb().jdbcUrl(), sql).get(0).get("n")).longValue();
    }

    private static long kafkaRecords() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The environment variable Camel Main maps to a property: upper case, '.' and '-' as '_'. */
    static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("FAILED: " + what);
        }
        say("  ok: %s", what);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void say(String format, Object... args) {
        System.out.println("[servers] " + String.format(format, args));
    }
}
