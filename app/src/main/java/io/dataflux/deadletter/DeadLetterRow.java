package io.dataflux.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.ExchangeProperties;
import io.dataflux.component.redis.RedisSourceConstants;
import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.RejectedRecordException;
import io.dataflux.ingest.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;

/**
 * The one row builder of the dead letter (the {@code dead-letter} route, routes/errors.camel.yaml): the parameters of
 * {@code sql/insert-dead-letter.sql} for every record DataFlux refuses, so that every bad record is found, and counted
 * by reason, in one place. Two kinds of exchange arrive:
 * <ul>
 * <li>a record the enrichers or a sink refused: its {@link SourceRecord} ({@link ExchangeProperties#RECORD}) with its
 * original bytes, the rejection's reason and detail, the route it failed in, and its post id when parsing got that far;
 * <li>an entry the Redis source refused before the pipeline saw it (its {@code deadLetterUri}; the header
 * {@link RedisSourceConstants#DEAD_LETTER_REASON} says why): not valid UTF-8, without its payload field, too large,
 * or poison. The body is the entry's exact payload bytes (a String body, from an older source, is taken as UTF-8);
 * the row's route is {@value #SOURCE_ROUTE_ID}.
 * </ul>
 * The payload columns and the key that makes the dead letter hold each record once: {@link DeadLetterPayload}.
 */
public final class DeadLetterRow implements Processor {

    /** The route_id of the entries the source refused (the name the dead_letter rows have always had). */
    public static final String SOURCE_ROUTE_ID = "source-dead-letter";

    static final int MAX_DETAIL = 2000;
    private static final int MAX_RECORD_ID_BYTES = 255;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        if (exchange.getIn().getHeader(RedisSourceConstants.DEAD_LETTER_REASON) != null) {
            refusedBySource(exchange);
        } else {
            refusedInPipeline(exchange);
        }
    }

    private static void refusedInPipeline(Exchange exchange) {
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

    private static void refusedBySource(Exchange exchange) throws JsonProcessingException {
        String detail = exchange.getIn().getHeader(RedisSourceConstants.DEAD_LETTER_REASON, "refused by the source",
                String.class);
        Object body = exchange.getIn().getBody();
        byte[] payload = body instanceof byte[] bytes ? bytes
                : body instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                : body == null ? new byte[0] : JSON.writeValueAsBytes(body); // an entry's fields, from an older source
        String sourceId = exchange.getIn().getHeader(RedisSourceConstants.ID, String.class);
        Map<String, Object> row = new HashMap<>();
        row.put("record_id", null);
        row.put("source_id", sourceId);
        row.put("reason", sourceReason(detail));
        row.put("detail", detail(detail));
        row.put("route_id", SOURCE_ROUTE_ID);
        DeadLetterPayload.prepare(exchange, row, payload, sourceId);
        Long length = exchange.getIn().getHeader(RedisSourceConstants.PAYLOAD_LENGTH, Long.class);
        if (payload.length == 0 && length != null && length > 0) {
            // over the source's dead-letter cap: it sent no bytes, only their length and Redis's own digest (SHA-1)
            row.put("payload_length", length);
            row.put("payload_sha256", null);
            row.put("detail", detail(detail + " [payload not copied: " + length + " bytes, SHA-1 "
                    + exchange.getIn().getHeader(RedisSourceConstants.PAYLOAD_SHA1, String.class)
                    + "; the stream entry keeps it until the stream is trimmed]"));
        }
        exchange.setProperty(ExchangeProperties.DEAD_LETTER_AT_SOURCE, true);
    }

    /** The post id when the body is a parsed post with a string id that fits the column (else it is only in the payload). */
    private static String postId(Object body) {
        if (body instanceof Map<?, ?> post && post.get(PostFields.ID) instanceof String id
                && id.length() <= MAX_RECORD_ID_BYTES
                && id.getBytes(StandardCharsets.UTF_8).length <= MAX_RECORD_ID_BYTES) {
            return id;
        }
        return null;
    }

    static String detail(String detail) {
        return detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
    }

    static String sourceReason(String detail) {
        if (detail.startsWith("oversized")) {
            return "TOO_LARGE";
        }
        if (detail.startsWith("poison")) {
            return "POISON";
        }
        if (detail.contains("not valid UTF-8")) {
            return "INVALID_UTF8";
        }
        if (detail.startsWith("missing required field")) {
            return "MISSING_FIELD";
        }
        if (detail.contains("too large") || detail.contains("larger than")) {
            return "TOO_LARGE";
        }
        return "SOURCE_REFUSED";
    }
}
