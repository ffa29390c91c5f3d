package io.dataflux.ingest;

import io.dataflux.component.redis.RedisEntry;

/**
 * One record as it left Redis: the entry id it came from, its raw bytes untouched (so that a rejected record can be
 * dead-lettered exactly as it arrived), and the entry to acknowledge once every sink has the record.
 *
 * @param sourceId the Redis stream entry id (or list item position) the record came from
 * @param payload  the record's bytes, which should hold one JSON post
 * @param entry    the Redis entry, acknowledged after the parts {@link #SINKS} and {@link #ARCHIVE}; null for records
 *                 that come from no acknowledging source
 */
public record SourceRecord(String sourceId, byte[] payload, RedisEntry entry) {

    /** MySQL committed and Kafka acknowledged the record, or it went to the dead letter. */
    public static final String SINKS = "sinks";
    /** The archive hsync'd the record to HDFS, or it will never go there (dead-lettered). */
    public static final String ARCHIVE = "archive";

    /** A record with nothing to acknowledge (tests, files). */
    public SourceRecord(String sourceId, byte[] payload) {
        this(sourceId, payload, null);
    }
}
