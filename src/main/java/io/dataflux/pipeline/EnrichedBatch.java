package io.dataflux.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
