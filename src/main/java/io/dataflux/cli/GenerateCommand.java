package io.dataflux.cli;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.dataflux.demo.ForumPostGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes sample forum posts as JSON lines (for load, a test, a benchmark): the same seed gives the same file. */
@Command(name = "generate", description = "Write generated forum posts as JSON lines (HTML, emoji, CJK, edits, and a "
        + "share of bad records of every kind), to a file or standard output.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "10000", description = "How many posts (${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--seed", defaultValue = "1", description = "The same seed gives the same posts (${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bad-share", defaultValue = "0.02", description = "Share of bad records, every kind alike (${DEFAULT-VALUE}).")
    double badShare;

    @Option(names = "--body-chars", defaultValue = "700", description = "About how long a post's text is; 700 makes ~1 KB records.")
    int bodyChars;

    @Option(names = "--max-record-bytes", defaultValue = "65536",
            description = "The pipeline's size limit; oversized bad records exceed it (${DEFAULT-VALUE}).")
    int maxRecordBytes;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Where to write (default: standard output).")
    Path out;

    @Override
    public Integer call() throws Exception {
        ForumPostGenerator generator = new ForumPostGenerator(seed, badShare, maxRecordBytes, bodyChars);
        try (OutputStream target = new BufferedOutputStream(out == null ? System.out : Files.newOutputStream(out), 1 << 16)) {
            for (int i = 0; i < records; i++) {
                target.write(generator.next().payload());
                target.write('\n');
            }
        }
        if (out != null) {
            System.err.printf("Wrote %,d posts to %s%n", records, out);
        }
        return 0;
    }
}
