package io.dataflux.pipeline;

import io.dataflux.component.redis.RedisEntry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The archive could not write an aggregate, retries included: its entries go back to Redis to be delivered again
 * (held in flight, they would never be redelivered and would block the source).
 */
public final class ArchiveFailed implements Processor {

    @Override
    public void process(Exchange exchange) {
        // with the cause: an HDFS outage does not count towards the entries' maxDeliveries and pauses the source
        RedisEntry.releaseAll(ArchiveDelivered.entries(exchange),
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }
}
