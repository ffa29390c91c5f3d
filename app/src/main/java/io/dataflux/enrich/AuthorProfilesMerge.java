package io.dataflux.enrich;

import java.util.Map;

import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.enrich.EnrichedPost;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The batch content enricher's strategy: each post's author field becomes the profile the batch lookup found for its
 * author_id, or null for an unknown author.
 */
public final class AuthorProfilesMerge implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange lookupExchange) {
        if (lookupExchange.getException() != null) {
            // an unreachable store fails the batch, it is not "no profile"
            batchExchange.setException(lookupExchange.getException());
            return batchExchange;
        }
        Map<String, Map<String, Object>> profiles = lookupExchange.getMessage().getBody(AuthorLookup.class).profiles();
        for (EnrichedPost post : batchExchange.getMessage().getBody(EnrichedBatch.class).posts()) {
            Object authorId = post.post().get(PostFields.AUTHOR_ID);
            post.post().put(PostFields.AUTHOR, authorId == null ? null : profiles.get(authorId));
        }
        return batchExchange;
    }
}
