package io.dataflux.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.dataflux.DataFluxApplication;

/**
 * DataFlux in a JVM of its own, as it runs in production (Camel Main, the real route files), pointed at the test
 * servers by system properties; for the tests that kill it, stop it with SIGTERM, or run several replicas. It runs
 * under the same watchdog as the servers, so it never outlives the test JVM.
 */
public final class PipelineProcess implements AutoCloseable {

    private final String name;
    private final ExternalProcess process;
    private final Path log;
    private final ManagementEndpoint management;

    private PipelineProcess(String name, ExternalProcess process, Path log, ManagementEndpoint management) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.management = management;
    }

    /**
     * Starts the pipeline with these properties (on top of application.properties) and waits until Camel is up. Its
     * management server (health, metrics) listens on a free port of its own: see {@link #management()}.
     */
    public static PipelineProcess start(String name, Map<String, String> properties) throws Exception {
        return start(name, properties, List.of());
    }

    /** As above, with JVM options of its own (the benchmark's GC log and flight recording); -Xmx512m unless given. */
    public static PipelineProcess start(String name, Map<String, String> properties, List<String> jvmOptions)
            throws Exception {
        Path dir = Files.createTempDirectory("dataflux-pipeline-" + name + "-");
        Path log = dir.resolve("pipeline.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                // the application's logging, not the tests' (which silences Camel's own lines)
                "-Dlog4j2.configurationFile=log4j2.properties",
                // the test classes on this class path define routes of their own, which are not DataFlux's
                "-Dcamel.main.java-routes-exclude-pattern=**/*Test*",
                "-cp", classPath()));
        ManagementEndpoint management = ManagementEndpoint.onFreePort();
        management.camelProperties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        // credentials as production gets them: from the environment, never on the command line (ps shows it)
        Map<String, String> environment = new java.util.HashMap<>();
        properties.forEach((key, value) -> {
            if (TestServers.isCredential(key)) {
                environment.put(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'), value);
            } else {
                command.add("-D" + key + "=" + value);
            }
        });
        command.add(DataFluxApplication.class.getName());
        PipelineProcess pipeline = new PipelineProcess(name, ExternalProcess.start(name, command, log, environment), log,
                management);
        pipeline.awaitLog("(dataflux) started", Duration.ofSeconds(90));
        return pipeline;
    }

    /** This test JVM's class path (surefire's, which may list an entry twice: Camel would load the routes twice). */
    private static String classPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return String.join(File.pathSeparator, new LinkedHashSet<>(List.of(classPath.split(File.pathSeparator))));
    }

    public void awaitLog(String text, Duration timeout) throws InterruptedException {
        Readiness.await(name + " logging '" + text + "'", timeout, process, () -> log().contains(text));
    }

    /** This pipeline's /observe endpoints. */
    public ManagementEndpoint management() {
        return management;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** The pipeline JVM's peak resident set size (VmHWM) in kilobytes, or -1 once it has ended. */
    public long peakRssKb() {
        return process.peakRssKb();
    }

    /** SIGKILL, as a crash or an OOM killer would: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.server().ifPresent(ProcessHandle::destroyForcibly);
        Readiness.await(name + " gone after SIGKILL", Duration.ofSeconds(30), null, () -> !process.isAlive());
    }

    /** SIGTERM, as Kubernetes sends it; returns how long the graceful shutdown took. */
    public Duration terminate(Duration timeout) throws InterruptedException {
        long began = System.nanoTime();
        process.server().ifPresent(ProcessHandle::destroy);
        Readiness.await(name + " stopped after SIGTERM", timeout, null, () -> !process.isAlive());
        return Duration.ofNanos(System.nanoTime() - began);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.close();
        }
    }
}
