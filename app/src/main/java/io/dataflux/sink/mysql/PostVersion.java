package io.dataflux.sink.mysql;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.Timestamps;

/**
 * The one merge rule: of the versions of a post, the one with the greatest version key is stored, whole. The key
 * orders by {@code created_at} (in UTC, to the nanosecond; a version without one is older than any with one), then by
 * the Redis stream entry id (the later entry wins a tie), then by the SHA-256 of the record's bytes (list items have
 * no lasting id: equal timestamps are decided by content, the same way on every replica). The key is ASCII and
 * compares as bytes, in Java (a batch's versions) as in MySQL (the upsert's condition): so the same versions give the
 * same row whether they arrive in one batch or many, in any order.
 */
public final class PostVersion {

    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS");
    private static final Pattern STREAM_ENTRY_ID = Pattern.compile("(\\d+)-(\\d+)");
    /** A MessageDigest is not thread-safe and costs a provider look-up to get: each thread keeps one. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });
    private static final HexFormat HEX = HexFormat.of();

    private PostVersion() {
    }

    /**
     * @param post     the validated post
     * @param sourceId the Redis entry id (stream mode) or list position; only a stream entry id takes part
     * @param payload  the record's bytes, or null when unknown (the digest part is left empty)
     */
    public static String key(Map<String, Object> post, String sourceId, byte[] payload) {
        StringBuilder key = new StringBuilder(140);
        Object createdAt = post.get(PostFields.CREATED_AT);
        if (createdAt instanceof String iso) {
            key.append('1').append(KEY_TIME.format(Timestamps.parse(iso).withOffsetSameInstant(ZoneOffset.UTC)));
        } else {
            key.append('0');
        }
        key.append('|');
        Matcher entry = sourceId == null ? null : STREAM_ENTRY_ID.matcher(sourceId);
        if (entry != null && entry.matches()) {
            key.append(pad(entry.group(1))).append('-').append(pad(entry.group(2)));
        }
        key.append('|');
        if (payload != null) {
            key.append(HEX.formatHex(SHA256.get().digest(payload))); // as DeadLetterPayload.sha256 writes it
        }
        return key.toString();
    }

    private static String pad(String digits) {
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }
}
