package io.dataflux.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import io.dataflux.DataFluxApplication;
import io.dataflux.config.ConfigurationCheck;
import io.dataflux.config.PropertySources;
import io.dataflux.config.PropertySources.Entry;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Option;

/** The options every command shares: which profile, and properties that override the packaged ones. */
final class ConfigOptions {

    @Option(names = {"--profile", "-profile"}, paramLabel = "NAME", // -profile: how camel:run passes it
            description = "Camel Main profile: also reads application-NAME.properties (e.g. dev, prod). "
                    + "Default: $${CAMEL_MAIN_PROFILE} if set.")
    String profile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file whose keys override application.properties and the environment.")
    List<Path> configFiles = new ArrayList<>();

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Sets one property, e.g. --set dataflux.redis.port=6380. Wins over everything else.")
    Map<String, String> set = new LinkedHashMap<>();

    /** The properties this command line sets, with where each came from. */
    List<Entry> commandLineEntries() {
        List<Entry> entries = new ArrayList<>();
        configFiles.forEach(file -> entries.addAll(PropertySources.file(file)));
        set.forEach((key, value) -> entries.add(new Entry(key, value, "--set " + key)));
        return entries;
    }

    String effectiveProfile() {
        return profile != null ? profile : System.getenv("CAMEL_MAIN_PROFILE");
    }

    /** Every source of properties, for the configuration check and for pointing at mistakes. */
    ConfigurationCheck configurationCheck() {
        PropertySources sources = PropertySources.read(System.getenv(), effectiveProfile());
        sources.add(commandLineEntries());
        ConfigurationCheck check = new ConfigurationCheck(sources);
        set.keySet().stream().filter(ConfigOptions::holdsCredential).forEach(key -> check.refuse("--set " + key
                + ": a credential on the command line shows in the process list (ps) and the shell history; set it"
                + " in the environment (" + PropertySources.environmentName(key) + ") or in a mounted secret file named "
                + key + " (CAMEL_MAIN_CLOUD_PROPERTIES_LOCATION)"));
        return check;
    }

    /** The exit code of a command refused for its configuration (or arguments). */
    static final int BAD_CONFIGURATION = 2;

    /**
     * Every command's first step: the configuration check. Prints each problem on {@code out} as
     * {@code Configuration: ...}; false when there is one (the command then exits {@link #BAD_CONFIGURATION}).
     */
    boolean configurationValid(PrintStream out) {
        return configurationValid(problems -> problems.forEach(problem -> out.println("Configuration: " + problem)));
    }

    /** The same, the problems reported the command's own way. */
    boolean configurationValid(Consumer<List<String>> report) {
        List<String> problems = configurationCheck().problems();
        if (problems.isEmpty()) {
            return true;
        }
        report.accept(problems);
        return false;
    }

    /**
     * The prologue of the commands that need the resolved configuration but not the pipeline: the configuration
     * check, then {@link #startIdle}. Null, the reason printed on {@code out}, when the configuration is wrong or does
     * not load (a route file, a value Camel cannot bind): the command then exits {@link #BAD_CONFIGURATION}.
     */
    Main checkAndStartIdle(PrintStream out, String command) {
        if (!configurationValid(out)) {
            return null;
        }
        try {
            return startIdle();
        } catch (Exception e) {
            out.println(command + ": the configuration does not load: " + configurationCheck().explain(e));
            return null;
        }
    }

    /** Keys whose value is a credential: passwords (incl. key and trust store ones), JAAS configs, secrets. */
    static boolean holdsCredential(String key) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("password") || lower.contains("jaas") || lower.contains("secret");
    }

    /**
     * Camel Main started with every route built (each endpoint URI and option checked) but none started: nothing is
     * read, written or migrated. For the commands that need the resolved configuration, not the pipeline.
     */
    Main startIdle() throws Exception {
        // the tools print their own findings: Camel's start-up log would bury them
        Configurator.setRootLevel(Level.WARN);
        Configurator.setLevel("org.apache.hadoop", Level.ERROR);
        Configurator.setLevel("org.apache.kafka", Level.ERROR);
        // no management server either: its port belongs to the pipeline that may run beside this command
        // hdfs producers start lazily: a Kerberos login (a KDC that refuses) is the HDFS check's to report
        Main main = newMain(Map.of("camel.main.auto-startup", "false", "dataflux.mysql.migrate", "false",
                "dataflux.ingest.auto-startup", "false", "dataflux.hdfs.connect-on-startup", "false",
                "camel.component.hdfs.lazy-start-producer", "true", "camel.management.enabled", "false"));
        main.start();
        return main;
    }

    /** Camel Main configured by application.properties, the profile, the environment and this command line. */
    Main newMain(Map<String, String> extraOverrides) {
        Main main = new Main(DataFluxApplication.class);
        if (profile != null) {
            main.configure().setProfile(profile);
        }
        Properties overrides = new Properties();
        commandLineEntries().forEach(entry -> overrides.put(entry.key(), entry.value()));
        overrides.putAll(extraOverrides);
        main.setOverrideProperties(overrides);
        return main;
    }
}
