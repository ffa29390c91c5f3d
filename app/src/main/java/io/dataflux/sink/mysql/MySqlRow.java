package io.dataflux.sink.mysql;

import io.dataflux.ExchangeProperties;

import io.dataflux.enrich.EnrichedPost;
import io.dataflux.enrich.RecordUnpacker;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/** For the row-by-row retry: one version of a post becomes its row, and its record a property the dead letter reads. */
public final class MySqlRow implements Processor {

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        EnrichedPost post = exchange.getIn().getMandatoryBody(EnrichedPost.class);
        exchange.setProperty(ExchangeProperties.RECORD, post.source());
        exchange.getIn().setBody(PostRows.toRow(post));
    }
}
