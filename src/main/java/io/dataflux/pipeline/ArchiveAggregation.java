package io.dataflux.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers posts for one HDFS write: the body becomes the list of posts (written as JSON lines), the deliveries they
 * complete are kept beside it, and the running byte count (of the records as read) lets the route complete the
 * aggregate by size as well as by count and time.
 */
public final class ArchiveAggregation implements AggregationStrategy {

    public static final String DELIVERIES = "dataflux.archive.deliveries";
    public static final String BYTES = "dataflux.archive.bytes";

    @Override
    public Exchange aggregate(Exchange aggregate, Exchange next) {
        EnrichedPost post = next.getIn().getBody(EnrichedPost.class);
        Exchange result = aggregate;
        if (result == null) {
            result = next;
            result.getIn().setBody(new ArrayList<Map<String, Object>>());
            result.setProperty(DELIVERIES, new ArrayList<Delivery>());
            result.setProperty(BYTES, 0L);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> posts = result.getIn().getBody(List.class);
        posts.add(post.post());
        if (post.source().delivery() != null) {
            @SuppressWarnings("unchecked")
            List<Delivery> deliveries = result.getProperty(DELIVERIES, List.class);
            deliveries.add(post.source().delivery());
        }
        result.setProperty(BYTES, result.getProperty(BYTES, Long.class) + post.source().payload().length);
        return result;
    }
}
