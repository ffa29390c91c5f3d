package io.dataflux.demo;

import java.net.URI;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.dataflux.DataFluxApplication;
import io.dataflux.demo.ForumPostGenerator.Author;
import io.dataflux.demo.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.ManagementEndpoint;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.camel.main.Main;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import redis.clients.jedis.Jedis;

/**
 * README's first command: DataFlux doing its whole job on this machine with nothing installed but a JDK. It starts
 * Redis, MariaDB, Kafka and HDFS on 127.0.0.1 (the test harness's servers), runs the real route files with Camel Main,
 * pushes generated forum posts into Redis, shows the progress, and ends with what each sink holds.
 * Options (system properties): demo.records (default 20000), demo.keep-running (default false).
 */
public final class Demo {

    private static final String STREAM = "forum:posts";
    private static final String TOPIC = "forum.posts";
    private static final String ARCHIVE = "/dataflux/posts";

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        int records = Integer.getInteger("demo.records", 20_000);
        boolean keepRunning = Boolean.getBoolean("demo.keep-running");

        say("Starting Redis, MariaDB, Kafka and HDFS on 127.0.0.1 ...");
        Properties servers = TestServers.camelProperties(ServerKind.values());
        Main dataflux = new Main(DataFluxApplication.class);
        Properties overrides = new Properties();
        overrides.putAll(servers);
        overrides.put("dataflux.heartbeat.period", "60000");
        // health and metrics on a free port: 9876 may be taken by another DataFlux on this host
        ManagementEndpoint management = ManagementEndpoint.onFreePort();
        overrides.putAll(management.camelProperties());
        dataflux.setOverrideProperties(overrides);
        dataflux.start();
        say("DataFlux is running the route files in routes/. Health: http://127.0.0.1:" + management.port()
                + "/observe/health, metrics: http://127.0.0.1:" + management.port() + "/observe/metrics");

        ForumPostGenerator generator = new ForumPostGenerator(1, 0.02, 65536, 700);
        seedAuthors(generator.authors());
        long started = System.nanoTime();
        List<GeneratedRecord> posts = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            posts.add(generator.next());
        }
        PipelineProbe.push(STREAM, posts);
        say("Pushed " + records + " generated forum posts (2% of them bad on purpose) into the Redis stream " + STREAM + ".");

        Progress progress = new Progress(records);
        while (!allAcknowledged()) {
            progress.show(counts(), elapsed(started));
            Thread.sleep(1000);
        }
        Counts done = counts();
        progress.finish(done, elapsed(started));
        if (!keepRunning) {
            dataflux.stop(); // graceful: the archive commits its open files
        }
        summary(done, elapsed(started), records);
        if (keepRunning) {
            say("\nStill running (demo.keep-running). Push your own posts, e.g.:");
            say("  redis-cli -p " + TestServers.redis().port() + " XADD " + STREAM
                    + " '*' value '{\"id\":\"my-1\",\"author_id\":\"u-1\",\"body\":\"<p>Hello #camel</p>\"}'");
            say("Ctrl-C stops DataFlux and the servers.");
            Thread.currentThread().join();
        }
        TestServers.stopAll();
        System.exit(0); // Kafka and the MiniDFSCluster leave non-daemon threads behind
    }

    private record Counts(long read, long mysql, long kafka, long archivedBytes, long deadLetters) {
    }

    /** A live line on a terminal; plain periodic lines when the output is a file or a pipe. */
    private static final class Progress {
        private final int total;
        private final boolean terminal = System.console() != null;
        private double lastPrinted = -10;

        Progress(int total) {
            this.total = total;
        }

        void show(Counts counts, double seconds) {
            if (terminal) {
                System.out.print("\r" + line(counts, seconds) + "   ");
                System.out.flush();
            } else if (seconds - lastPrinted >= 5) {
                System.out.println(line(counts, seconds));
                lastPrinted = seconds;
            }
        }

        void finish(Counts counts, double seconds) {
            System.out.print(terminal ? "\r" : "");
            System.out.println(line(counts, seconds));
        }

        private String line(Counts c, double seconds) {
            return String.format("[%5.1fs] read %,d/%,d | MySQL %,d | Kafka %,d | HDFS committed %,.1f MB | dead letters %,d | %,.0f records/s",
                    seconds, c.read(), total, c.mysql(), c.kafka(), c.archivedBytes() / 1e6, c.deadLetters(),
                    c.read() / Math.max(seconds, 0.001));
        }
    }

    private static void summary(Counts done, double seconds, int records) throws Exception {
        say("\nDone in " + String.format("%.1f s (%,.0f records/s).", seconds, records / seconds));
        say(String.format("  MySQL posts:  %,d distinct posts (edits of one post are merged into one row)", done.mysql()));
        say(String.format("  Kafka:        %,d records on topic %s, keyed by post id", done.kafka(), TOPIC));
        say("  Dead letters, by reason:");
        for (Map<String, Object> row : query("SELECT reason, COUNT(*) AS n FROM dead_letter GROUP BY reason ORDER BY reason")) {
            say(String.format("    %-16s %,d", row.get("reason"), ((Number) row.get("n")).longValue()));
        }
        say("  HDFS files under " + ARCHIVE + ":");
        for (String file : archiveFiles()) {
            say("    " + file);
        }
        say("\nLook at the data (while the servers run, i.e. with -Ddemo.keep-running=true):");
        say("  mariadb -h 127.0.0.1 -P " + TestServers.mariaDb().port() + " -u root dataflux"
                + " -e 'SELECT id, title, word_count, hashtags FROM posts LIMIT 5'");
        say("  curl '" + TestServers.hdfs().webHdfsUrl() + ARCHIVE + "?op=LISTSTATUS'");
        say("  Kafka: bootstrap servers " + TestServers.kafka().bootstrapServers() + ", topic " + TOPIC);
    }

    private static Counts counts() throws Exception {
        long mysql = single("SELECT COUNT(*) FROM posts");
        long dead = single("SELECT COUNT(*) FROM dead_letter");
        long read;
        try (Jedis redis = PipelineProbe.redis()) {
            // entries-read is reported by Redis 7; the bundled Redis 6 leaves it out
            read = redis.xinfoGroups(STREAM).stream().filter(group -> group.getName().equals("dataflux"))
                    .map(group -> group.getGroupInfo().get("entries-read"))
                    .mapToLong(value -> value instanceof Number number ? number.longValue() : 0).sum();
        }
        return new Counts(read, mysql, kafkaRecords(), archivedBytes(), dead);
    }

    private static boolean allAcknowledged() {
        try {
            return PipelineProbe.allAcknowledged(STREAM, "dataflux");
        } catch (RuntimeException notYet) {
            return false; // the group is created when the pipeline first reads
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

    private static long kafkaRecords() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.listTopics().containsKey(TOPIC)
                    ? consumer.partitionsFor(TOPIC).stream().map(p -> new TopicPartition(TOPIC, p.partition())).toList()
                    : List.of();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static long archivedBytes() throws Exception {
        long bytes = 0;
        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration())) {
            if (fs.exists(new Path(ARCHIVE))) {
                RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(ARCHIVE), true);
                while (files.hasNext()) {
                    bytes += files.next().getLen();
                }
            }
        }
        return bytes;
    }

    private static List<String> archiveFiles() throws Exception {
        List<String> files = new ArrayList<>();
        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration())) {
            RemoteIterator<LocatedFileStatus> listing = fs.listFiles(new Path(ARCHIVE), true);
            while (listing.hasNext()) {
                LocatedFileStatus file = listing.next();
                files.add(String.format("%s  %,d bytes", file.getPath().toUri().getPath(), file.getLen()));
            }
        }
        return files;
    }

    private static long single(String sql) throws SQLException {
        return ((Number) query(sql.replace("COUNT(*)", "COUNT(*) AS n")).get(0).get("n")).longValue();
    }

    private static List<Map<String, Object>> query(String sql) throws SQLException {
        return PipelineProbe.query(TestServers.mariaDb().jdbcUrl(), sql);
    }

    private static double elapsed(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
