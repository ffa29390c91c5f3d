package io.dataflux.pipeline;

import java.util.HashMap;
import java.util.Map;

import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.RejectedRecordException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;

/**
 * The parameters of {@code sql/insert-dead-letter.sql} for a rejected record: its original bytes, the reason and
 * detail, the route it failed in, its source id, and its post id when parsing got that far.
 */
public final class DeadLetterRow implements Processor {

    private static final int MAX_DETAIL = 2000;

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Exception.class);
        SourceRecord record = exchange.getProperty(RecordUnpacker.RECORD, SourceRecord.class);
        if (record == null) {
            throw new IllegalStateException("dead letter without a source record: " + exchange.getIn().getBody(), cause);
        }
        Map<String, Object> row = new HashMap<>();
        row.put("record_id", postId(exchange.getIn().getBody()));
        row.put("source_id", record.sourceId());
        row.put("reason", cause instanceof RejectedRecordException rejected ? rejected.reason().name() : "UNEXPECTED");
        row.put("detail", detail(cause));
        row.put("route_id", exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID, String.class));
        row.put("payload", record.payload());
        exchange.getIn().setBody(row);
    }

    /** The post id when the body is a parsed post with a string id (parsing may have failed before). */
    private static String postId(Object body) {
        if (body instanceof Map<?, ?> post && post.get(PostFields.ID) instanceof String id) {
            return id.length() > 64 ? id.substring(0, 64) : id;
        }
        return null;
    }

    private static String detail(Exception cause) {
        String detail = cause == null ? "unknown" : String.valueOf(cause.getMessage());
        return detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
    }
}
