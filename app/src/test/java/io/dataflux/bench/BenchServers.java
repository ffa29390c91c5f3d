package io.dataflux.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.dataflux.testing.ServerKind;
import io.dataflux.testing.ServersMain;
import io.dataflux.testing.TestServers;

/**
 * The benchmark's servers, each in a process of its own so that /proc tells each one's CPU time: redis-server and
 * mariadbd (the harness's external processes), and Kafka and HDFS each in a JVM of its own ({@link ServersMain} with
 * {@code --servers KAFKA} or {@code --servers HDFS}), under a watchdog that ends them with this JVM.
 */
final class BenchServers implements AutoCloseable {

    /** Ends the server JVM when this JVM disappears (even by kill -9); TERM stops it and waits. */
    private static final String WATCHDOG = """
            "$@" &
            server=$!
            trap 'kill -TERM $server 2>/dev/null; wait $server; exit 0' TERM INT
            while kill -0 "$BENCH_PARENT_PID" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done
            kill -TERM $server 2>/dev/null
            wait $server
            """;

    static final String DATAFLUX = "DataFlux JVM";
    static final String REDIS = "redis-server";
    static final String MARIADB = "mariadbd";
    static final String KAFKA = "Kafka JVM";
    static final String HDFS = "HDFS JVM";
    static final String BENCH = "bench JVM";

    private final Process kafkaWatchdog;
    private final Process hdfsWatchdog;
    private final Properties kafka;
    private final Properties hdfs;

    private BenchServers(Process kafkaWatchdog, Process hdfsWatchdog, Properties kafka, Properties hdfs) {
        this.kafkaWatchdog = kafkaWatchdog;
        this.hdfsWatchdog = hdfsWatchdog;
        this.kafka = kafka;
        this.hdfs = hdfs;
    }

    /** Starts the four servers in parallel and waits until each answers. */
    static BenchServers start() throws Exception {
        Path dir = Files.createTempDirectory("dataflux-bench-servers-");
        Process kafka = launch("KAFKA", dir);
        Process hdfs = launch("HDFS", dir);
        try {
            TestServers.start(List.of(ServerKind.REDIS, ServerKind.MARIADB));
            Properties kafkaProperties = await(kafka, dir.resolve("KAFKA.properties"), dir.resolve("KAFKA.log"));
            Properties hdfsProperties = await(hdfs, dir.resolve("HDFS.properties"), dir.resolve("HDFS.log"));
            return new BenchServers(kafka, hdfs, kafkaProperties, hdfsProperties);
        } catch (Exception e) {
            stop(kafka);
            stop(hdfs);
            throw e;
        }
    }

    private static Process launch(String kind, Path dir) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", WATCHDOG, "watchdog",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dlog4j2.configurationFile=log4j2-test.properties",
                "-cp", System.getProperty("java.class.path"),
                ServersMain.class.getName(), "--servers", kind, "--properties", dir.resolve(kind + ".properties").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(kind + ".log").toFile());
        builder.environment().put("BENCH_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        return builder.start();
    }

    private static Properties await(Process watchdog, Path properties, Path log) throws Exception {
        Bench.await(properties.getFileName() + " written by its server JVM", 180, () -> {
            if (!watchdog.isAlive()) {
                throw new IllegalStateException("server JVM ended: " + Files.readString(log));
            }
            return Files.exists(properties);
        });
        Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(properties)) {
            loaded.load(reader);
        }
        return loaded;
    }

    String kafkaBootstrap() {
        return kafka.getProperty("dataflux.kafka.brokers");
    }

    /**
     * What a Kafka client needs to reach the listener DataFlux uses: the bootstrap servers and, on a secured listener,
     * the same SASL settings, so that the ceiling and the naive loop pay for what DataFlux pays for.
     */
    java.util.Properties kafkaClient() {
        java.util.Properties client = new java.util.Properties();
        client.put("bootstrap.servers", kafkaBootstrap());
        String protocol = kafka.getProperty("dataflux.kafka.security-protocol");
        if (protocol != null && !protocol.isBlank()) {
            client.put("security.protocol", protocol);
            client.put("sasl.mechanism", kafka.getProperty("dataflux.kafka.sasl-mechanism"));
            client.put("sasl.jaas.config", kafka.getProperty("dataflux.kafka.sasl-jaas-config"));
        }
        return client;
    }

    String hdfsUri() {
        return hdfs.getProperty("dataflux.hdfs.uri");
    }

    /** The dataflux.* properties that point a pipeline at these four servers. */
    Map<String, String> camelProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        TestServers.camelProperties(ServerKind.REDIS, ServerKind.MARIADB)
                .forEach((key, value) -> properties.put((String) key, (String) value));
        kafka.forEach((key, value) -> properties.put((String) key, (String) value));
        hdfs.forEach((key, value) -> properties.put((String) key, (String) value));
        return properties;
    }

    String description() {
        return TestServers.redis().description() + "; " + TestServers.mariaDb().description() + " ("
                + System.getProperty("dataflux.test.mariadb.options", "test defaults") + "); Kafka 3.9.1 KRaft at "
                + kafkaBootstrap() + " and HDFS MiniDFSCluster 3.4.2 at " + hdfsUri() + ", each in a JVM of its own";
    }

    /** The processes whose CPU time the report shows (the pipeline's JVM is added by the run that starts it). */
    Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        descendant(REDIS).ifPresent(pid -> pids.put(REDIS, pid));
        descendant(MARIADB).or(() -> descendant("mysqld")).ifPresent(pid -> pids.put(MARIADB, pid));
        server(kafkaWatchdog).ifPresent(pid -> pids.put(KAFKA, pid));
        server(hdfsWatchdog).ifPresent(pid -> pids.put(HDFS, pid));
        pids.put(BENCH, ProcessHandle.current().pid());
        return pids;
    }

    /**
     * A process under this JVM whose name (/proc/pid/comm) starts with {@code name}: redis-server, mariadbd. Not the
     * executable's: Debian's redis-server is a link to redis-check-rdb.
     */
    static Optional<Long> descendant(String name) {
        return ProcessHandle.current().descendants()
                .filter(p -> processName(p.pid()).startsWith(name))
                .map(ProcessHandle::pid)
                .findFirst();
    }

    private static String processName(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }

    /**
     * The pipeline JVM started by PipelineProcess under this JVM: the process whose command line names
     * DataFluxApplication (read from /proc: ProcessHandle.Info drops the arguments of a command line as long as a
     * test class path).
     */
    static Optional<Long> pipelinePid() {
        return ProcessHandle.current().descendants()
                // the java process itself, not the watchdog shell whose arguments hold the same command
                .filter(p -> p.info().command().map(command -> command.endsWith("/java")).orElse(false))
                .filter(p -> commandLine(p.pid()).contains(" io.dataflux.DataFluxApplication"))
                .map(ProcessHandle::pid)
                .findFirst();
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    /** The watchdog's server: its first child (the others are its short polling sleeps). */
    private static Optional<Long> server(Process watchdog) {
        return watchdog.children()
                .min(Comparator.comparing(child -> child.info().startInstant().orElse(Instant.MAX)))
                .map(ProcessHandle::pid);
    }

    @Override
    public void close() throws InterruptedException {
        stop(kafkaWatchdog);
        stop(hdfsWatchdog);
        TestServers.stopAll();
    }

    private static void stop(Process watchdog) throws InterruptedException {
        watchdog.destroy();
        if (!watchdog.waitFor(30, TimeUnit.SECONDS)) {
            watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
            watchdog.destroyForcibly();
            watchdog.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
