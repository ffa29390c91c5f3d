package io.dataflux.deadletter;

import io.dataflux.ExchangeProperties;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;

/**
 * What the dead letter keeps of a record's bytes, and the key that makes it hold each record once.
 *
 * <p>The row keeps the payload byte for byte when it has at most {@code maxRowBytes}; a larger one keeps its first
 * {@code maxRowBytes} bytes in the row, and the whole payload goes to the dead-letter directory on HDFS (the
 * {@code dead-letter} route), named by its SHA-256. Every row has the payload's length and SHA-256.
 *
 * <p>The key: a stream entry is dead-lettered once per (entry id, reason), however often it is delivered. A list item
 * has no id of its own (its position changes), so its key is {@code sha256:<digest of the payload>}: the same bytes
 * refused for the same reason are one row, even when the crawler pushed them twice.
 */
public final class DeadLetterPayload {

    /** The file name of a whole payload, in the directory of its digest. */
    public static final String FILE_NAME = "payload.bin";

    private static final Pattern STREAM_ENTRY_ID = Pattern.compile("\\d+-\\d+");

    private DeadLetterPayload() {
    }

    /**
     * Adds the payload columns and the key to the row, makes the body what the next step needs (the whole payload when
     * it goes to HDFS, else the row), and sets the properties of the dead-letter routes.
     */
    static void prepare(Exchange exchange, Map<String, Object> row, byte[] payload, String sourceId) {
        int maxRowBytes = exchange.getContext().getPropertiesComponent()
                .resolveProperty("dataflux.dead-letter.max-row-bytes").map(Integer::parseInt).orElse(1_048_576);
        String directory = exchange.getContext().getPropertiesComponent()
                .resolveProperty("dataflux.dead-letter.dir").orElse("/dataflux/dead-letter");
        String digest = sha256(payload);
        row.put("source_key", sourceKey(sourceId, digest));
        row.put("payload_length", (long) payload.length);
        row.put("payload_sha256", digest);
        boolean overflow = payload.length > maxRowBytes;
        row.put("payload", overflow ? Arrays.copyOf(payload, maxRowBytes) : payload);
        row.put("payload_location", overflow ? directory + "/" + digest + "/" + FILE_NAME : null);
        exchange.setProperty(ExchangeProperties.DEAD_LETTER_ROW, row);
        exchange.setProperty(ExchangeProperties.DEAD_LETTER_DIGEST, digest);
        exchange.setProperty(ExchangeProperties.DEAD_LETTER_OVERFLOW, overflow);
        exchange.getIn().setBody(overflow ? payload : row);
    }

    /** The stream entry id, or for anything else (list items, files) the payload's digest. */
    static String sourceKey(String sourceId, String digest) {
        return sourceId != null && STREAM_ENTRY_ID.matcher(sourceId).matches() ? sourceId : "sha256:" + digest;
    }

    public static String sha256(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
