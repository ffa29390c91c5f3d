package io.dataflux.enrich;

import java.util.Map;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/** The content enricher's strategy: the profile the author lookup found (or null) becomes the post's author field. */
public final class AuthorProfileMerge implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange post, Exchange lookup) {
        if (lookup.getException() != null) {
            post.setException(lookup.getException()); // an unreachable store fails the batch, it is not "no profile"
            return post;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = post.getIn().getBody(Map.class);
        fields.put(PostFields.AUTHOR, lookup.getMessage().getBody(Map.class));
        return post;
    }
}
