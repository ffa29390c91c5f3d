package io.dataflux.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real servers of this test JVM: each is started once, on first need, in parallel with the others asked for at
 * the same time, and stopped once at the end of the run (by the JUnit extension, or by a shutdown hook if the run is
 * cut short; the external processes also watch this JVM and end with it).
 */
public final class TestServers {

    private static final Logger LOG = LoggerFactory.getLogger(TestServers.class);
    private static final Map<ServerKind, CompletableFuture<TestServer>> SERVERS = new EnumMap<>(ServerKind.class);
    private static final ExecutorService STARTER = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-server-start");
        thread.setDaemon(true);
        return thread;
    });
    private static long firstStart;
    /** From the first server asked for to the last one ready. */
    private static Duration harnessStartup = Duration.ZERO;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestServers::stopAll, "test-servers-stop"));
    }

    private TestServers() {
    }

    /** The system property that starts the servers without credentials (the demo); secured by default. */
    public static final String SECURED_PROPERTY = "dataflux.test.secured";

    /**
     * Whether servers start secured: Redis with a password and an ACL user, MariaDB with a password for the
     * application's user, Kafka with a SASL/SCRAM listener the application uses. True unless -Ddataflux.test.secured=false.
     */
    public static boolean secured() {
        return !"false".equalsIgnoreCase(System.getProperty(SECURED_PROPERTY, "true").trim());
    }

    /** A random password of letters and digits (nothing a URI, a JAAS config or a shell would need to escape). */
    static String newPassword() {
        return java.util.UUID.randomUUID().toString().replace("-", "");
    }

    /** The keys of these properties that hold credentials: a separate JVM gets them from its environment. */
    public static boolean isCredential(String key) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("password") || lower.contains("jaas") || lower.contains("secret")
                || lower.endsWith(".username");
    }

    /** Starts the servers not yet running, in parallel, without waiting for them. */
    static void startInBackground(Collection<ServerKind> kinds) {
        startAll(kinds);
    }

    /** Starts the servers not yet running, in parallel, and waits until all of them answer. */
    public static void start(Collection<ServerKind> kinds) {
        List<CompletableFuture<TestServer>> pending = startAll(kinds);
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw new IllegalStateException("a test server did not start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static List<CompletableFuture<TestServer>> startAll(Collection<ServerKind> kinds) {
        List<CompletableFuture<TestServer>> pending = new ArrayList<>();
        synchronized (SERVERS) {
            if (SERVERS.isEmpty()) {
                firstStart = System.nanoTime();
            }
            for (ServerKind kind : kinds) {
                pending.add(SERVERS.computeIfAbsent(kind, TestServers::startAsync));
            }
        }
        return pending;
    }

    public static RedisTestServer redis() {
        return (RedisTestServer) get(ServerKind.REDIS);
    }

    public static MariaDbTestServer mariaDb() {
        return (MariaDbTestServer) get(ServerKind.MARIADB);
    }

    public static KafkaTestServer kafka() {
        return (KafkaTestServer) get(ServerKind.KAFKA);
    }

    public static HdfsTestServer hdfs() {
        return (HdfsTestServer) get(ServerKind.HDFS);
    }

    /** The dataflux.* properties that point Camel at the given servers (starting them if needed). */
    public static Properties camelProperties(ServerKind... kinds) {
        start(Arrays.asList(kinds));
        Properties properties = new Properties();
        for (ServerKind kind : kinds) {
            properties.putAll(get(kind).camelProperties());
        }
        return properties;
    }

    private static TestServer get(ServerKind kind) {
        start(List.of(kind));
        synchronized (SERVERS) {
            return SERVERS.get(kind).join();
        }
    }

    private static CompletableFuture<TestServer> startAsync(ServerKind kind) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                TestServer server = kind.start();
                synchronized (SERVERS) {
                    harnessStartup = Duration.ofNanos(System.nanoTime() - firstStart);
                }
                LOG.info("{} started in {} ms", server.description(), server.startupTime().toMillis());
                return server;
            } catch (Exception e) {
                throw new CompletionException(kind + ": " + e.getMessage(), e);
            }
        }, STARTER);
    }

    /** Stops every server that started; safe to call more than once. */
    public static void stopAll() {
        List<CompletableFuture<TestServer>> started;
        synchronized (SERVERS) {
            started = new ArrayList<>(SERVERS.values());
            SERVERS.clear();
        }
        if (started.isEmpty()) {
            return;
        }
        StringBuilder summary = new StringBuilder("test servers: all ready " + harnessStartup.toMillis() + " ms after the first was asked for");
        for (CompletableFuture<TestServer> future : started) {
            if (!future.isDone() || future.isCompletedExceptionally()) {
                continue; // a server that failed to start cleaned up after itself
            }
            TestServer server = future.join();
            summary.append("\n  ").append(server.description()).append(": start-up ")
                    .append(server.startupTime().toMillis()).append(" ms");
            long rss = server.peakRssKb();
            if (rss > 0) {
                summary.append(", peak RSS ").append(rss / 1024).append(" MB");
            }
            String usage = server.usage();
            if (!usage.isEmpty()) {
                summary.append(", ").append(usage);
            }
            try {
                server.close();
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly: {}", server.description(), e.toString());
            }
        }
        summary.append("\n  test JVM peak RSS ").append(ProcStatus.peakRssKb(ProcessHandle.current().pid()) / 1024)
                .append(" MB");
        LOG.info(summary.toString());
    }
}
