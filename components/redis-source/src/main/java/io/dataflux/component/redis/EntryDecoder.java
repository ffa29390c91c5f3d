package io.dataflux.component.redis;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw entries into {@link RedisEntry}, strictly: invalid UTF-8 or a missing required field is a reason to
 * dead-letter the entry rather than to hand the route replacement characters.
 */
final class EntryDecoder {

    private final String key;
    private final List<String> requiredFields;
    private final RedisQueue queue;

    /** Why an entry cannot be delivered. */
    static final class BadEntryException extends Exception {
        BadEntryException(String reason) {
            super(reason, null, false, false);
        }
    }

    EntryDecoder(String key, List<String> requiredFields, RedisQueue queue) {
        this.key = key;
        this.requiredFields = requiredFields;
        this.queue = queue;
    }

    RedisEntry decode(RawEntry raw) throws BadEntryException {
        if (raw.item() != null) {
            String value = strict(raw.item(), "the item");
            return new RedisEntry(key, null, Map.of(RedisSourceConstants.LIST_VALUE_FIELD, value), value, raw.item(),
                    raw.deliveryCount(), queue);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<byte[], byte[]> field : raw.fields().entrySet()) {
            String name = strict(field.getKey(), "a field name (" + lenient(field.getKey()) + ")");
            fields.put(name, strict(field.getValue(), "field '" + name + "'"));
        }
        List<String> missing = new ArrayList<>();
        for (String required : requiredFields) {
            if (!fields.containsKey(required)) {
                missing.add(required);
            }
        }
        if (!missing.isEmpty()) {
            throw new BadEntryException("missing required field(s) " + String.join(", ", missing));
        }
        return new RedisEntry(key, raw.id(), Collections.unmodifiableMap(fields), null, null, raw.deliveryCount(), queue);
    }

    static String lenient(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String strict(byte[] bytes, String what) throws BadEntryException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadEntryException(what + " is not valid UTF-8");
        }
    }
}
