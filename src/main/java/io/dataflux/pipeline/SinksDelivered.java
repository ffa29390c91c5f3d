package io.dataflux.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.dataflux.component.redis.RedisEntry;
import io.dataflux.ops.PipelineMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Last step of the ingest route, reached only when MySQL and Kafka have the whole batch: every entry's sinks part is
 * done; a dead-lettered record will never reach the archive, so its archive part is done too. The entries whose last
 * part this was are acknowledged, in one Redis command.
 */
public final class SinksDelivered implements Processor {

    /** The batch as the enrich route returned it. */
    public static final String ENRICHED = "dataflux.enrichedBatch";

    @Override
    public void process(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<SourceRecord> records = exchange.getProperty(IngestBatch.RECORDS, List.class);
        EnrichedBatch enriched = exchange.getProperty(ENRICHED, EnrichedBatch.class);
        Set<String> deadLettered = new HashSet<>(enriched.deadLettered());
        List<RedisEntry> entries = new ArrayList<>(records.size());
        List<RedisEntry> neverArchived = new ArrayList<>();
        for (SourceRecord record : records) {
            entries.add(record.entry());
            if (deadLettered.contains(record.sourceId())) {
                neverArchived.add(record.entry());
            }
        }
        PipelineMetrics metrics = PipelineMetrics.of(exchange.getContext());
        metrics.delivered("mysql", enriched.posts().size());
        metrics.delivered("kafka", enriched.posts().size());
        metrics.acknowledged(RedisEntry.doneAll(neverArchived, SourceRecord.ARCHIVE));
        metrics.acknowledged(RedisEntry.doneAll(entries, SourceRecord.SINKS));
    }
}
