package io.dataflux.pipeline;

/**
 * One record as it left Redis: the entry id it came from and its raw bytes, untouched, so that a rejected record can
 * be dead-lettered exactly as it arrived.
 *
 * @param sourceId the Redis stream entry id (or list item position) the record came from
 * @param payload  the record's bytes, which should hold one JSON post
 */
public record SourceRecord(String sourceId, byte[] payload) {
}
