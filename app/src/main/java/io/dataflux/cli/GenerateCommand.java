package io.dataflux.cli;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.dataflux.config.PropertySources;
import io.dataflux.sample.ForumPostGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes sample forum posts as JSON lines (for load, a test, a benchmark): the same seed gives the same file. Takes
 * the common options like every command: the configuration is checked (exit 2 when it is wrong), and the oversized
 * bad records exceed the configured dataflux.record.max-bytes unless --max-record-bytes says otherwise.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Write generated forum posts as JSON lines (HTML, emoji, CJK, edits, and a "
        + "share of bad records of every kind), to a file or standard output.")
final class GenerateCommand implements Callable<Integer> {

    static final String MAX_RECORD_BYTES = "dataflux.record.max-bytes";

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Mixin
    SampleOptions sample = new SampleOptions();

    @Option(names = "--max-record-bytes", paramLabel = "BYTES",
            description = "The pipeline's size limit, which oversized bad records exceed (default: the configured "
                    + MAX_RECORD_BYTES + ").")
    Integer maxRecordBytes;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Where to write (default: standard output).")
    Path out;

    @Override
    public Integer call() throws Exception {
        boolean valid = config.configurationValid(problems -> {
            problems.forEach(problem -> System.err.println("Configuration: " + problem));
            System.err.println("Nothing generated: " + problems.size() + " configuration problem(s)");
        });
        if (!valid) {
            return ConfigOptions.BAD_CONFIGURATION;
        }
        ForumPostGenerator generator = sample.generator(maxRecordBytes != null ? maxRecordBytes : configuredMaxRecordBytes());
        try (OutputStream target = new BufferedOutputStream(out == null ? System.out : Files.newOutputStream(out), 1 << 16)) {
            for (int i = 0; i < sample.records; i++) {
                target.write(generator.next().payload());
                target.write('\n');
            }
        }
        if (out != null) {
            System.err.printf("Wrote %,d posts to %s%n", sample.records, out);
        }
        return 0;
    }

    /** dataflux.record.max-bytes as application.properties, the profile, the environment and this command line set it. */
    private int configuredMaxRecordBytes() {
        PropertySources sources = PropertySources.read(System.getenv(), config.effectiveProfile());
        sources.add(config.commandLineEntries());
        String value = sources.locate(MAX_RECORD_BYTES)
                .orElseThrow(() -> new IllegalStateException(MAX_RECORD_BYTES + " is in the packaged application.properties"))
                .value();
        return Integer.parseInt(value.strip());
    }
}
