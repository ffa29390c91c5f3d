package io.dataflux.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.dataflux.enrich.PostFields;
import io.dataflux.pipeline.EnrichedBatch;
import io.dataflux.pipeline.EnrichedPost;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * Prepares a batch for the MySQL upsert: posts that share an id inside the batch are merged into one (later fields
 * win, so MySQL never sees the same key twice in one statement), the body becomes their rows, and the merged posts
 * are kept in a property for the row-by-row retry.
 */
public final class MySqlRows implements Processor {

    /** The merged posts, in the order of the rows. */
    public static final String MERGED_POSTS = "dataflux.mysql.mergedPosts";

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        EnrichedBatch batch = exchange.getIn().getMandatoryBody(EnrichedBatch.class);
        List<EnrichedPost> merged = mergeByKey(batch.posts());
        List<Map<String, Object>> rows = new ArrayList<>(merged.size());
        merged.forEach(post -> rows.add(PostRows.toRow(post.post(), post.sourceId())));
        exchange.setProperty(MERGED_POSTS, merged);
        exchange.getIn().setBody(rows);
    }

    static List<EnrichedPost> mergeByKey(List<EnrichedPost> posts) {
        Map<Object, EnrichedPost> merged = new LinkedHashMap<>();
        for (EnrichedPost post : posts) {
            merged.merge(post.post().get(PostFields.ID), post, (earlier, later) -> {
                Map<String, Object> fields = new LinkedHashMap<>(earlier.post());
                fields.putAll(later.post());
                return new EnrichedPost(later.source(), fields);
            });
        }
        return new ArrayList<>(merged.values());
    }
}
