package io.dataflux.pipeline;

import java.util.Map;

/**
 * A post that passed every enricher, with the record it came from (whose bytes a sink that rejects the post
 * dead-letters).
 *
 * @param source the record as read from Redis
 * @param post   the cleaned, derived and validated post
 */
public record EnrichedPost(SourceRecord source, Map<String, Object> post) {

    public String sourceId() {
        return source.sourceId();
    }
}
