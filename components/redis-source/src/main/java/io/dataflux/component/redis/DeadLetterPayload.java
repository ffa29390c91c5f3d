package io.dataflux.component.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * What a dead letter carries of an entry: the payload's exact bytes (list mode: the item; stream mode: the value of
 * payloadField, else of the entry's only field, else its fields as a JSON object), its length, and, when the payload
 * is larger than deadLetterMaxBytes, no bytes but the SHA-1 of the payload.
 */
record DeadLetterPayload(byte[] bytes, long length, String sha1) {

    private static final byte[] NONE = new byte[0];

    static DeadLetterPayload of(RawEntry entry, RedisSourceConfiguration config) {
        if (entry.fields() == null && entry.item() == null) {
            // too large to be read: Redis gave its length and digest
            return new DeadLetterPayload(NONE, entry.size(), entry.payloadSha1());
        }
        byte[] payload = payload(entry, config.getPayloadField());
        if (config.getDeadLetterMaxBytes() > 0 && payload.length > config.getDeadLetterMaxBytes()) {
            return new DeadLetterPayload(NONE, payload.length, sha1(payload));
        }
        return new DeadLetterPayload(payload, payload.length, null);
    }

    static byte[] payload(RawEntry entry, String payloadField) {
        if (entry.item() != null) {
            return entry.item();
        }
        Map<byte[], byte[]> fields = entry.fields();
        if (payloadField != null && !payloadField.isEmpty()) {
            for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
                if (payloadField.equals(new String(field.getKey(), StandardCharsets.UTF_8))) {
                    return field.getValue();
                }
            }
        }
        if (fields.size() == 1) {
            return fields.values().iterator().next();
        }
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.write('{');
        boolean first = true;
        for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
            if (!first) {
                json.write(',');
            }
            first = false;
            writeJsonString(json, EntryDecoder.lenient(field.getKey()));
            json.write(':');
            writeJsonString(json, EntryDecoder.lenient(field.getValue()));
        }
        json.write('}');
        return json.toByteArray();
    }

    private static void writeJsonString(ByteArrayOutputStream out, String value) {
        StringBuilder text = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        out.writeBytes(text.append('"').toString().getBytes(StandardCharsets.UTF_8));
    }

    static String sha1(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
