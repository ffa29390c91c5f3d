package io.dataflux.pipeline;

/**
 * One record as it left Redis: the entry id it came from, its raw bytes untouched (so that a rejected record can be
 * dead-lettered exactly as it arrived), and the delivery that tracks when it may be acknowledged.
 *
 * @param sourceId the Redis stream entry id (or list item position) the record came from
 * @param payload  the record's bytes, which should hold one JSON post
 * @param delivery when the entry may be acknowledged; null for records that come from no acknowledging source
 */
public record SourceRecord(String sourceId, byte[] payload, Delivery delivery) {

    /** A record with nothing to acknowledge (tests, files). */
    public SourceRecord(String sourceId, byte[] payload) {
        this(sourceId, payload, null);
    }
}
