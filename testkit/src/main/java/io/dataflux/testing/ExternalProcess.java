package io.dataflux.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server binary run as a child process under a watchdog shell: the shell ends the server when this JVM disappears,
 * even by kill -9, so no redis-server or mariadbd outlives the test run.
 */
final class ExternalProcess implements AutoCloseable {

    /** Runs the command in the background and polls the parent JVM; TERM stops the server and waits for it. */
    private static final String WATCHDOG = """
            "$@" &
            server=$!
            trap 'kill -TERM $server 2>/dev/null; wait $server; exit 0' TERM INT
            while kill -0 "$DATAFLUX_TEST_PARENT_PID" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done
            kill -TERM $server 2>/dev/null
            wait $server
            """;

    private final String name;
    private final Process watchdog;
    private final Path log;

    private ExternalProcess(String name, Process watchdog, Path log) {
        this.name = name;
        this.watchdog = watchdog;
        this.log = log;
    }

    /** Starts {@code command} with its output in {@code log}; extra environment variables are added to the server's. */
    static ExternalProcess start(String name, List<String> command, Path log, Map<String, String> environment)
            throws IOException {
        return start(name, command, log, environment, ProcessHandle.current().pid());
    }

    /** As above, with the server watching {@code parentPid} instead of this JVM. */
    static ExternalProcess start(String name, List<String> command, Path log, Map<String, String> environment,
            long parentPid) throws IOException {
        List<String> wrapped = new ArrayList<>(List.of("bash", "-c", WATCHDOG, "watchdog"));
        wrapped.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(wrapped)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("DATAFLUX_TEST_PARENT_PID", Long.toString(parentPid));
        return new ExternalProcess(name, builder.start(), log);
    }

    /** Runs a command to completion (e.g. an install step) and fails with its output if it does not exit 0. */
    static void run(String name, List<String> command, Path log, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException(name + " did not finish within " + timeout + "; output in " + log);
        }
        if (process.exitValue() != 0) {
            throw new IOException(name + " exited " + process.exitValue() + ": " + tail(log));
        }
    }

    /** The watchdog exits as soon as its server does, so its life tells the server's. */
    boolean isAlive() {
        return watchdog.isAlive();
    }

    /** The last lines the server printed, for error messages. */
    String logTail() {
        return tail(log);
    }

    /** The server process itself: the watchdog's first child (the others are its short polling sleeps). */
    Optional<ProcessHandle> server() {
        return watchdog.children()
                .min(Comparator.comparing(child -> child.info().startInstant().orElse(Instant.MAX)));
    }

    /** The server's resident set size in kilobytes (VmHWM: its peak), or -1 if it is gone. */
    long peakRssKb() {
        return server().map(p -> ProcStatus.peakRssKb(p.pid())).orElse(-1L);
    }

    @Override
    public void close() throws InterruptedException {
        watchdog.destroy();
        if (!watchdog.waitFor(15, TimeUnit.SECONDS)) {
            watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
            watchdog.destroyForcibly();
            watchdog.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
