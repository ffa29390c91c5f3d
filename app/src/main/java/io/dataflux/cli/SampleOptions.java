package io.dataflux.cli;

import io.dataflux.sample.ForumPostGenerator;
import picocli.CommandLine.Option;

/**
 * How many generated forum posts, from which seed, with how many bad ones: shared by generate and the demo (each of
 * which also takes the common options: --profile, --config, --set).
 */
public final class SampleOptions {

    @Option(names = "--records", defaultValue = "20000", description = "How many posts (${DEFAULT-VALUE}).")
    public int records;

    @Option(names = "--seed", defaultValue = "1", description = "The generator's seed: the same seed, the same posts (${DEFAULT-VALUE}).")
    public long seed;

    @Option(names = "--bad-share", defaultValue = "0.02", description = "Share of bad records, every kind alike (${DEFAULT-VALUE}).")
    public double badShare;

    @Option(names = "--body-chars", defaultValue = "700", description = "About how long a post's text is; 700 makes ~1 KB records.")
    public int bodyChars;

    /** The generator these options describe, for a pipeline that dead-letters records above maxRecordBytes. */
    public ForumPostGenerator generator(int maxRecordBytes) {
        return new ForumPostGenerator(seed, badShare, maxRecordBytes, bodyChars);
    }
}
