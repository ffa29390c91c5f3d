package io.dataflux.cli;

import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;

import io.dataflux.archive.iceberg.IcebergSettings;
import io.dataflux.archive.iceberg.PostTable;
import io.dataflux.archive.iceberg.TableCompaction;
import org.apache.camel.main.Main;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Compacts the archive's Iceberg table: the small files of each closed day (before today, UTC) become files of about
 * {@code dataflux.iceberg.target-file-size}, one rewrite commit per day, which readers never see half done. Safe while
 * the pipeline runs: it appends to today only.
 */
@Command(name = "compact-table", mixinStandardHelpOptions = true, description = "Rewrite the small files of the Iceberg table's closed days (before"
        + " today, UTC) into large ones, one atomic rewrite commit per day.")
final class CompactTableCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Main main = config.checkAndStartIdle(out, "compact-table");
        if (main == null) {
            return ConfigOptions.BAD_CONFIGURATION;
        }
        try {
            IcebergSettings settings = IcebergSettings.of(main.getCamelContext());
            try (HadoopCatalog catalog = PostTable.catalog(settings.warehouse())) {
                Table table = PostTable.open(catalog, settings);
                List<TableCompaction.Result> results = new TableCompaction(table, settings.targetFileSize())
                        .compactClosedDays(LocalDate.now(ZoneOffset.UTC));
                if (results.isEmpty()) {
                    out.println(table.name() + ": no closed day has small files to compact");
                }
                for (TableCompaction.Result result : results) {
                    out.println(table.name() + " " + result.day() + ": " + result.filesBefore() + " files -> "
                            + result.filesAfter() + ", " + result.records() + " records");
                }
                return 0;
            }
        } finally {
            main.stop();
        }
    }
}
