package io.dataflux.cli;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.dataflux.sample.ForumPostGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes sample forum posts as JSON lines (for load, a test, a benchmark): the same seed gives the same file. */
@Command(name = "generate", description = "Write generated forum posts as JSON lines (HTML, emoji, CJK, edits, and a "
        + "share of bad records of every kind), to a file or standard output.")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    SampleOptions sample = new SampleOptions();

    @Option(names = "--max-record-bytes", defaultValue = "65536",
            description = "The pipeline's size limit; oversized bad records exceed it (${DEFAULT-VALUE}).")
    int maxRecordBytes;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Where to write (default: standard output).")
    Path out;

    @Override
    public Integer call() throws Exception {
        ForumPostGenerator generator = sample.generator(maxRecordBytes);
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
}
