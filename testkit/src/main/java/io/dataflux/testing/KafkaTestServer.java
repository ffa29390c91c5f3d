package io.dataflux.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka 3.9.1 KRaft broker (broker and controller in one) inside the test JVM, on 127.0.0.1.
 * 3.9.1 on purpose: it matches the kafka-clients camel-kafka 4.17 brings; a 4.x broker in the same JVM breaks it.
 * Secured unless the harness runs password-less: DataFlux connects to a SASL_PLAINTEXT listener with SCRAM-SHA-512
 * (user {@value #USERNAME}, created when the storage is formatted); the tests' own probes and the broker itself use
 * the PLAINTEXT listener of {@link #bootstrapServers()}.
 */
public final class KafkaTestServer implements TestServer {

    public static final String USERNAME = "dataflux";
    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final String PASSWORD = TestServers.newPassword();

    private KafkaRaftServer server;
    private final Properties config;
    private final Path dir;
    private final int port;
    private final int saslPort;
    private final Duration startupTime;

    private KafkaTestServer(KafkaRaftServer server, Properties config, Path dir, int port, int saslPort,
                            Duration startupTime) {
        this.server = server;
        this.config = config;
        this.dir = dir;
        this.port = port;
        this.saslPort = saslPort;
        this.startupTime = startupTime;
    }

    static KafkaTestServer start() throws Exception {
        long began = System.nanoTime();
        Path dir = Files.createTempDirectory("dataflux-kafka-");
        int port = Network.freePort();
        int controllerPort = Network.freePort();
        boolean secured = TestServers.secured();
        int saslPort = secured ? Network.freePort() : 0;
        String sasl = secured ? ",SASL_PLAINTEXT://" + Network.HOST + ":" + saslPort : "";

        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@" + Network.HOST + ":" + controllerPort);
        config.put("listeners", "PLAINTEXT://" + Network.HOST + ":" + port + sasl + ",CONTROLLER://" + Network.HOST + ":"
                + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + Network.HOST + ":" + port + sasl);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        if (secured) {
            config.put("sasl.enabled.mechanisms", MECHANISM);
            config.put("listener.name.sasl_plaintext." + MECHANISM.toLowerCase(java.util.Locale.ROOT)
                    + ".sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        config.put("log.dirs", dir.resolve("logs").toString());
        // one node: every replication factor is 1, and small internal topics start faster
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "4");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "4");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "true");
        config.put("num.partitions", "1");

        Path configFile = dir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(configFile)) {
            config.store(writer, "DataFlux test broker");
        }
        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        java.util.List<String> format = new java.util.ArrayList<>(java.util.List.of("format", "-t",
                Uuid.randomUuid().toString(), "-c", configFile.toString()));
        if (secured) {
            // the SCRAM credentials live in the cluster metadata from the start: no admin round trip, no race
            format.addAll(java.util.List.of("--add-scram", MECHANISM + "=[name=" + USERNAME + ",password=" + PASSWORD + "]"));
        }
        int formatted = StorageTool.execute(format.toArray(String[]::new),
                new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
        if (formatted != 0) {
            throw new IllegalStateException("kafka storage format failed: " + formatOutput.toString(StandardCharsets.UTF_8));
        }

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        try {
            awaitBroker(port);
        } catch (Exception e) {
            server.shutdown();
            throw e;
        }
        return new KafkaTestServer(server, config, dir, port, saslPort, Duration.ofNanos(System.nanoTime() - began));
    }

    /** A broker of its own, for a test that stops and restarts it; the caller closes it. */
    public static KafkaTestServer startDedicated() throws Exception {
        return start();
    }

    /** Stops the broker (an outage); its logs and ports stay for {@link #startAgain()}. */
    public synchronized void stop() {
        server.shutdown();
        server.awaitShutdown();
    }

    /** Starts the stopped broker again with the same logs on the same ports. */
    public synchronized void startAgain() throws InterruptedException {
        server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        awaitBroker(port);
    }

    /** The PLAINTEXT listener, for the tests' own producers, consumers and admin clients. */
    public String bootstrapServers() {
        return Network.HOST + ":" + port;
    }

    /** The listener DataFlux uses: SASL_PLAINTEXT with SCRAM when secured, else the PLAINTEXT one. */
    public String applicationBootstrapServers() {
        return saslPort == 0 ? bootstrapServers() : Network.HOST + ":" + saslPort;
    }

    /** The JAAS config of the SCRAM user, or of the same user with another password (a wrong credential). */
    public static String jaasConfig(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USERNAME
                + "\" password=\"" + password + "\";";
    }

    @Override
    public String description() {
        return "Kafka 3.9.1 KRaft (in-process) on " + bootstrapServers()
                + (saslPort == 0 ? "" : ", SASL/" + MECHANISM + " on " + applicationBootstrapServers());
    }

    @Override
    public Map<String, String> camelProperties() {
        if (saslPort == 0) {
            return Map.of("dataflux.kafka.brokers", bootstrapServers());
        }
        return Map.of("dataflux.kafka.brokers", applicationBootstrapServers(),
                "dataflux.kafka.security-protocol", "SASL_PLAINTEXT",
                "dataflux.kafka.sasl-mechanism", MECHANISM,
                "dataflux.kafka.sasl-jaas-config", jaasConfig(PASSWORD));
    }

    @Override
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public synchronized void close() {
        server.shutdown();
        server.awaitShutdown();
        TempDirs.delete(dir);
    }

    /** The broker is ready once it has registered with the controller and the cluster lists it. */
    private static void awaitBroker(int port) throws InterruptedException {
        Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Network.HOST + ":" + port,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(adminConfig)) {
            Readiness.await("kafka broker on port " + port, Duration.ofSeconds(60), null, () -> {
                try {
                    return !admin.describeCluster().nodes().get().isEmpty();
                } catch (Exception notYet) {
                    return false;
                }
            });
        }
    }
}
