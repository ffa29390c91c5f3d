package io.dataflux.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Last step of the ingest route, reached only when MySQL and Kafka have the whole batch: every record's sinks part is
 * done; a dead-lettered record will never reach the archive, so its archive part is done too. The entries whose
 * deliveries complete here (their archive part came first, or they were dead-lettered) are acknowledged.
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
        List<Delivery> completed = new ArrayList<>();
        for (SourceRecord record : records) {
            Delivery delivery = record.delivery();
            if (delivery.sinksDone()) {
                completed.add(delivery);
            }
            if (deadLettered.contains(record.sourceId()) && delivery.archived()) {
                completed.add(delivery);
            }
        }
        Acknowledgements.acknowledge(completed);
    }
}
