package io.dataflux.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import io.dataflux.archive.ArchiveCompaction;
import io.dataflux.component.hdfs.HdfsEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Rewrites the small files of the archive's closed partitions (days before today) into files of about the target
 * size, through the archive's own hdfs endpoint (its server, HA and Kerberos settings). Write-then-rename, not atomic
 * for readers: see docs/archive.md.
 */
@Command(name = "compact", mixinStandardHelpOptions = true, description = "Rewrite the small files of the archive's closed partitions (dt= days before "
        + "today) into files of about --target-size, by write-then-rename. Not atomic for readers: while a directory is "
        + "compacted a reader may see its rows twice (never none). Run it once a day, e.g. after midnight.")
final class CompactCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--target-size", paramLabel = "BYTES", defaultValue = "134217728",
            description = "The size the rewritten files grow to; smaller files are combined. Default: ${DEFAULT-VALUE} (128 MB).")
    long targetSize;

    @Option(names = "--before", paramLabel = "YYYY-MM-DD",
            description = "Compact the days before this one. Default: today, in this machine's time zone (the writers' too).")
    LocalDate before;

    @Option(names = "--dry-run", description = "Say what would be combined, change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (targetSize <= 0) {
            System.out.println("--target-size must be more than 0");
            return 2;
        }
        Main main = config.checkAndStartIdle(System.out, "compact");
        if (main == null) {
            return ConfigOptions.BAD_CONFIGURATION;
        }
        try {
            CamelContext context = main.getCamelContext();
            String directory = context.resolvePropertyPlaceholders("{{dataflux.archive.dir}}");
            HdfsEndpoint archive = context.getEndpoints().stream()
                    .filter(endpoint -> endpoint instanceof HdfsEndpoint hdfs && directory.equals(hdfs.getConfiguration().getPath()))
                    .map(HdfsEndpoint.class::cast).findFirst().orElse(null);
            if (archive == null) {
                System.out.println("compact: no route writes to " + directory + " (dataflux.archive.dir)");
                return 2;
            }
            LocalDate today = before != null ? before : LocalDate.now();
            try (FileSystem fs = archive.openFileSystem()) {
                List<ArchiveCompaction.Result> results = new ArchiveCompaction(fs, targetSize, dryRun)
                        .compactBefore(new Path(directory), today);
                for (ArchiveCompaction.Result result : results) {
                    System.out.printf("%s: %d files %s %d%s%n", result.directory().toUri().getPath(), result.filesBefore(),
                            dryRun ? "would become" : "became", result.filesAfter(),
                            dryRun || result.rows() == 0 ? "" : " (" + result.rows() + " rows)");
                }
                System.out.println(results.isEmpty() ? "compact: nothing to combine in the days before " + today
                        : "compact: " + results.size() + " directories " + (dryRun ? "to compact" : "compacted"));
            }
            return 0;
        } catch (Exception e) {
            System.out.println("compact: failed: " + e.getMessage());
            return 1;
        } finally {
            main.stop();
        }
    }
}
