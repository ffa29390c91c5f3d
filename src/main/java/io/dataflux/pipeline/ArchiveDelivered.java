package io.dataflux.pipeline;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * After an archive aggregate is hsync'd to HDFS: every record in it has its archive part done, and the entries whose
 * deliveries complete here (MySQL and Kafka already had them) are acknowledged.
 */
public final class ArchiveDelivered implements Processor {

    @Override
    public void process(Exchange exchange) {
        List<Delivery> completed = new ArrayList<>();
        for (Delivery delivery : deliveries(exchange)) {
            if (delivery.archived()) {
                completed.add(delivery);
            }
        }
        Acknowledgements.acknowledge(completed);
    }

    @SuppressWarnings("unchecked")
    static List<Delivery> deliveries(Exchange exchange) {
        List<Delivery> deliveries = exchange.getProperty(ArchiveAggregation.DELIVERIES, List.class);
        return deliveries == null ? List.of() : deliveries;
    }
}
