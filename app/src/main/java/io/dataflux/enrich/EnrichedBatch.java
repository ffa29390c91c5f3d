package io.dataflux.enrich;

import io.dataflux.ingest.SourceRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import io.dataflux.component.redis.RedisEntry;

/**
 * A batch after enrichment: the posts that go on to the sinks, in the order they were read, and the records that were
 * dead-lettered instead (already written to the dead letter, to be acknowledged with the batch). Every record of the
 * batch is in one of the two, so the batch knows every Redis entry it must acknowledge.
 */
public final class EnrichedBatch {

    private final List<EnrichedPost> posts = new ArrayList<>();
    private final List<SourceRecord> deadLettered = new ArrayList<>();

    /** A batch of posts built outside the enrich route (tools, tests), with nothing dead-lettered. */
    public static EnrichedBatch of(List<EnrichedPost> posts) {
        EnrichedBatch batch = new EnrichedBatch();
        posts.forEach(batch::add);
        return batch;
    }

    synchronized void add(EnrichedPost post) {
        posts.add(post);
    }

    synchronized void addDeadLettered(SourceRecord record) {
        deadLettered.add(record);
    }

    /**
     * This batch without the posts of the given source ids, whose records join the dead-lettered ones (a sink refused
     * them after the enrichers had let them through).
     */
    public synchronized EnrichedBatch withoutRefused(Set<String> refusedSourceIds) {
        EnrichedBatch accepted = new EnrichedBatch();
        for (EnrichedPost post : posts) {
            if (refusedSourceIds.contains(post.sourceId())) {
                accepted.addDeadLettered(post.source());
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

    /** The source ids of the dead-lettered records. */
    public synchronized List<String> deadLettered() {
        return deadLettered.stream().map(SourceRecord::sourceId).toList();
    }

    /** The Redis entries of every record of the batch, posts and dead-lettered (records from no Redis source have none). */
    public synchronized List<RedisEntry> entries() {
        List<RedisEntry> entries = new ArrayList<>(posts.size() + deadLettered.size());
        posts.forEach(post -> addEntry(entries, post.source()));
        deadLettered.forEach(record -> addEntry(entries, record));
        return entries;
    }

    /** The Redis entries of the dead-lettered records: they will never reach the archive. */
    public synchronized List<RedisEntry> deadLetteredEntries() {
        List<RedisEntry> entries = new ArrayList<>(deadLettered.size());
        deadLettered.forEach(record -> addEntry(entries, record));
        return entries;
    }

    private static void addEntry(List<RedisEntry> entries, SourceRecord record) {
        if (record.entry() != null) {
            entries.add(record.entry());
        }
    }

    @Override
    public synchronized String toString() {
        return "EnrichedBatch[" + posts.size() + " posts, " + deadLettered.size() + " dead-lettered]";
    }
}
