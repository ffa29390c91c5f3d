package io.dataflux.enrich;

import java.io.IOException;
import java.io.UncheckedIOException;
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
        requireUtf8(raw);
        int start = startsWithByteOrderMark(raw) ? 3 : 0; // a mark some exporters write first: not part of the JSON
        int first = start;
        while (first < raw.length && isJsonWhitespace(raw[first])) {
            first++;
        }
        if (first == raw.length || raw[first] != '{' || hasZeroByte(raw, start, 4)) {
            // not an object, or bytes Jackson would take for UTF-16 or UTF-32 (it guesses from zeros in the first
            // four): parsed as text, which says exactly what is wrong
            return parseText(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
        }
        try {
            // the bytes as they are: no text decoded for Jackson to copy again
            @SuppressWarnings("unchecked")
            Map<String, Object> post = MAPPER.readValue(raw, start, raw.length - start, LinkedHashMap.class);
            return post;
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no I/O
        }
    }

    private static RejectedRecordException malformed(JsonProcessingException e) {
        return new RejectedRecordException(RejectReason.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage()
                + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
    }

    private static Map<String, Object> parseText(String text) {
        if (!text.stripLeading().startsWith("{")) {
            throw notAnObject(text);
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> post = MAPPER.readValue(text, LinkedHashMap.class);
            return post;
        } catch (JsonProcessingException e) {
            throw malformed(e);
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

    /**
     * Throws INVALID_UTF8 with the offset of the first malformed byte. Decodes through a small buffer of the thread's,
     * kept for the next record: the text itself is not needed, Jackson reads the bytes.
     */
    private static void requireUtf8(byte[] raw) {
        Utf8Check check = UTF8_CHECK.get();
        CharsetDecoder decoder = check.decoder().reset();
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = check.buffer();
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw new RejectedRecordException(RejectReason.INVALID_UTF8, null,
                        "invalid UTF-8: " + result.length() + " malformed byte(s) at offset " + in.position());
            }
        } while (result.isOverflow());
    }

    private record Utf8Check(CharsetDecoder decoder, CharBuffer buffer) {
    }

    private static final ThreadLocal<Utf8Check> UTF8_CHECK = ThreadLocal.withInitial(() -> new Utf8Check(
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT),
            CharBuffer.allocate(8192)));

    private static boolean startsWithByteOrderMark(byte[] raw) {
        return raw.length >= 3 && raw[0] == (byte) 0xEF && raw[1] == (byte) 0xBB && raw[2] == (byte) 0xBF;
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static boolean hasZeroByte(byte[] raw, int from, int count) {
        for (int i = from; i < Math.min(raw.length, from + count); i++) {
            if (raw[i] == 0) {
                return true;
            }
        }
        return false;
    }

    public int getMaxRecordBytes() {
        return maxRecordBytes;
    }

    /** Records larger than this (in bytes, before parsing) are refused as TOO_LARGE. */
    public void setMaxRecordBytes(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }
}
