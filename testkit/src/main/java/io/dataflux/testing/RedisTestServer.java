package io.dataflux.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server on 127.0.0.1 with persistence off, in a temporary directory. Secured unless the harness runs
 * password-less ({@link TestServers#secured()}, the demo): the default user has a password and DataFlux connects as
 * the ACL user {@value #USERNAME}; every Redis server of this JVM has the same credentials.
 */
public final class RedisTestServer implements TestServer {

    /** The ACL user DataFlux connects as. */
    public static final String USERNAME = "dataflux";
    private static final String PASSWORD = TestServers.newPassword();
    private static final String ADMIN_PASSWORD = TestServers.newPassword();

    private final List<String> command;
    private ExternalProcess process;
    private final Path dir;
    private final int port;
    private final String binary;
    private final Duration startupTime;
    private int tlsPort;
    private final boolean secured;

    private RedisTestServer(ExternalProcess process, Path dir, int port, String binary, Duration startupTime,
                            List<String> command) {
        this.command = command;
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.binary = binary;
        this.startupTime = startupTime;
        this.secured = command.contains("--requirepass");
    }

    static RedisTestServer start(ServerSource source) throws Exception {
        return start(source, false, List.of());
    }

    /**
     * A Redis of its own for a test that stops or restarts it, with persistence on (AOF, fsync always) so that a
     * {@link #restart()} keeps the data; the caller closes it.
     */
    public static RedisTestServer startDedicated() throws Exception {
        return start(ServerSource.fromSystemProperty(), true, List.of());
    }

    /**
     * A Redis of its own that also accepts TLS on {@link #tlsPort()}, with the given PEM certificate, key and CA
     * (clients need no certificate). Throws UnsupportedOperationException when the binary has no TLS support (the one
     * embedded-redis bundles).
     */
    public static RedisTestServer startDedicatedWithTls(Path certificate, Path key, Path caCertificate) throws Exception {
        int tlsPort = Network.freePort();
        try {
            RedisTestServer server = start(ServerSource.fromSystemProperty(), false, List.of("--tls-port",
                    Integer.toString(tlsPort), "--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(),
                    "--tls-ca-cert-file", caCertificate.toString(), "--tls-auth-clients", "no"));
            server.tlsPort = tlsPort;
            return server;
        } catch (IllegalStateException e) {
            throw new UnsupportedOperationException("this redis-server cannot serve TLS: " + e.getMessage(), e);
        }
    }

    private static RedisTestServer start(ServerSource source, boolean persistent, List<String> extraArguments)
            throws Exception {
        long began = System.nanoTime();
        Optional<Path> system = source == ServerSource.SYSTEM ? ServerSource.findExecutable("redis-server") : Optional.empty();
        Path executable = system.isPresent() ? system.get() : ExecutableProvider.newJarResourceProvider().get().toPath();
        String binary = executable + (system.isPresent() ? " (system)" : " (bundled by embedded-redis)");

        Path dir = Files.createTempDirectory("dataflux-redis-");
        int port = Network.freePort();
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "--port", Integer.toString(port), "--bind", Network.HOST, "--protected-mode", "yes",
                "--save", "", "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always", "--dir", dir.toString()));
        if (TestServers.secured()) {
            command.addAll(List.of("--requirepass", ADMIN_PASSWORD,
                    "--user", USERNAME, "on", ">" + PASSWORD, "~*", "&*", "+@all"));
        }
        command.addAll(extraArguments);
        ExternalProcess process = launch(command, port, dir);
        return new RedisTestServer(process, dir, port, binary, Duration.ofNanos(System.nanoTime() - began), command);
    }

    private static ExternalProcess launch(List<String> command, int port, Path dir) throws Exception {
        ExternalProcess process = ExternalProcess.start("redis-server", command, dir.resolve("redis.log"), Map.of());
        String password = command.contains("--requirepass") ? ADMIN_PASSWORD : null;
        try {
            Readiness.await("redis-server on port " + port, Duration.ofSeconds(20), process, () -> ping(port, password));
        } catch (Exception e) {
            process.close();
            throw e;
        }
        return process;
    }

    /** Stops this server gracefully: with persistence on, it writes its data first. */
    public synchronized void stop() throws InterruptedException {
        process.close();
    }

    /** Starts a stopped server again on the same port and directory. */
    public synchronized void startAgain() throws Exception {
        process = launch(command, port, dir);
    }

    /** {@link #stop()} then {@link #startAgain()}. */
    public void restart() throws Exception {
        stop();
        startAgain();
    }

    public String host() {
        return Network.HOST;
    }

    public int port() {
        return port;
    }

    /** The TLS port of a server from {@link #startDedicatedWithTls}; 0 otherwise. */
    public int tlsPort() {
        return tlsPort;
    }

    /** The ACL user DataFlux connects as; empty when the server runs without credentials. */
    public String username() {
        return secured ? USERNAME : "";
    }

    /** That user's password; empty when the server runs without credentials. */
    public String password() {
        return secured ? PASSWORD : "";
    }

    /** A plain client of this server for a test's own checks, logged in as the ACL user; the caller closes it. */
    public Jedis client() {
        return clientOf(host(), port);
    }

    /**
     * A plain client of the Redis test server at host:port, logged in as the ACL user when the harness is secured
     * (every Redis test server of this JVM has the same credentials); the caller closes it.
     */
    public static Jedis clientOf(String host, int port) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder();
        if (TestServers.secured()) {
            config.user(USERNAME).password(PASSWORD);
        }
        return new Jedis(new HostAndPort(host, port), config.build());
    }

    /**
     * The redis-source URI options that log in as the ACL user, "&username=...&password=..." ("" when the harness is
     * not secured), for the tests that build redis-source URIs with host and port.
     */
    public static String uriCredentials() {
        return TestServers.secured() ? "&username=" + USERNAME + "&password=" + PASSWORD : "";
    }

    @Override
    public String description() {
        return "Redis " + binary + " on " + host() + ":" + port + (secured ? " (password, ACL user " + USERNAME + ")" : "");
    }

    @Override
    public Map<String, String> camelProperties() {
        return Map.of("dataflux.redis.host", host(), "dataflux.redis.port", Integer.toString(port),
                "dataflux.redis.username", username(), "dataflux.redis.password", password());
    }

    @Override
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public long peakRssKb() {
        return process.peakRssKb();
    }

    @Override
    public synchronized void close() throws Exception {
        process.close();
        TempDirs.delete(dir);
    }

    /** PING in RESP (after AUTH on a secured server), answered by +PONG once the server accepts commands. */
    private static boolean ping(int port, String password) {
        try (Socket socket = new Socket(Network.HOST, port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            String auth = password == null ? "" : "AUTH " + password + "\r\n";
            out.write((auth + "PING\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String expected = (password == null ? "" : "+OK\r\n") + "+PONG\r\n";
            byte[] reply = in.readNBytes(expected.length());
            return new String(reply, StandardCharsets.US_ASCII).equals(expected);
        } catch (IOException e) {
            return false;
        }
    }
}
