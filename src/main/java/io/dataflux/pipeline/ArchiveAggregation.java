package io.dataflux.pipeline;

import java.util.ArrayList;
import java.util.List;

import io.dataflux.component.redis.RedisEntry;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers posts for one HDFS write: the body becomes the list of the posts' JSON (UTF-8 bytes, serialized once for
 * every sink, which the hdfs component writes as they are, one line each), their Redis entries
 * are kept beside it, and the running byte count (of the records as read) lets the route complete the
 * aggregate by size as well as by count and time.
 */
public final class ArchiveAggregation implements AggregationStrategy {

    public static final String ENTRIES = "dataflux.archive.entries";
    public static final String BYTES = "dataflux.archive.bytes";
    /** True once the last post of a batch is in: the aggregate completes then, its entries never wait for a timeout. */
    public static final String BATCH_END = "dataflux.archive.batchEnd";
    /** The aggregate's enriched posts, kept only with {@link #setKeepPosts}: the Iceberg table needs their version keys. */
    public static final String POSTS = "dataflux.archive.posts";

    private boolean keepPosts;

    /** Also keep the enriched posts (exchange property {@link #POSTS}), not only their JSON lines. */
    public void setKeepPosts(boolean keepPosts) {
        this.keepPosts = keepPosts;
    }

    @Override
    public Exchange aggregate(Exchange aggregate, Exchange next) {
        EnrichedPost post = next.getIn().getBody(EnrichedPost.class);
        Exchange result = aggregate;
        if (result == null) {
            result = next;
            result.getIn().setBody(new ArrayList<byte[]>());
            result.setProperty(ENTRIES, new ArrayList<RedisEntry>());
            result.setProperty(BYTES, 0L);
        }
        @SuppressWarnings("unchecked")
        List<byte[]> lines = result.getIn().getBody(List.class);
        lines.add(post.json().bytes());
        if (keepPosts) {
            @SuppressWarnings("unchecked")
            List<EnrichedPost> posts = result.getProperty(POSTS, List.class);
            if (posts == null) {
                posts = new ArrayList<>();
                result.setProperty(POSTS, posts);
            }
            posts.add(post);
        }
        if (post.source().entry() != null) {
            @SuppressWarnings("unchecked")
            List<RedisEntry> entries = result.getProperty(ENTRIES, List.class);
            entries.add(post.source().entry());
        }
        result.setProperty(BYTES, result.getProperty(BYTES, Long.class) + post.source().payload().length);
        result.setProperty(BATCH_END, next.getProperty(Exchange.SPLIT_COMPLETE, false, Boolean.class));
        return result;
    }
}
