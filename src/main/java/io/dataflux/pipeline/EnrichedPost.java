package io.dataflux.pipeline;

import java.util.Map;

/**
 * A post that passed every enricher, with the Redis entry it came from.
 *
 * @param sourceId the Redis entry id
 * @param post     the cleaned, derived and validated post
 */
public record EnrichedPost(String sourceId, Map<String, Object> post) {
}
