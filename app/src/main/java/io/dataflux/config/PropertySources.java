package io.dataflux.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every place a DataFlux or Camel property can be set, read the way Camel Main reads it, but keeping where each key
 * was written (file and line, environment variable, option) so that a mistake can be pointed at.
 * <p>
 * The packaged {@code application.properties} is the schema: it lists every {@code dataflux.*} key with its default.
 */
public final class PropertySources {

    /** One key as written somewhere. */
    public record Entry(String key, String value, String origin) {
    }

    /** Keys that are valid but never written in application.properties: credentials. */
    static final List<String> SECRET_KEYS = List.of("dataflux.mysql.password", "dataflux.redis.username",
            "dataflux.redis.password", "dataflux.redis.tls.trust-store-password", "dataflux.redis.tls.key-store-password",
            "dataflux.mysql.tls.trust-store-password", "dataflux.kafka.sasl-jaas-config",
            "dataflux.kafka.tls.trust-store-password");

    private final List<Entry> defaults;
    private final List<Entry> overrides = new ArrayList<>();

    private PropertySources(List<Entry> defaults) {
        this.defaults = defaults;
    }

    /**
     * The sources Camel Main reads when DataFlux starts: the packaged application.properties, the profile's file, the
     * locations named by camel.main.property-placeholder-location, the cloud properties directory (mounted secrets),
     * environment variables and system properties.
     */
    public static PropertySources read(Map<String, String> environment, String profile) {
        PropertySources sources = new PropertySources(classpathFile("application.properties")
                .orElseThrow(() -> new IllegalStateException("application.properties is not on the class path")));
        if (profile != null && !profile.isBlank()) {
            String name = "application-" + profile + ".properties";
            sources.overrides.addAll(classpathFile(name).orElse(List.of()));
        }
        String locations = setting(environment, "camel.main.property-placeholder-location");
        if (locations != null) {
            for (String location : locations.split(",")) {
                String plain = location.trim().replaceAll(";optional=(true|false)$", "");
                if (plain.startsWith("file:") && Files.isRegularFile(Path.of(plain.substring(5)))) {
                    sources.overrides.addAll(file(Path.of(plain.substring(5))));
                }
            }
        }
        String cloud = setting(environment, "camel.main.cloud-properties-location");
        if (cloud != null) {
            for (String directory : cloud.split(",")) {
                sources.overrides.addAll(secretDirectory(Path.of(directory.trim().replaceFirst("^file:", ""))));
            }
        }
        environment.forEach((name, value) -> {
            // DATAFLUX_TEST_* belongs to the test harness (its watchdog's parent pid), like dataflux.test.* below
            if (name.startsWith("DATAFLUX_") && !name.startsWith("DATAFLUX_TEST_")) {
                sources.overrides.add(new Entry(name, value, "environment variable " + name));
            }
        });
        System.getProperties().forEach((key, value) -> {
            // dataflux.test.* belongs to the test harness (which servers it starts), not to the pipeline
            if (key.toString().startsWith("dataflux.") && !key.toString().startsWith("dataflux.test.")) {
                sources.overrides.add(new Entry(key.toString(), value.toString(), "system property -D" + key));
            }
        });
        return sources;
    }

    /** Adds keys given on the command line (a --config file or --set key=value). */
    public void add(List<Entry> entries) {
        overrides.addAll(entries);
    }

    /** The packaged defaults: the schema of dataflux.* keys. */
    public List<Entry> defaults() {
        return defaults;
    }

    /** Everything that overrides the defaults, in the order it was found. */
    public List<Entry> overrides() {
        return overrides;
    }

    /** Where a key (any spelling: kebab-case, camelCase, environment style) was last set, if anywhere. */
    public Optional<Entry> locate(String key) {
        String wanted = canonical(key);
        Optional<Entry> found = Optional.empty();
        for (Entry entry : Stream.concat(defaults.stream(), overrides.stream()).toList()) {
            if (canonical(entry.key()).equals(wanted)) {
                found = Optional.of(entry);
            }
        }
        return found;
    }

    /** camel.main.shutdownTimeout, camel.main.shutdown-timeout and CAMEL_MAIN_SHUTDOWN_TIMEOUT are the same key. */
    static String canonical(String key) {
        return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
    }

    /** The environment variable Camel Main maps to a key: upper case, dots and dashes become underscores. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String setting(Map<String, String> environment, String key) {
        String value = System.getProperty(key);
        return value != null ? value : environment.get(environmentName(key));
    }

    private static Optional<List<Entry>> classpathFile(String name) {
        try (InputStream in = PropertySources.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? Optional.empty()
                    : Optional.of(parse(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1), name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A properties file given by path (a --config file, a mounted ConfigMap). */
    public static List<Entry> file(Path path) {
        try {
            return parse(Files.readString(path, StandardCharsets.ISO_8859_1), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** A mounted secret: each regular file is a key, its content the value (Kubernetes' ..data links skipped). */
    private static List<Entry> secretDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().startsWith("."))
                    .map(file -> new Entry(file.getFileName().toString(), "<secret>", "mounted secret " + file))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keys of a .properties text with their line numbers (continuation lines and comments as Properties reads them). */
    static List<Entry> parse(String text, String origin) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            StringBuilder logical = new StringBuilder(line);
            while (endsWithContinuation(logical) && i + 1 < lines.length) {
                logical.setLength(logical.length() - 1);
                logical.append(lines[++i].strip());
            }
            int separator = separatorIndex(logical);
            String key = separator < 0 ? logical.toString() : logical.substring(0, separator).strip();
            String value = separator < 0 ? "" : logical.substring(separator).strip();
            if (value.startsWith("=") || value.startsWith(":")) {
                value = value.substring(1).strip(); // "key = value": the blank ends the key, the '=' is the separator
            }
            entries.add(new Entry(key, value, origin + ":" + (first + 1)));
        }
        return entries;
    }

    private static boolean endsWithContinuation(CharSequence line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static int separatorIndex(CharSequence line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                return i;
            }
        }
        return -1;
    }
}
