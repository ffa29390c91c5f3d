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

import redis.embedded.core.ExecutableProvider;

/** A real redis-server on 127.0.0.1 with persistence off, in a temporary directory. */
public final class RedisTestServer implements TestServer {

    private final List<String> command;
    private ExternalProcess process;
    private final Path dir;
    private final int port;
    private final String binary;
    private final Duration startupTime;
    private int tlsPort;

    private RedisTestServer(ExternalProcess process, Path dir, int port, String binary, Duration startupTime,
                            List<String> command) {
        this.command = command;
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.binary = binary;
        this.startupTime = startupTime;
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
        command.addAll(extraArguments);
        ExternalProcess process = launch(command, port, dir);
        return new RedisTestServer(process, dir, port, binary, Duration.ofNanos(System.nanoTime() - began), command);
    }

    private static ExternalProcess launch(List<String> command, int port, Path dir) throws Exception {
        ExternalProcess process = ExternalProcess.start("redis-server", command, dir.resolve("redis.log"), Map.of());
        try {
            Readiness.await("redis-server on port " + port, Duration.ofSeconds(20), process, () -> ping(port));
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

    @Override
    public String description() {
        return "Redis " + binary + " on " + host() + ":" + port;
    }

    @Override
    public Map<String, String> camelProperties() {
        return Map.of("dataflux.redis.host", host(), "dataflux.redis.port", Integer.toString(port));
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

    /** PING in RESP, answered by +PONG once the server accepts commands. */
    private static boolean ping(int port) {
        try (Socket socket = new Socket(Network.HOST, port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }
}
