package io.dataflux.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code dataflux} command line: the production jar's entry point. Without a command it runs the pipeline, so
 * {@code java -jar dataflux.jar} is all a container or a service unit needs.
 */
@Command(name = "dataflux", mixinStandardHelpOptions = true, versionProvider = DataFluxCli.Version.class,
        description = "Redis -> MySQL + Kafka + HDFS on Apache Camel. Without a command: run.",
        subcommands = {RunCommand.class, CheckCommand.class, LoadCommand.class, TraceCommand.class, ReplayCommand.class,
            GenerateCommand.class, DemoCommand.class, CompactCommand.class, CompactTableCommand.class,
            CommandLine.HelpCommand.class},
        usageHelpWidth = 110,
        footerHeading = "%nMost used properties (all of them, with defaults and meaning: application.properties, README.md):%n",
        footer = {
            "  dataflux.redis.host, .port, .key, .mode    where records come from (mode: stream or list)",
            "  dataflux.mysql.url, .username              the database (a JDBC URL)",
            "  dataflux.kafka.brokers, .topic             where posts are published",
            "  dataflux.hdfs.uri, dataflux.archive.dir    where the archive files go",
            "  dataflux.instance-id                       this instance's Redis consumer and file names",
            "Environment variables override application.properties: DATAFLUX_REDIS_HOST, ... (upper case, '_' for '.' and '-').",
            "Passwords (dataflux.mysql.password, dataflux.redis.password) come from the environment or mounted secret files.",
            "Exit codes: 0 done, 1 failed, 2 bad configuration or arguments, 3 some input rejected (load, replay)."})
public final class DataFluxCli implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    /** No command given: run the pipeline with the options given. */
    @Override
    public Integer call() {
        RunCommand run = new RunCommand();
        run.config = config;
        return run.call();
    }

    public static int execute(String... args) {
        return new CommandLine(new DataFluxCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = DataFluxCli.class.getPackage().getImplementationVersion();
            return new String[] {"DataFlux " + (version != null ? version : "(development build)")
                + " on Apache Camel " + org.apache.camel.main.Main.class.getPackage().getImplementationVersion()};
        }
    }
}
