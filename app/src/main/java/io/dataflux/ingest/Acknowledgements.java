package io.dataflux.ingest;

import io.dataflux.ExchangeProperties;
import io.dataflux.enrich.EnrichedBatch;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.dataflux.component.redis.RedisEntry;
import io.dataflux.ops.PipelineMetrics;
import org.apache.camel.Exchange;

/**
 * Where the pipeline reports what is done with the Redis entries, and so where they are acknowledged. Each entry
 * waits for two parts (declared by {@link IngestBatch}): {@link SourceRecord#SINKS}, MySQL and every sink of
 * dataflux.sinks have its batch (routes/sinks.camel.xml), and {@link SourceRecord#ARCHIVE}, the archive hsync'd the
 * aggregate that holds its post. The part done last acknowledges the entry, with the others whose last part it was, in
 * one Redis command. A record that was dead-lettered has nothing to archive: its archive part is done with the sinks'.
 */
public final class Acknowledgements {

    /**
     * A sink's route has the whole batch (its last step): the sink is counted as delivered when the batch completes.
     * MySQL's route, which runs first on the batch's own exchange, opens the set the parallel sinks share.
     */
    public void delivered(Exchange exchange, String sink) {
        @SuppressWarnings("unchecked")
        Set<String> sinks = exchange.getProperty(ExchangeProperties.DELIVERED_SINKS, Set.class);
        if (sinks == null) {
            sinks = ConcurrentHashMap.newKeySet();
            exchange.setProperty(ExchangeProperties.DELIVERED_SINKS, sinks);
        }
        sinks.add(sink);
    }

    /**
     * The ingest route's last step, reached only when every sink (MySQL, then those of dataflux.sinks in parallel) has
     * the whole batch: the sinks each sink route marked are counted as delivered.
     */
    public void sinksDelivered(Exchange exchange) {
        EnrichedBatch batch = exchange.getProperty(ExchangeProperties.BATCH, EnrichedBatch.class);
        PipelineMetrics metrics = PipelineMetrics.of(exchange.getContext());
        int posts = batch.posts().size();
        @SuppressWarnings("unchecked")
        Set<String> sinks = exchange.getProperty(ExchangeProperties.DELIVERED_SINKS, Set.class);
        if (sinks != null) {
            sinks.forEach(sink -> metrics.delivered(sink, posts));
        }
        metrics.acknowledged(RedisEntry.doneAll(batch.deadLetteredEntries(), SourceRecord.ARCHIVE));
        metrics.acknowledged(RedisEntry.doneAll(batch.entries(), SourceRecord.SINKS));
    }

    /** After an archive aggregate is hsync'd to HDFS. */
    public void archiveWritten(Exchange exchange) {
        PipelineMetrics metrics = PipelineMetrics.of(exchange.getContext());
        metrics.delivered("hdfs", exchange.getProperty(ExchangeProperties.ARCHIVE_RECORDS, 0, Integer.class));
        metrics.acknowledged(RedisEntry.doneAll(archiveEntries(exchange), SourceRecord.ARCHIVE));
    }

    /**
     * The archive could not write an aggregate, retries included: its entries go back to Redis to be delivered again
     * (held in flight, they would never be redelivered and would block the source). With the cause: an HDFS outage
     * does not count towards the entries' maxDeliveries and pauses the source.
     */
    public void archiveFailed(Exchange exchange) {
        RedisEntry.releaseAll(archiveEntries(exchange), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    @SuppressWarnings("unchecked")
    private static List<RedisEntry> archiveEntries(Exchange exchange) {
        List<RedisEntry> entries = exchange.getProperty(ExchangeProperties.ARCHIVE_ENTRIES, List.class);
        return entries == null ? List.of() : entries;
    }
}
