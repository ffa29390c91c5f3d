package io.dataflux;

/**
 * The route &lt;-&gt; Java contract in one place: every exchange property and header that the route files and the
 * pipeline's Java classes share (what a route step reads that a bean set, or the other way round). Each is named like
 * Camel's own ({@code CamelAggregatedSize}): {@code DataFlux...}, never like the configuration keys
 * ({@code dataflux.archive.batch-bytes}) that the route files read with {@code {{...}}}. A route file uses the same
 * literal name, e.g. {@code ${exchangeProperty.DataFluxDeadLetterOverflow}}.
 */
public final class ExchangeProperties {

    // ---- ingest: the batch and its records ----

    /** The batch's first Redis entry id, for the logs' MDC (camel.mdc.customProperties); the records' exchanges inherit it. */
    public static final String BATCH_ID = "DataFluxBatchId";
    /** The {@code SourceRecord} a record's exchange carries, kept for the dead letter whatever the body has become. */
    public static final String RECORD = "DataFluxRecord";
    /** The record's Redis entry id, for the logs' MDC (camel.mdc.customProperties). */
    public static final String RECORD_ID = "DataFluxRecordId";

    /**
     * The enriched batch as the sinks accepted it: its posts are what MySQL has, its dead-lettered records what the
     * enrichers or MySQL refused. Set after MySQL (MySqlAccepted); the sinks' multicast gives each branch its own body,
     * and the ingest route's acknowledgement reads the batch here.
     */
    public static final String BATCH = "DataFluxBatch";

    /**
     * The names of the sinks whose routes have the whole batch (a concurrent set): each sink route adds its own as
     * its last step (acknowledgements' delivered(*, 'NAME')), and the ingest route's acknowledgement counts them.
     */
    public static final String DELIVERED_SINKS = "DataFluxDeliveredSinks";

    // ---- dead letter ----

    /** Set on a record's exchange by the dead-letter route once the record is safely written there. */
    public static final String DEAD_LETTERED = "DataFluxDeadLettered";
    /** True on a dead letter of an entry the source refused (read by no step after, counted as read and dead-lettered). */
    public static final String DEAD_LETTER_AT_SOURCE = "DataFluxDeadLetterAtSource";
    /** The dead-letter row, kept while the body is the whole payload on its way to HDFS. */
    public static final String DEAD_LETTER_ROW = "DataFluxDeadLetterRow";
    /** The partition (directory) of the whole payload under the dead-letter directory: its SHA-256. */
    public static final String DEAD_LETTER_DIGEST = "DataFluxDeadLetterDigest";
    /** True when the payload is larger than the row keeps: the whole payload goes to HDFS first. */
    public static final String DEAD_LETTER_OVERFLOW = "DataFluxDeadLetterOverflow";

    // ---- sink: MySQL ----

    /** Every post of the batch, each version on its own, in the order of their rows (split row by row on a refusal). */
    public static final String MYSQL_VERSIONS = "DataFluxMySqlVersions";
    /** The batch as it came to MySQL, for what follows MySQL. */
    public static final String MYSQL_BATCH = "DataFluxMySqlBatch";
    /** The source ids of the posts MySQL refused row by row (dead-lettered). */
    public static final String MYSQL_REFUSED = "DataFluxMySqlRefused";

    // ---- archive ----

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
    /** When an Iceberg aggregate was first attempted: its records' ingested_at, the same on every retry. */
    public static final String ICEBERG_INGESTED_AT = "DataFluxIcebergIngestedAt";

    private ExchangeProperties() {
    }
}
