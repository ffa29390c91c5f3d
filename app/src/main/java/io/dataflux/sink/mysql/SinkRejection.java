package io.dataflux.sink.mysql;

import io.dataflux.ExchangeProperties;

import io.dataflux.enrich.RejectReason;
import io.dataflux.enrich.RejectedRecordException;
import io.dataflux.enrich.RecordUnpacker;
import io.dataflux.ingest.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;

/**
 * Turns the exception a sink raised for one record's content (caught by a doCatch) into a rejection for the dead
 * letter that follows. It sets the rejection rather than throwing it: inside doTry/doCatch Camel's error handler
 * does not apply, so a thrown rejection would fail the whole batch. The record's source id joins the batch's refused
 * ones, which go on to no other sink.
 */
public final class SinkRejection implements Processor {

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Exception.class);
        String detail = cause == null ? "refused by the sink" : rootMessage(cause);
        exchange.setProperty(ExchangePropertyKey.EXCEPTION_CAUGHT,
                new RejectedRecordException(RejectReason.REJECTED_BY_SINK, detail, cause));
        SourceRecord record = exchange.getProperty(ExchangeProperties.RECORD, SourceRecord.class);
        if (record != null && MySqlRows.refused(exchange) != null) {
            MySqlRows.refused(exchange).add(record.sourceId());
        }
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
