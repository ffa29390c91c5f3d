package io.dataflux.archive;

import io.dataflux.ExchangeProperties;
import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.enrich.EnrichedPost;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.dataflux.component.redis.RedisEntry;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.DefaultAggregateController;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The archive aggregator's strategy and controller: whole enriched batches are gathered for one HDFS write. The body
 * becomes the list of the posts' JSON (UTF-8 bytes, serialized once for every sink, which the hdfs component writes as
 * they are, one line each); their Redis entries, how many posts and how many bytes the aggregate holds, and whether
 * the writer is idle, go to exchange properties ({@link ExchangeProperties}) for the route's completion predicate
 * and for the acknowledgement.
 * <p>
 * Group commit: while no write is submitted or running, a batch is written at once (it never waits for the
 * completion timeout); the batches that arrive while one is written are gathered, and written together as soon as
 * it ends, success or failure: this strategy is the aggregator's controller too, and completes them then.
 */
public final class ArchiveAggregation extends DefaultAggregateController implements AggregationStrategy {

    /** Aggregates completed and not yet written (or given up). */
    private final AtomicInteger writesInFlight = new AtomicInteger();

    @Override
    public Exchange aggregate(Exchange aggregate, Exchange next) {
        EnrichedBatch batch = next.getIn().getBody(EnrichedBatch.class);
        Exchange result = aggregate;
        if (result == null) {
            result = next;
            result.getIn().setBody(new ArrayList<byte[]>());
            result.setProperty(ExchangeProperties.ARCHIVE_ENTRIES, new ArrayList<RedisEntry>());
            result.setProperty(ExchangeProperties.ARCHIVE_BYTES, 0L);
            // the posts themselves too (references, their JSON is the lines'): Avro, Parquet and the Iceberg table
            // record each version's source id and version key, which the JSON does not hold
            result.setProperty(ExchangeProperties.ARCHIVE_POSTS, new ArrayList<EnrichedPost>());
        }
        @SuppressWarnings("unchecked")
        List<byte[]> lines = result.getIn().getBody(List.class);
        @SuppressWarnings("unchecked")
        List<RedisEntry> entries = result.getProperty(ExchangeProperties.ARCHIVE_ENTRIES, List.class);
        long bytes = result.getProperty(ExchangeProperties.ARCHIVE_BYTES, Long.class);
        @SuppressWarnings("unchecked")
        List<EnrichedPost> posts = result.getProperty(ExchangeProperties.ARCHIVE_POSTS, List.class);
        posts.addAll(batch.posts());
        for (EnrichedPost post : batch.posts()) {
            byte[] line = post.json().bytes();
            lines.add(line);
            bytes += line.length + 1;
            if (post.source().entry() != null) {
                entries.add(post.source().entry());
            }
        }
        result.setProperty(ExchangeProperties.ARCHIVE_RECORDS, lines.size());
        result.setProperty(ExchangeProperties.ARCHIVE_BYTES, bytes);
        result.setProperty(ExchangeProperties.ARCHIVE_WRITER_IDLE, writesInFlight.get() == 0);
        return result;
    }

    /** An aggregate is complete and goes to the writer: the batches that arrive meanwhile wait for its end. */
    @Override
    public void onCompletion(Exchange aggregate) {
        aggregate.removeProperty(ExchangeProperties.ARCHIVE_WRITER_IDLE);
        writesInFlight.incrementAndGet();
        aggregate.getExchangeExtension().addOnCompletion(new WriteEnded());
    }

    /**
     * When a write ends, the batches gathered meanwhile are completed at once. First of the aggregated exchange's
     * completions: the aggregator counts the write as in progress until its own runs, so a graceful stop that waits for
     * the writes in progress also waits for the one submitted here.
     */
    private final class WriteEnded extends SynchronizationAdapter {

        @Override
        public void onDone(Exchange exchange) {
            writesInFlight.decrementAndGet();
            forceCompletionOfAllGroups();
        }

        @Override
        public boolean allowHandover() {
            return false;
        }

        @Override
        public int getOrder() {
            return HIGHEST;
        }
    }
}
