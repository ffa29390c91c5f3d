package io.dataflux.sink;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
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
 * Prepares a batch for the MySQL upsert: posts that share an id inside the batch are merged into one (the newer
 * version's fields win, by created_at, else the later in the batch; MySQL never sees the same key twice in one
 * statement), the body becomes their rows in key order, and the merged posts
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

    private static boolean isOlder(Map<String, Object> post, Map<String, Object> than) {
        Object createdAt = post.get(PostFields.CREATED_AT);
        Object otherCreatedAt = than.get(PostFields.CREATED_AT);
        return createdAt != null && otherCreatedAt != null
                && OffsetDateTime.parse((String) createdAt).isBefore(OffsetDateTime.parse((String) otherCreatedAt));
    }

    static List<EnrichedPost> mergeByKey(List<EnrichedPost> posts) {
        Map<Object, EnrichedPost> merged = new LinkedHashMap<>();
        for (EnrichedPost post : posts) {
            merged.merge(post.post().get(PostFields.ID), post, (earlier, later) -> {
                // the same rule as the upsert's: an older version does not replace a newer one
                boolean laterIsOlder = isOlder(later.post(), earlier.post());
                Map<String, Object> fields = new LinkedHashMap<>(laterIsOlder ? later.post() : earlier.post());
                fields.putAll(laterIsOlder ? earlier.post() : later.post());
                return laterIsOlder ? new EnrichedPost(earlier.source(), fields) : new EnrichedPost(later.source(), fields);
            });
        }
        // in key order: parallel batches that share posts (edits) then lock their rows in the same order, so
        // InnoDB does not deadlock them against each other (each deadlock cost a retry after backoff)
        List<EnrichedPost> sorted = new ArrayList<>(merged.values());
        sorted.sort(Comparator.comparing(post -> String.valueOf(post.post().get(PostFields.ID))));
        return sorted;
    }
}
