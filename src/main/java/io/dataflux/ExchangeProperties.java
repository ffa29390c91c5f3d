package io.dataflux;

/**
 * The exchange properties the route files and the pipeline's Java classes share: what a route step reads that a bean
 * set, or the other way round. Named like Camel's own ({@code CamelAggregatedSize}), not like the configuration keys
 * ({@code dataflux.archive.batch-bytes}) that the route files read with {@code {{...}}}.
 */
public final class ExchangeProperties {

    /**
     * The enriched batch as the sinks accepted it: its posts are what MySQL has, its dead-lettered records what the
     * enrichers or MySQL refused. Set after MySQL (MySqlAccepted); the sinks' multicast gives each branch its own body,
     * and the ingest route's acknowledgement reads the batch here.
     */
    public static final String BATCH = "DataFluxBatch";

    /** An archive aggregate's Redis entries, acknowledged (their archive part) once it is hsync'd. */
    public static final String ARCHIVE_ENTRIES = "DataFluxArchiveEntries";
    /** An archive aggregate's enriched posts beside their JSON lines: source ids and version keys for Avro, Parquet, Iceberg. */
    public static final String ARCHIVE_POSTS = "DataFluxArchivePosts";
    /** How many posts an archive aggregate holds: the aggregator completes it at dataflux.archive.batch-records. */
    public static final String ARCHIVE_RECORDS = "DataFluxArchiveRecords";
    /** How many bytes of JSON an archive aggregate holds: the aggregator completes it at dataflux.archive.batch-bytes. */
    public static final String ARCHIVE_BYTES = "DataFluxArchiveBytes";
    /**
     * True when no archive write is submitted or running: the aggregate is written at once. While one is, the batches
     * that arrive are gathered and written together when it ends.
     */
    public static final String ARCHIVE_WRITER_IDLE = "DataFluxArchiveWriterIdle";

    private ExchangeProperties() {
    }
}
