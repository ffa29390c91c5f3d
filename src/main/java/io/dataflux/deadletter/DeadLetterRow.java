package io.dataflux.deadletter;

import io.dataflux.ExchangeProperties;

import io.dataflux.enrich.RecordUnpacker;
import io.dataflux.ingest.SourceRecord;

import java.util.HashMap;
import java.util.Map;

import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.RejectedRecordException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;

/**
 * The parameters of {@code sql/insert-dead-letter.sql} for a rejected record: its original bytes (see
 * {@link DeadLetterPayload}), the reason and detail, the route it failed in, its source id, and its post id when
 * parsing got that far.
 */
public final class DeadLetterRow implements Processor {

    static final int MAX_DETAIL = 2000;
    private static final int MAX_RECORD_ID_BYTES = 255;

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Exception.class);
        SourceRecord record = exchange.getProperty(ExchangeProperties.RECORD, SourceRecord.class);
        if (record == null) {
            throw new IllegalStateException("dead letter without a source record: " + exchange.getIn().getBody(), cause);
        }
        Map<String, Object> row = new HashMap<>();
        row.put("record_id", postId(exchange.getIn().getBody()));
        row.put("source_id", record.sourceId());
        row.put("reason", cause instanceof RejectedRecordException rejected ? rejected.reason().name() : "UNEXPECTED");
        row.put("detail", detail(cause == null ? "unknown" : String.valueOf(cause.getMessage())));
        row.put("route_id", exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID, String.class));
        DeadLetterPayload.prepare(exchange, row, record.payload(), record.sourceId());
    }

    /** The post id when the body is a parsed post with a string id that fits the column (else it is only in the payload). */
    private static String postId(Object body) {
        if (body instanceof Map<?, ?> post && post.get(PostFields.ID) instanceof String id
                && id.length() <= MAX_RECORD_ID_BYTES
                && id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_RECORD_ID_BYTES) {
            return id;
        }
        return null;
    }

    static String detail(String detail) {
        return detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
    }
}
