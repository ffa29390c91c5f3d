package io.dataflux.enrich;

import io.dataflux.ExchangeProperties;

import io.dataflux.ingest.SourceRecord;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * First step for each record of a split batch: the record's bytes become the body, the record itself and its source id
 * go to exchange properties, where the aggregation and the dead letter find them whatever the body has become.
 */
public final class RecordUnpacker implements Processor {


    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        SourceRecord record = exchange.getIn().getMandatoryBody(SourceRecord.class);
        exchange.setProperty(ExchangeProperties.RECORD, record);
        exchange.setProperty(ExchangeProperties.RECORD_ID, record.sourceId());
        exchange.getIn().setBody(record.payload());
    }
}
