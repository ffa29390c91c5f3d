package io.dataflux.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.component.redis.RedisSourceConstants;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The dead_letter row of an entry the Redis source refused before the pipeline saw it: not valid UTF-8, without its
 * payload field, too large, or poison. The body is the entry's exact payload bytes, kept as they are (a String body,
 * from an older source, is taken as UTF-8). One dead letter for the whole pipeline, so that every bad record is found,
 * and counted by reason, in one place.
 */
public final class SourceDeadLetterRow implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
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
        row.put("reason", reason(detail));
        row.put("detail", DeadLetterRow.detail(detail));
        row.put("route_id", exchange.getFromRouteId());
        DeadLetterPayload.prepare(exchange, row, payload, sourceId);
        Long length = exchange.getIn().getHeader(RedisSourceConstants.PAYLOAD_LENGTH, Long.class);
        if (payload.length == 0 && length != null && length > 0) {
            // over the source's dead-letter cap: it sent no bytes, only their length and Redis's own digest (SHA-1)
            row.put("payload_length", length);
            row.put("payload_sha256", null);
            row.put("detail", DeadLetterRow.detail(detail + " [payload not copied: " + length + " bytes, SHA-1 "
                    + exchange.getIn().getHeader(RedisSourceConstants.PAYLOAD_SHA1, String.class)
                    + "; the stream entry keeps it until the stream is trimmed]"));
        }
    }

    static String reason(String detail) {
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
