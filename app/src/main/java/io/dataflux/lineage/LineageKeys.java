package io.dataflux.lineage;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import io.dataflux.component.redis.RedisEntry;
import io.dataflux.deadletter.DeadLetterPayload;

/**
 * The key the two lineage tables meet on, the same as the dead letter's: a stream entry's id, or, for a list item
 * (which has no lasting id), {@code sha256:<digest of the record's bytes>}.
 */
final class LineageKeys {

    private static final Pattern STREAM_ENTRY_ID = Pattern.compile("\\d+-\\d+");

    private LineageKeys() {
    }

    /**
     * The key of a version whose version key (PostVersion) is known: its last part is already the record's digest,
     * so a list item costs no second SHA-256.
     */
    static String of(String sourceId, String versionKey) {
        if (sourceId != null && STREAM_ENTRY_ID.matcher(sourceId).matches()) {
            return sourceId;
        }
        return "sha256:" + versionKey.substring(versionKey.lastIndexOf('|') + 1);
    }

    /** The key of an archived entry. */
    static String of(RedisEntry entry) {
        if (entry.getId() != null) {
            return entry.getId();
        }
        String value = entry.getValue();
        return "sha256:" + DeadLetterPayload.sha256(value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
    }
}
