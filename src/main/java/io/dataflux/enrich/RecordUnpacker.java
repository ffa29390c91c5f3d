package io.dataflux.enrich;

import io.dataflux.ingest.SourceRecord;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * First step for each record of a split batch: the record's bytes become the body, the record itself and its source id
 * go to exchange properties, where the aggregation and the dead letter find them whatever the body has become.
 */
public final class RecordUnpacker implements Processor {

    /** The {@link SourceRecord} an exchange carries, kept for the dead letter. */
    public static final String RECORD = "dataflux.record";
    /** The record's Redis entry id, for the logs' MDC (camel.mdc.customProperties). */
    public static final String RECORD_ID = "dataflux.recordId";

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        SourceRecord record = exchange.getIn().getMandatoryBody(SourceRecord.class);
        exchange.setProperty(RECORD, record);
        exchange.setProperty(RECORD_ID, record.sourceId());
        exchange.getIn().setBody(record.payload());
    }
}
