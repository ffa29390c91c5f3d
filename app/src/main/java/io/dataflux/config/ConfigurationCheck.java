package io.dataflux.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dataflux.config.PropertySources.Entry;
import org.apache.camel.PropertyBindingException;

/**
 * Finds mistakes in DataFlux's configuration before Camel starts: a {@code dataflux.*} key that DataFlux does not
 * know (a typo silently falls back to the default otherwise), and a value of the wrong kind. Each problem names the
 * file and line, or the environment variable, where it was written, and the key that was probably meant.
 * Camel checks its own {@code camel.*} keys when it binds them; {@link #explain} adds where such a key was written.
 */
public final class ConfigurationCheck {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d+");
    private static final Pattern BINDING_KEY = Pattern.compile("\\(([^=()\\s]+)=");

    private final Map<String, String> schema = new LinkedHashMap<>();
    private final Map<String, String> byEnvironmentName = new LinkedHashMap<>();
    private final PropertySources sources;
    private final List<String> refused = new ArrayList<>();

    public ConfigurationCheck(PropertySources sources) {
        this.sources = sources;
        for (Entry entry : sources.defaults()) {
            if (entry.key().startsWith("dataflux.")) {
                schema.put(entry.key(), entry.value());
            }
        }
        PropertySources.SECRET_KEYS.forEach(key -> schema.putIfAbsent(key, ""));
        schema.keySet().forEach(key -> byEnvironmentName.put(PropertySources.environmentName(key), key));
    }

    /** Every problem found, one line each, starting with where it was written; empty when all is well. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(refused);
        for (Entry entry : sources.overrides()) {
            String key = entry.key();
            if (key.startsWith("DATAFLUX_")) {
                String known = byEnvironmentName.get(key);
                if (known == null) {
                    problems.add(entry.origin() + " matches no DataFlux property" + suggestion(key, byEnvironmentName.keySet()));
                } else {
                    typeProblem(known, entry).ifPresent(problems::add);
                }
            } else if (key.startsWith("dataflux.")) {
                if (!schema.containsKey(key)) {
                    problems.add(entry.origin() + ": unknown property '" + key + "'" + suggestion(key, schema.keySet()));
                } else {
                    typeProblem(key, entry).ifPresent(problems::add);
                }
            }
        }
        return problems;
    }

    /** A problem found outside the property sources, e.g. a credential given where it shows (the command line). */
    public void refuse(String problem) {
        refused.add(problem);
    }

    /** The value a key is given where it was last written (defaults, profile, files, secrets, environment, options). */
    public Optional<String> configuredValue(String key) {
        return sources.locate(key).map(Entry::value);
    }

    /** The defaults and their keys, for help texts. */
    public Map<String, String> schema() {
        return schema;
    }

    /**
     * A start-up failure, said plainly: when Camel could not bind a property (a misspelt camel.* key, a value of the
     * wrong type), where that property was written.
     */
    public String explain(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PropertyBindingException binding) {
                Matcher key = BINDING_KEY.matcher(String.valueOf(binding.getMessage()));
                String name = key.find() ? key.group(1) : binding.getPropertyName();
                Optional<Entry> where = name == null ? Optional.empty() : sources.locate(name);
                return "Camel cannot use the property '" + name + "' (no such option, or a value of the wrong type)"
                        + where.map(entry -> ", written at " + entry.origin()).orElse("")
                        + ": " + firstLine(binding.getMessage());
            }
        }
        // a route file's parse error spans a few lines: the message, "in file:..., line L, column C:", the line, a caret
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return message.lines().limit(4).collect(java.util.stream.Collectors.joining("\n")).stripTrailing();
    }

    private Optional<String> typeProblem(String key, Entry entry) {
        String defaultValue = schema.get(key);
        String value = entry.value().strip();
        if (value.startsWith("{{") || value.startsWith("${") || "<secret>".equals(value)) {
            return Optional.empty();
        }
        if (WHOLE_NUMBER.matcher(defaultValue).matches() && !WHOLE_NUMBER.matcher(value).matches()) {
            return Optional.of(entry.origin() + ": '" + key + "' must be a whole number (default " + defaultValue
                    + "), not '" + value + "'");
        }
        if (("true".equals(defaultValue) || "false".equals(defaultValue))
                && !"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
            return Optional.of(entry.origin() + ": '" + key + "' must be true or false, not '" + value + "'");
        }
        if ("dataflux.redis.mode".equals(key) && !value.equalsIgnoreCase("stream") && !value.equalsIgnoreCase("list")) {
            return Optional.of(entry.origin() + ": 'dataflux.redis.mode' must be stream or list, not '" + value + "'");
        }
        return Optional.empty();
    }

    private static String suggestion(String key, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.max(3, key.length() / 4) ? " (did you mean '" + best + "'?)" : "";
    }

    /** Levenshtein distance: how many single-character edits turn one key into the other. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("").strip();
    }
}
