package io.dataflux.enrich;

import java.util.Map;
import java.util.Optional;

/**
 * The fields of a forum post as DataFlux sees it. Input fields come from the crawler; derived fields are added by the
 * enrichers. Any other input field is kept as it came (it ends up in the extra JSON column).
 */
public final class PostFields {

    // from the crawler
    public static final String ID = "id";
    public static final String THREAD_ID = "thread_id";
    public static final String AUTHOR_ID = "author_id";
    public static final String TITLE = "title";
    public static final String BODY = "body";
    public static final String URL = "url";
    public static final String CREATED_AT = "created_at";

    // derived
    public static final String LINKS = "links";
    public static final String HASHTAGS = "hashtags";
    public static final String MENTIONS = "mentions";
    public static final String WORD_COUNT = "word_count";
    public static final String CONTENT_HASH = "content_hash";
    /** The author's profile, added by the author lookup (null when the author is unknown). */
    public static final String AUTHOR = "author";

    private PostFields() {
    }

    /** The field as a string; absent or null gives empty; any other JSON type is a wrong type. */
    public static Optional<String> optionalString(Map<String, Object> post, String field) {
        Object value = post.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String text) {
            return Optional.of(text);
        }
        throw new RejectedRecordException(RejectReason.WRONG_TYPE, field,
                "field '" + field + "' must be a string, not " + jsonType(value));
    }

    public static String requiredString(Map<String, Object> post, String field) {
        return optionalString(post, field).orElseThrow(() ->
                new RejectedRecordException(RejectReason.MISSING_FIELD, field, "required field '" + field + "' is missing"));
    }

    static String jsonType(Object value) {
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof Iterable) {
            return "an array";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value.getClass().getSimpleName();
    }
}
