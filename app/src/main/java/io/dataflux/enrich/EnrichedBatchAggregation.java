package io.dataflux.enrich;

import io.dataflux.ExchangeProperties;

import io.dataflux.ingest.SourceRecord;

import java.util.Map;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/**
 * Re-assembles the batch the enrich route split into records. A record that was dead-lettered is counted as such; any
 * other failure (an outage while enriching, a dead letter that could not be written) fails the whole batch, so that it
 * stays pending in Redis and is retried: nothing is swallowed.
 */
public final class EnrichedBatchAggregation implements AggregationStrategy {


    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange result = oldExchange;
        if (result == null) {
            // a fresh exchange, never a record's: the split copies the result's state back to the batch, and a
            // dead-lettered record's "error handled" state would end the batch's route right after the split
            result = new DefaultExchange(newExchange.getContext());
            result.setProperty(EnrichedBatch.class.getName(), new EnrichedBatch());
        }
        EnrichedBatch batch = result.getProperty(EnrichedBatch.class.getName(), EnrichedBatch.class);
        Exception failure = newExchange.getException();
        SourceRecord record = newExchange.getProperty(ExchangeProperties.RECORD, SourceRecord.class);
        if (failure != null) {
            result.setException(failure);
        } else if (newExchange.getProperty(ExchangeProperties.DEAD_LETTERED, false, Boolean.class)) {
            batch.addDeadLettered(record);
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> post = newExchange.getMessage().getBody(Map.class);
            batch.add(new EnrichedPost(record, post));
        }
        return result;
    }

    /** The batch becomes the body once every record is in. */
    @Override
    public void onCompletion(Exchange exchange, Exchange inputExchange) {
        EnrichedBatch batch = exchange.getProperty(EnrichedBatch.class.getName(), EnrichedBatch.class);
        exchange.getMessage().setBody(batch == null ? new EnrichedBatch() : batch);
        exchange.removeProperty(EnrichedBatch.class.getName());
    }
}
