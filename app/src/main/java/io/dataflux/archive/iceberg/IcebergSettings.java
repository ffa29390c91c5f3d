package io.dataflux.archive.iceberg;

import java.time.Duration;

import org.apache.camel.CamelContext;

/**
 * The {@code dataflux.iceberg.*} properties: where the archive's Iceberg table lives and how it is kept.
 *
 * @param enabled           true: each archive aggregate is also committed to the table
 * @param warehouse         the Hadoop catalog's warehouse, a full URI (e.g. hdfs://namenode:8020/dataflux/warehouse)
 * @param table             the table's name, namespace first (e.g. forum.posts)
 * @param commitRetries     how often a commit that lost the race to another replica's is retried on the new state
 * @param snapshotRetention snapshots younger than this are kept, and searched for an aggregate already committed
 * @param orphanAge         a data file no snapshot references is deleted once older than this
 * @param targetFileSize    compaction writes files of about this size (bytes)
 */
public record IcebergSettings(boolean enabled, String warehouse, String table, int commitRetries,
                              Duration snapshotRetention, Duration orphanAge, long targetFileSize) {

    public static final String PREFIX = "dataflux.iceberg.";

    /** The settings as the context's properties resolve them. */
    public static IcebergSettings of(CamelContext context) {
        return new IcebergSettings(
                Boolean.parseBoolean(property(context, "enabled")),
                property(context, "warehouse"),
                property(context, "table"),
                Integer.parseInt(property(context, "commit-retries")),
                Duration.ofMillis(Long.parseLong(property(context, "snapshot-retention"))),
                Duration.ofMillis(Long.parseLong(property(context, "orphan-age"))),
                Long.parseLong(property(context, "target-file-size")));
    }

    private static String property(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + PREFIX + key + "}}").trim();
    }
}
