package io.dataflux.sink.mysql;

import java.util.Set;

import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.ExchangeProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * After MySQL: the batch goes on to Kafka and the archive without the posts MySQL refused (they are in the dead
 * letter), so that no post is published or archived that MySQL does not have. The batch the acknowledgement reads is
 * replaced too: a refused record's archive part is done, as it will never be archived.
 */
public final class MySqlAccepted implements Processor {

    @Override
    public void process(Exchange exchange) {
        EnrichedBatch batch = exchange.getProperty(ExchangeProperties.MYSQL_BATCH, EnrichedBatch.class);
        Set<String> refused = MySqlRows.refused(exchange);
        EnrichedBatch accepted = refused == null || refused.isEmpty() ? batch : batch.withoutRefused(refused);
        exchange.setProperty(ExchangeProperties.BATCH, accepted);
        exchange.getIn().setBody(accepted);
        exchange.removeProperty(ExchangeProperties.MYSQL_BATCH);
        exchange.removeProperty(ExchangeProperties.MYSQL_VERSIONS);
    }
}
