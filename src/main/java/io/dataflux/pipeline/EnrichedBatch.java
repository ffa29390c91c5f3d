package io.dataflux.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A batch after enrichment: the posts that go on to the sinks, in the order they were read, and the source ids of the
 * records that were dead-lettered instead (already written to the dead letter, to be acknowledged with the batch).
 */
public final class EnrichedBatch {

    private final List<EnrichedPost> posts = new ArrayList<>();
    private final List<String> deadLettered = new ArrayList<>();

    synchronized void add(EnrichedPost post) {
        posts.add(post);
    }

    synchronized void addDeadLettered(String sourceId) {
        deadLettered.add(sourceId);
    }

    /**
     * This batch without the posts of the given source ids, which join the dead-lettered ones (a sink refused them
     * after the enrichers had let them through).
     */
    public synchronized EnrichedBatch withoutRefused(Set<String> refusedSourceIds) {
        EnrichedBatch accepted = new EnrichedBatch();
        for (EnrichedPost post : posts) {
            if (refusedSourceIds.contains(post.sourceId())) {
                accepted.addDeadLettered(post.sourceId());
            } else {
                accepted.add(post);
            }
        }
        deadLettered.forEach(accepted::addDeadLettered);
        return accepted;
    }

    public synchronized List<EnrichedPost> posts() {
        return Collections.unmodifiableList(new ArrayList<>(posts));
    }

    public synchronized List<String> deadLettered() {
        return Collections.unmodifiableList(new ArrayList<>(deadLettered));
    }

    @Override
    public synchronized String toString() {
        return "EnrichedBatch[" + posts.size() + " posts, " + deadLettered.size() + " dead-lettered]";
    }
}
