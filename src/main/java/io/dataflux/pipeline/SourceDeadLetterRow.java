package io.dataflux.pipeline;

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
 * payload field, or poison (delivered more than maxDeliveries times). One dead letter for the whole pipeline, so
 * that every bad record is found, and counted by reason, in one place.
 */
public final class SourceDeadLetterRow implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        String detail = exchange.getIn().getHeader(RedisSourceConstants.DEAD_LETTER_REASON, "refused by the source",
                String.class);
        Object body = exchange.getIn().getBody();
        byte[] payload = body instanceof byte[] exact ? exact
                : body instanceof String item ? item.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
        Map<String, Object> row = new HashMap<>();
        row.put("record_id", null);
        row.put("source_id", exchange.getIn().getHeader(RedisSourceConstants.ID, String.class));
        row.put("reason", reason(detail));
        row.put("detail", detail.length() > 2000 ? detail.substring(0, 2000) : detail);
        row.put("route_id", exchange.getFromRouteId());
        row.put("payload", payload);
        exchange.getIn().setBody(row);
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
        return "SOURCE_REFUSED";
    }
}
