package io.dataflux.cli;

import static io.dataflux.testing.ServerKind.HDFS;
import static io.dataflux.testing.ServerKind.KAFKA;
import static io.dataflux.testing.ServerKind.MARIADB;
import static io.dataflux.testing.ServerKind.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.RedisTestServer;
import io.dataflux.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** The command line against the real servers: load, check, and the mistakes they must point at. */
@RealServers({REDIS, MARIADB, KAFKA, HDFS})
class CliTest {

    private final String id = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void loadPushesTheGoodLinesAndReportsTheBadOnesByLineNumber(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("posts.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"id\":\"p1\",\"author_id\":\"u-1\",\"body\":\"one\"}",
                "{\"id\":\"p2\",\"author_id\":\"u-1\",\"body\":\"two\"}",
                "{\"id\":\"p3\",\"body\":\"cut off",
                "{\"id\":\"p4\",\"author_id\":\"u-2\",\"body\":\"東京 🚀\"}",
                "",
                "\"just a string\"",
                "{\"id\":\"p5\",\"author_id\":\"u-2\",\"body\":\"five\"}") + "\n");
        String stream = "load:" + id;

        Run run = cli("load", file.toString(), "--batch-size", "2", "--set", "dataflux.redis.key=" + stream);

        assertThat(run.exitCode).as(run.output).isEqualTo(3);
        assertThat(run.output).contains("Loaded 4 records into the Redis stream '" + stream + "'")
                .contains("Rejected 2 line(s)")
                .contains("posts.jsonl:3: not valid JSON")
                .contains("posts.jsonl:6: not a JSON object but string");
        try (Jedis redis = PipelineProbe.redis()) {
            List<StreamEntry> entries = redis.xrange(stream, (StreamEntryID) null, (StreamEntryID) null);
            assertThat(entries).extracting(entry -> entry.getFields().get("value")).containsExactly(
                    "{\"id\":\"p1\",\"author_id\":\"u-1\",\"body\":\"one\"}",
                    "{\"id\":\"p2\",\"author_id\":\"u-1\",\"body\":\"two\"}",
                    "{\"id\":\"p4\",\"author_id\":\"u-2\",\"body\":\"東京 🚀\"}",
                    "{\"id\":\"p5\",\"author_id\":\"u-2\",\"body\":\"five\"}");
        }
    }

    @Test
    void loadFillsAListInListModeInReadingOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("posts.json");
        Files.writeString(file, "[{\"id\":\"a\"}, {\"id\":\"b\"}, {\"id\":\"c\"}]");
        String list = "queue:" + id;

        Run run = cli("load", file.toString(), "--set", "dataflux.redis.mode=list", "--set", "dataflux.redis.key=" + list);

        assertThat(run.exitCode).as(run.output).isZero();
        try (Jedis redis = PipelineProbe.redis()) {
            // the pipeline takes from the right: the first record of the file is the first one read
            assertThat(redis.lrange(list, 0, -1)).containsExactly("{\"id\":\"c\"}", "{\"id\":\"b\"}", "{\"id\":\"a\"}");
        }
    }

    @Test
    void checkPassesWhenEveryServerAnswers() throws Exception {
        long routeFiles;
        // the route files: routes/ also holds sql/ and kustomization.yaml
        try (java.util.stream.Stream<Path> files = Files.list(Path.of("routes"))) {
            routeFiles = files.filter(file -> file.getFileName().toString().matches(".*\\.camel\\.(yaml|xml)")).count();
        }
        Run run = cli("check", "--set", "dataflux.redis.key=check:" + id, "--set", "dataflux.kafka.topic=check." + id);

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).containsPattern("config +OK +valid; \\d+ routes from " + routeFiles + " route files load")
                .containsPattern("redis +OK +127.0.0.1:" + TestServers.redis().port())
                .containsPattern("mysql +OK +127.0.0.1:" + TestServers.mariaDb().port() + ", database 'dataflux'")
                .containsPattern("kafka +OK .*topic 'check." + id + "' does not exist yet; the broker creates it")
                .containsPattern("hdfs +OK +hdfs://")
                .contains("All servers answer");
    }

    @Test
    void checkNamesTheServerThatIsDownAndFails() throws Exception {
        RedisTestServer stopped = RedisTestServer.startDedicated();
        stopped.stop();

        Run run = cli("check", "--set", "dataflux.redis.port=" + stopped.port());

        assertThat(run.exitCode).as(run.output).isEqualTo(1);
        assertThat(run.output).containsPattern("redis +FAIL +no Redis answers at 127.0.0.1:" + stopped.port())
                .containsPattern("mysql +OK").containsPattern("kafka +OK").containsPattern("hdfs +OK")
                .contains("1 of 4 servers failed the check.");
    }

    @Test
    void checkRefusesAWrongUserAndNamesIt() {
        Run run = cli("check", "--set", "dataflux.mysql.username=nobody");

        assertThat(run.exitCode).as(run.output).isEqualTo(1);
        assertThat(run.output).containsPattern("mysql +FAIL +127.0.0.1:" + TestServers.mariaDb().port() + " refused user 'nobody'");
    }

    @Test
    void checkNamesEachRefusedCredentialWithoutPrintingIt(@TempDir Path dir) throws Exception {
        String wrong = "wrong-" + id;
        Path secrets = dir.resolve("wrong.properties");
        Files.writeString(secrets, "dataflux.redis.password = " + wrong + "\n"
                + "dataflux.mysql.password = " + wrong + "\n"
                + "dataflux.kafka.sasl-jaas-config = " + io.dataflux.testing.KafkaTestServer.jaasConfig(wrong) + "\n");

        Run run = cli("check", "--config", secrets.toString());

        assertThat(run.exitCode).as(run.output).isEqualTo(1);
        assertThat(run.output)
                .containsPattern("redis +FAIL +127.0.0.1:" + TestServers.redis().port()
                        + " refused the credentials of user 'dataflux' \\(dataflux.redis.username/password\\): WRONGPASS")
                .containsPattern("mysql +FAIL +127.0.0.1:" + TestServers.mariaDb().port() + " refused user '"
                        + TestServers.mariaDb().username() + "'")
                .containsPattern("kafka +FAIL +.*\\(SASL_PLAINTEXT\\) refused the SASL credentials")
                .containsPattern("hdfs +OK")
                .doesNotContain(wrong);
    }

    @Test
    void checkNamesAnUnknownRedisUser(@TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("unknown-user.properties");
        Files.writeString(secrets, "dataflux.redis.username = nobody-" + id + "\n");

        Run run = cli("check", "--config", secrets.toString());

        assertThat(run.exitCode).as(run.output).isEqualTo(1);
        assertThat(run.output).containsPattern("redis +FAIL +127.0.0.1:" + TestServers.redis().port()
                + " refused the credentials of user 'nobody-" + id + "'")
                .doesNotContain(TestServers.redis().password());
    }

    @Test
    void credentialsOnTheCommandLineAreRefusedWithWhereToPutThem() {
        for (String key : List.of("dataflux.redis.password", "dataflux.kafka.sasl-jaas-config",
                "dataflux.redis.tls.trust-store-password", "camel.beans.dataSource.password")) {
            Run run = cli("check", "--set", key + "=hunter2-" + id);

            assertThat(run.exitCode).as(run.output).isEqualTo(2);
            assertThat(run.output).contains("--set " + key + ": a credential on the command line shows in the process list")
                    .contains(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'))
                    .contains("mounted secret file named " + key)
                    .doesNotContain("hunter2-" + id);
        }
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        for (String command : List.of("check", "load", "trace", "replay", "generate", "compact", "compact-table", "run")) {
            Run run = cli(command, "--help");

            assertThat(run.exitCode).as(run.output).isZero();
            assertThat(run.output).as(command).contains("Usage: dataflux " + command + " ")
                    .contains("-h, --help").contains("--set").doesNotContain("Unknown option");
        }
    }

    @Test
    void aMisspeltPropertyPointsAtItsFileAndLine(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("prod.properties");
        Files.writeString(config, "dataflux.kafka.topic = forum.posts\ndataflux.kafka.brokrs = kafka:9092\n");

        for (String command : List.of("check", "run")) {
            Run run = cli(command, "--config", config.toString());

            assertThat(run.exitCode).as(run.output).isEqualTo(2);
            assertThat(run.output).contains(config + ":2: unknown property 'dataflux.kafka.brokrs'"
                    + " (did you mean 'dataflux.kafka.brokers'?)");
        }
    }

    @Test
    void aRouteFileWithATypoPointsAtItsFileAndLine(@TempDir Path dir) throws Exception {
        for (Path route : Files.newDirectoryStream(Path.of("routes"))) {
            Files.copy(route, dir.resolve(route.getFileName()));
        }
        Path heartbeat = dir.resolve("heartbeat.camel.yaml");
        Files.writeString(heartbeat, Files.readString(heartbeat).replaceFirst("steps:", "stepz:"));

        Run run = cli("check", "--set", "camel.main.routes-include-pattern=file:" + dir + "/*.camel.yaml,file:" + dir + "/*.camel.xml");

        assertThat(run.exitCode).as(run.output).isEqualTo(2);
        assertThat(run.output).containsPattern("routes +FAIL +Unsupported field: stepz")
                .contains("in file:" + heartbeat + ", line ");
    }

    @Test
    void runExitsTwoOnARouteFileWithATypoAndOneOnAServerItCannotReach(@TempDir Path dir) throws Exception {
        for (Path route : Files.newDirectoryStream(Path.of("routes"), "*.camel.{yaml,xml}")) {
            Files.copy(route, dir.resolve(route.getFileName()));
        }
        String routes = "camel.main.routes-include-pattern=file:" + dir + "/*.camel.yaml,file:" + dir + "/*.camel.xml";
        Path heartbeat = dir.resolve("heartbeat.camel.yaml");
        String good = Files.readString(heartbeat);
        Files.writeString(heartbeat, good.replaceFirst("steps:", "stepz:"));

        Run typo = cli("run", "--set", routes);

        assertThat(typo.exitCode).as(typo.output).isEqualTo(2);
        assertThat(typo.output).contains("Unsupported field: stepz").contains("in file:" + heartbeat + ", line ");

        // the same route files, good, and an HDFS that does not answer: not the configuration's fault
        Files.writeString(heartbeat, good);
        Run down = cli("run", "--set", routes, "--set", "dataflux.hdfs.uri=hdfs://127.0.0.1:" + closedPort(),
                "--set", "dataflux.hdfs.connect-on-startup=true", "--set", "dataflux.mysql.migrate=false",
                "--set", "dataflux.ingest.auto-startup=false", "--set", "camel.management.enabled=false");

        assertThat(down.exitCode).as(down.output).isEqualTo(1);
    }

    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Path credentialsFile(Properties credentials) {
        try {
            Path file = Files.createTempFile("dataflux-credentials-", ".properties");
            file.toFile().deleteOnExit();
            // as an operator writes them: key = value, unescaped (a JAAS config holds '=' and quotes)
            List<String> lines = new ArrayList<>();
            credentials.forEach((key, value) -> lines.add(key + " = " + value));
            Files.write(file, lines, StandardCharsets.ISO_8859_1);
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs the command line in this JVM, against the shared servers, capturing what it prints. */
    private static Run cli(String command, String... args) {
        List<String> arguments = new ArrayList<>(List.of(command));
        // credentials as an operator gives them, not on the command line (which refuses them): here a --config file
        Properties credentials = new Properties();
        for (Map.Entry<Object, Object> server : TestServers.camelProperties(REDIS, MARIADB, KAFKA, HDFS).entrySet()) {
            if (TestServers.isCredential(server.getKey().toString())) {
                credentials.put(server.getKey(), server.getValue());
            } else {
                arguments.add("--set");
                arguments.add(server.getKey() + "=" + server.getValue());
            }
        }
        arguments.addAll(List.of("--config", credentialsFile(credentials).toString()));
        arguments.addAll(List.of(args)); // the test's own settings win over the servers'
        // this JVM's class path holds the tests' own Java routes
        arguments.addAll(List.of("--set", "camel.main.java-routes-exclude-pattern=**/*Test*"));
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int exitCode = DataFluxCli.execute(arguments.toArray(String[]::new));
            return new Run(exitCode, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
