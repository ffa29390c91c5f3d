package io.dataflux.demo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.dataflux.DataFluxApplication;
import io.dataflux.cli.ProgressLine;
import io.dataflux.cli.SampleOptions;
import io.dataflux.component.hdfs.HdfsEndpoint;
import io.dataflux.component.hdfs.HdfsRollEvent;
import io.dataflux.component.redis.RedisSourceConsumer;
import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.sample.ForumPostGenerator.Author;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.ManagementEndpoint;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.SinkVerifier;
import io.dataflux.testing.TestServers;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;

/**
 * README's first command: DataFlux doing its whole job on this machine with nothing installed but a JDK. It starts
 * Redis, MariaDB, Kafka and HDFS on 127.0.0.1 (the test harness's servers), runs the real route files with Camel Main,
 * pushes generated forum posts into Redis, shows the progress, and ends with a summary read back from the servers.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = "Run DataFlux on embedded Redis, MariaDB, Kafka and HDFS with generated forum posts.")
public final class Demo implements Callable<Integer> {

    @Mixin
    SampleOptions sample = new SampleOptions();

    @Option(names = "--local-fs", description = "Archive into a local directory instead of an embedded HDFS.")
    boolean localFs;

    @Option(names = "--keep-running", description = "Keep DataFlux and the servers up after the summary (Ctrl-C stops).")
    boolean keepRunning;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override a property, e.g. dataflux.enrich.threads=2.")
    Map<String, String> set = new LinkedHashMap<>();

    private final PrintStream out;
    private final boolean terminal;
    private Summary summary;

    Demo(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        // the demo's servers take no credentials, so that the commands it prints work as they are
        System.setProperty(TestServers.SECURED_PROPERTY, System.getProperty(TestServers.SECURED_PROPERTY, "false"));
        int exitCode = run(args);
        TestServers.stopAll();
        System.exit(exitCode); // Kafka and the MiniDFSCluster leave non-daemon threads behind
    }

    /** Runs the demo with these options, printing to standard output; the exit code. */
    public static int run(String... args) {
        return new CommandLine(new Demo(System.out, ProgressLine.onTerminal())).execute(args);
    }

    /** What the demo found in the servers at the end, as printed. */
    record Summary(long pushed, long read, long mysqlRows, long kafkaRecords, long hdfsRecords, long hdfsWritten,
                   List<ArchiveFile> files, Map<String, Long> deadLetters, double seconds) {
        long deadLettered() {
            return deadLetters.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A committed archive file, and why it was committed (null: the roll happened before the demo watched). */
    record ArchiveFile(String path, long bytes, long records, String rollReason) {
    }

    Summary summary() {
        return summary;
    }

    @Override
    public Integer call() throws Exception {
        Set<ServerKind> kinds = EnumSet.allOf(ServerKind.class);
        if (localFs) {
            kinds.remove(ServerKind.HDFS);
        }
        out.println("Starting " + kinds + " on 127.0.0.1 ...");
        Properties overrides = TestServers.camelProperties(kinds.toArray(ServerKind[]::new));
        if (localFs) {
            overrides.put("dataflux.hdfs.file-system-type", "LOCAL");
            overrides.put("dataflux.hdfs.uri", "hdfs://localhost");
            overrides.put("dataflux.archive.dir", Files.createTempDirectory("dataflux-archive").toString());
        }
        overrides.put("dataflux.heartbeat.period", "60000");
        // the demo runs on the test class path, whose Java route builders are the tests' own
        overrides.put("camel.main.java-routes-exclude-pattern", "**/*Test*");
        // health and metrics on a free port: 9876 may be taken by another DataFlux on this host
        ManagementEndpoint management = ManagementEndpoint.onFreePort();
        overrides.putAll(management.camelProperties());
        overrides.putAll(set);

        Map<String, HdfsRollEvent> rolls = new ConcurrentHashMap<>();
        Main dataflux = new Main(DataFluxApplication.class);
        dataflux.setOverrideProperties(overrides);
        dataflux.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport main) {
                main.getCamelContext().getManagementStrategy().addEventNotifier(new RollRecorder(rolls));
            }
        });
        dataflux.start();
        CamelContext context = dataflux.getCamelContext();
        Names names = new Names(context);
        out.println("DataFlux is running the route files in routes/. Health: http://127.0.0.1:" + management.port()
                + "/observe/health, metrics: http://127.0.0.1:" + management.port() + "/observe/metrics");

        ForumPostGenerator generator = sample.generator(65536);
        seedAuthors(generator.authors());
        List<GeneratedRecord> posts = new ArrayList<>(sample.records);
        for (int i = 0; i < sample.records; i++) {
            posts.add(generator.next());
        }
        long started = System.nanoTime();
        PipelineProbe.push(names.stream, posts);
        out.printf("Pushed %,d generated forum posts (%.0f%% of them bad on purpose) into the Redis stream %s.%n",
                sample.records, sample.badShare * 100, names.stream);

        ProgressLine progress = new ProgressLine(out, terminal, 5);
        while (!allAcknowledged(names)) {
            progress.show(progressLine(context, names, seconds(started)));
            Thread.sleep(500);
        }
        double seconds = seconds(started);
        progress.finish(progressLine(context, names, seconds));
        long read = entriesRead(context);
        long archived = archiveRecordsWritten(context);
        if (!keepRunning) {
            dataflux.stop(); // graceful: the archive commits its open files
        }
        summary = summarize(read, archived, names, seconds, rolls);
        printSummary(summary, names);
        if (!keepRunning && !everyGoodPostInEverySink(posts, names)) {
            return 1;
        }
        if (keepRunning) {
            printKeepRunning(names);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                dataflux.stop();
                TestServers.stopAll();
            }, "demo-stop"));
            Thread.currentThread().join();
        }
        return 0;
    }

    /** The stream, topic, database and directory the pipeline really uses: as configured, overrides included. */
    private static final class Names {
        final String stream;
        final String group;
        final String topic;
        final String archive;
        final String jdbcUrl;
        final boolean localFs;

        Names(CamelContext context) {
            stream = context.resolvePropertyPlaceholders("{{dataflux.redis.key}}");
            group = context.resolvePropertyPlaceholders("{{dataflux.redis.group}}");
            topic = context.resolvePropertyPlaceholders("{{dataflux.kafka.topic}}");
            archive = context.resolvePropertyPlaceholders("{{dataflux.archive.dir}}");
            jdbcUrl = context.resolvePropertyPlaceholders("{{dataflux.mysql.url}}");
            localFs = "LOCAL".equalsIgnoreCase(context.resolvePropertyPlaceholders("{{dataflux.hdfs.file-system-type}}"));
        }
    }

    /** Keeps each committed file's roll reason, published by the hdfs: component as an event. */
    private static final class RollRecorder extends EventNotifierSupport {
        private final Map<String, HdfsRollEvent> rolls;

        RollRecorder(Map<String, HdfsRollEvent> rolls) {
            this.rolls = rolls;
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof HdfsRollEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            HdfsRollEvent roll = (HdfsRollEvent) event;
            rolls.put(roll.getPath(), roll);
        }
    }

    /** Entries taken from Redis: delivered to the ingest route, or dead-lettered by the source itself (invalid UTF-8). */
    private static long entriesRead(CamelContext context) {
        return context.getRoute("ingest").getConsumer() instanceof RedisSourceConsumer source
                ? source.getMetrics().read() + source.getMetrics().deadLettered() : 0;
    }

    /** Records the hdfs: producer wrote and hsynced, in committed files or in files still open. */
    private static long archiveRecordsWritten(CamelContext context) {
        return context.getEndpoints().stream().filter(HdfsEndpoint.class::isInstance)
                .mapToLong(endpoint -> ((HdfsEndpoint) endpoint).getMetrics().getRecordsWritten()).sum();
    }

    private String progressLine(CamelContext context, Names names, double seconds) throws Exception {
        long read = entriesRead(context);
        long archived = archiveRecordsWritten(context);
        return String.format("[%5.1fs] read %,d/%,d | MySQL %,d rows | Kafka %,d | HDFS %,d written | dead letters %,d | %,.0f records/s",
                seconds, read, sample.records, single(names, "SELECT COUNT(*) AS n FROM posts"), kafkaRecords(names), archived,
                single(names, "SELECT COUNT(*) AS n FROM dead_letter"), read / Math.max(seconds, 0.001));
    }

    private Summary summarize(long read, long archived, Names names, double seconds, Map<String, HdfsRollEvent> rolls) throws Exception {
        Map<String, Long> deadLetters = new LinkedHashMap<>();
        for (Map<String, Object> row : PipelineProbe.query(names.jdbcUrl,
                "SELECT reason, COUNT(*) AS n FROM dead_letter GROUP BY reason ORDER BY reason")) {
            deadLetters.put((String) row.get("reason"), ((Number) row.get("n")).longValue());
        }
        List<ArchiveFile> files = archiveFiles(names, rolls);
        return new Summary(sample.records, read, single(names, "SELECT COUNT(*) AS n FROM posts"), kafkaRecords(names),
                files.stream().mapToLong(ArchiveFile::records).sum(), archived, files, deadLetters, seconds);
    }

    private void printSummary(Summary s, Names names) {
        out.printf("%nDone: %,d records in %.1f s, %,.0f records/s.%n", s.read(), s.seconds(), s.read() / s.seconds());
        out.printf("  Redis    %,d records read from stream %s, every one acknowledged%n", s.read(), names.stream);
        out.printf("  MySQL    %,d rows in table posts (edits of one post are merged into its row)%n", s.mysqlRows());
        out.printf("  Kafka    %,d records on topic %s, keyed by post id%n", s.kafkaRecords(), names.topic);
        out.printf("  HDFS     %,d records in %,d committed files under %s%n", s.hdfsRecords(), s.files().size(),
                (names.localFs ? "file://" : "") + names.archive);
        if (s.hdfsWritten() > s.hdfsRecords()) {
            out.printf("           and %,d records hsynced to files still open (committed when a file rolls or DataFlux stops)%n",
                    s.hdfsWritten() - s.hdfsRecords());
        }
        for (ArchiveFile file : s.files()) {
            out.printf("           %s  %,d bytes, %,d records, rolled: %s%n", file.path(), file.bytes(), file.records(),
                    file.rollReason() == null ? "before this run" : file.rollReason());
        }
        out.printf("  Dead letters: %,d, by reason:%n", s.deadLettered());
        s.deadLetters().forEach((reason, count) -> out.printf("           %-16s %,d%n", reason, count));
        out.println();
        out.println("Look at the data" + (keepRunning ? ":" : " (run with --keep-running to keep the servers up):"));
        out.println("  SQL    mariadb -h 127.0.0.1 -P " + TestServers.mariaDb().port() + " -u "
                + TestServers.mariaDb().username() + " " + database(names.jdbcUrl)
                + " -e 'SELECT id, title, word_count, hashtags, JSON_VALUE(author, \"$.display_name\") AS author FROM posts LIMIT 5'");
        out.println("         mariadb ... -e 'SELECT reason, detail, source_id FROM dead_letter LIMIT 5'");
        out.println("  Kafka  kafka-console-consumer.sh --bootstrap-server " + TestServers.kafka().bootstrapServers()
                + " --topic " + names.topic + " --from-beginning --max-messages 5 --property print.key=true");
        out.println(names.localFs ? "  Files  ls -l " + names.archive + "/*/*"
                : "  HDFS   curl '" + TestServers.hdfs().webHdfsUrl() + names.archive + "?op=LISTSTATUS'");
    }

    private void printKeepRunning(Names names) {
        out.println();
        out.println("Still running (--keep-running). Push your own posts:");
        out.println("  redis-cli -p " + TestServers.redis().port() + " XADD " + names.stream
                + " '*' value '{\"id\":\"my-1\",\"author_id\":\"u-1\",\"title\":\"Hi\",\"body\":\"<p>Hello #camel</p>\","
                + "\"created_at\":\"2026-11-24T10:00:00Z\"}'");
        out.println("  ./dataflux load posts.jsonl --set dataflux.redis.port=" + TestServers.redis().port()
                + " --set dataflux.redis.key=" + names.stream);
        out.println("Ctrl-C stops DataFlux (gracefully) and the servers.");
    }

    /**
     * The one every-sink check the tests use: every good post is in MySQL, on the topic and in a committed archive
     * file. Prints the outcome; false when a sink lacks a post.
     */
    private boolean everyGoodPostInEverySink(List<GeneratedRecord> posts, Names names) throws Exception {
        Set<String> good = posts.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId)
                .collect(Collectors.toSet());
        SinkVerifier sinks = SinkVerifier.of(SinkVerifier.table("MySQL", names.jdbcUrl, "SELECT id FROM posts"),
                SinkVerifier.kafka(TestServers.kafka().bootstrapServers(), names.topic),
                names.localFs ? SinkVerifier.archive(URI.create("file:///"), names.archive) : SinkVerifier.archive(names.archive));
        Map<String, Set<String>> missing = sinks.missing(good);
        if (missing.values().stream().allMatch(Set::isEmpty)) {
            out.printf("  Checked: each of the %,d good posts is in every sink (%s)%n", good.size(),
                    String.join(", ", missing.keySet()));
            return true;
        }
        missing.forEach((sink, lacks) -> {
            if (!lacks.isEmpty()) {
                out.printf("  MISSING: %s lacks %,d good posts, e.g. %s%n", sink, lacks.size(),
                        lacks.stream().limit(3).toList());
            }
        });
        return false;
    }

    private boolean allAcknowledged(Names names) {
        try {
            return PipelineProbe.allAcknowledged(names.stream, names.group);
        } catch (RuntimeException notYet) {
            return false; // the group is created when the pipeline first reads
        }
    }

    private void seedAuthors(List<Author> authors) {
        try (Jedis redis = PipelineProbe.redis()) {
            for (Author author : authors) {
                redis.hset("author:" + author.id(), Map.of("author_id", author.id(), "display_name", author.displayName(),
                        "reputation", Integer.toString(author.reputation()), "location", author.location(),
                        "joined_at", author.joinedAt()));
            }
        }
    }

    private static long kafkaRecords(Names names) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.listTopics().containsKey(names.topic)
                    ? consumer.partitionsFor(names.topic).stream().map(p -> new TopicPartition(names.topic, p.partition())).toList()
                    : List.of();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The committed files (in-progress ones start with '_' or '.') with their line counts, read back from the file system. */
    private static List<ArchiveFile> archiveFiles(Names names, Map<String, HdfsRollEvent> rolls) throws Exception {
        List<ArchiveFile> files = new ArrayList<>();
        URI uri = names.localFs ? URI.create("file:///") : URI.create(TestServers.hdfs().uri());
        try (FileSystem fs = FileSystem.newInstance(uri, new Configuration())) {
            if (!fs.exists(new Path(names.archive))) {
                return files;
            }
            RemoteIterator<LocatedFileStatus> listing = fs.listFiles(new Path(names.archive), true);
            while (listing.hasNext()) {
                LocatedFileStatus file = listing.next();
                String name = file.getPath().getName();
                if (name.startsWith("_") || name.startsWith(".")) {
                    continue;
                }
                long lines = 0;
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(file.getPath()), StandardCharsets.UTF_8))) {
                    while (reader.readLine() != null) {
                        lines++;
                    }
                }
                String path = file.getPath().toUri().getPath();
                HdfsRollEvent roll = rolls.get(path);
                files.add(new ArchiveFile(path, file.getLen(), lines, roll == null ? null : roll.getReason().name()));
            }
        }
        files.sort((a, b) -> a.path().compareTo(b.path()));
        return files;
    }

    private static long single(Names names, String sql) throws SQLException {
        return ((Number) PipelineProbe.query(names.jdbcUrl, sql).get(0).get("n")).longValue();
    }

    private static String database(String jdbcUrl) {
        String path = URI.create(jdbcUrl.substring("jdbc:".length())).getPath();
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
