package io.dataflux.cli;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.concurrent.Callable;

import io.dataflux.config.MySqlConnections;
import io.dataflux.lineage.PostTrace;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Prints where a post went, from MySQL's posts, lineage and dead-letter tables. */
@Command(name = "trace", mixinStandardHelpOptions = true, description = "Print where a post went: its MySQL row, every version's Redis entry, Kafka "
        + "partition and offset and archive file and line, and its dead-letter rows. Exit 1 when no table knows it.")
final class TraceCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The post's id (its business key, byte for byte).")
    String postId;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Main main = config.checkAndStartIdle(out, "trace");
        if (main == null) {
            return ConfigOptions.BAD_CONFIGURATION;
        }
        try {
            PostTrace trace = PostTrace.read(MySqlConnections.dataSource(main.getCamelContext()), postId);
            if (!trace.found()) {
                out.printf("Post %s: not in posts, lineage or dead letter%n", postId);
                return 1;
            }
            trace.print(out);
            return 0;
        } catch (SQLException e) {
            out.println("MySQL failed: " + e.getMessage() + " (dataflux.mysql.url, dataflux.mysql.username/password;"
                    + " lineage needs schema version 3: run DataFlux once, or dataflux check)");
            return 1;
        } finally {
            main.stop();
        }
    }
}
