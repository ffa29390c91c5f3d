package io.dataflux.enrich;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Normalises an author profile, whether it came from the Redis hash (all values strings) or from a row of the MySQL
 * authors table (typed columns), into one shape: author_id, display_name, reputation (a number), location and
 * joined_at (ISO-8601, UTC).
 */
public final class AuthorProfile {

    private AuthorProfile() {
    }

    public static Map<String, Object> normalise(Map<?, ?> source) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("author_id", text(source.get("author_id")));
        profile.put("display_name", text(source.get("display_name")));
        profile.put("reputation", number(source.get("reputation")));
        profile.put("location", text(source.get("location")));
        profile.put("joined_at", timestamp(source.get("joined_at")));
        return profile;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static Long number(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        try {
            return value == null || value.toString().isBlank() ? null : Long.valueOf(value.toString().trim());
        } catch (NumberFormatException notANumber) {
            return null; // a profile field we cannot read is left out, not a reason to refuse the post
        }
    }

    private static String timestamp(Object value) {
        if (value instanceof LocalDateTime utc) {
            return utc.atOffset(ZoneOffset.UTC).toString();
        }
        if (value instanceof java.sql.Timestamp utc) {
            return utc.toLocalDateTime().atOffset(ZoneOffset.UTC).toString();
        }
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        try {
            return Timestamps.parse(value.toString().trim()).withOffsetSameInstant(ZoneOffset.UTC).toString();
        } catch (java.time.format.DateTimeParseException notADate) {
            return null;
        }
    }
}
