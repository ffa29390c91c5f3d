package io.dataflux.enrich;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Turns the raw bytes of one record into a post (a JSON object as an ordered map), refusing with a precise reason:
 * too large, invalid UTF-8, malformed JSON (including trailing garbage and duplicate keys), or not an object.
 */
public final class PostParser implements Processor {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private int maxRecordBytes = 64 * 1024;

    @Override
    public void process(Exchange exchange) {
        byte[] raw = exchange.getIn().getBody(byte[].class);
        exchange.getIn().setBody(parse(raw));
    }

    public Map<String, Object> parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            throw new RejectedRecordException(RejectReason.MALFORMED_JSON, null, "empty record");
        }
        if (raw.length > maxRecordBytes) {
            throw new RejectedRecordException(RejectReason.TOO_LARGE, null,
                    "record is " + raw.length + " bytes, more than the limit of " + maxRecordBytes);
        }
        String text = decodeStrictly(raw);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1); // a byte order mark some exporters write first: not part of the JSON
        }
        if (!text.stripLeading().startsWith("{")) {
            throw notAnObject(text);
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> post = MAPPER.readValue(text, LinkedHashMap.class);
            return post;
        } catch (JsonProcessingException e) {
            throw new RejectedRecordException(RejectReason.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
    }

    /** Text that does not start an object: valid JSON of another kind, or no JSON at all. */
    private static RejectedRecordException notAnObject(String text) {
        try {
            JsonNode tree = MAPPER.readTree(text);
            return new RejectedRecordException(RejectReason.NOT_AN_OBJECT, null, "a post must be a JSON object, not "
                    + (tree == null ? "nothing" : tree.getNodeType().name().toLowerCase()));
        } catch (JsonProcessingException e) {
            return new RejectedRecordException(RejectReason.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String decodeStrictly(byte[] raw) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = CharBuffer.allocate(raw.length); // UTF-8 never yields more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new RejectedRecordException(RejectReason.INVALID_UTF8, null,
                    "invalid UTF-8: " + result.length() + " malformed byte(s) at offset " + in.position());
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    public int getMaxRecordBytes() {
        return maxRecordBytes;
    }

    /** Records larger than this (in bytes, before parsing) are refused as TOO_LARGE. */
    public void setMaxRecordBytes(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }
}
