package io.dataflux.sink.mysql;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.Timestamps;
import io.dataflux.enrich.EnrichedPost;
import io.dataflux.enrich.PostJson;

/**
 * Turns an enriched post into the bound parameters of {@code sql/upsert-posts.sql}: lists and nested objects as JSON,
 * the input fields that have no column kept together in {@code extra}, and {@code created_at} in UTC. The pipeline's
 * rows take their JSON from the post's own, serialized once ({@link #toRow(EnrichedPost)}).
 */
public final class PostRows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter UTC_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final Set<String> COLUMNS = Set.of(PostFields.ID, PostFields.THREAD_ID, PostFields.AUTHOR_ID,
            PostFields.TITLE, PostFields.BODY, PostFields.URL, PostFields.CREATED_AT, PostFields.HASHTAGS,
            PostFields.MENTIONS, PostFields.LINKS, PostFields.WORD_COUNT, PostFields.CONTENT_HASH, PostFields.AUTHOR);

    private PostRows() {
    }

    /** The parameters of one row; {@code sourceId} is the Redis entry the post came from (may be null). */
    public static Map<String, Object> toRow(Map<String, Object> post, String sourceId) {
        return toRow(post, sourceId, null);
    }

    /** The parameters of one row, with its version key from the record's bytes too ({@link PostVersion}). */
    public static Map<String, Object> toRow(Map<String, Object> post, String sourceId, byte[] payload) {
        Map<String, Object> row = columns(post, sourceId, PostVersion.key(post, sourceId, payload));
        row.put(PostFields.HASHTAGS, json(post.getOrDefault(PostFields.HASHTAGS, List.of())));
        row.put(PostFields.MENTIONS, json(post.getOrDefault(PostFields.MENTIONS, List.of())));
        row.put(PostFields.LINKS, json(post.getOrDefault(PostFields.LINKS, List.of())));
        row.put(PostFields.AUTHOR, post.get(PostFields.AUTHOR) == null ? null : json(post.get(PostFields.AUTHOR)));
        row.put("extra", extra(post));
        return row;
    }

    /**
     * The parameters of an enriched post's row: the JSON columns are cut from the post's JSON, serialized once for
     * every sink ({@link EnrichedPost#json()}), the version key is the post's own ({@link EnrichedPost#versionKey()}),
     * and the columns hold the same text as {@link #toRow(Map, String, byte[])}'s.
     */
    public static Map<String, Object> toRow(EnrichedPost enriched) {
        Map<String, Object> post = enriched.post();
        PostJson json = enriched.json();
        Map<String, Object> row = columns(post, enriched.sourceId(), enriched.versionKey());
        row.put(PostFields.HASHTAGS, listField(json, PostFields.HASHTAGS));
        row.put(PostFields.MENTIONS, listField(json, PostFields.MENTIONS));
        row.put(PostFields.LINKS, listField(json, PostFields.LINKS));
        row.put(PostFields.AUTHOR, post.get(PostFields.AUTHOR) == null ? null : json.field(PostFields.AUTHOR));
        row.put("extra", json.without(COLUMNS));
        return row;
    }

    private static Map<String, Object> columns(Map<String, Object> post, String sourceId, String versionKey) {
        Map<String, Object> row = new HashMap<>();
        row.put(PostFields.ID, post.get(PostFields.ID));
        row.put(PostFields.THREAD_ID, post.get(PostFields.THREAD_ID));
        row.put(PostFields.AUTHOR_ID, post.get(PostFields.AUTHOR_ID));
        row.put(PostFields.TITLE, post.get(PostFields.TITLE));
        row.put(PostFields.BODY, post.get(PostFields.BODY));
        row.put(PostFields.URL, post.get(PostFields.URL));
        row.put(PostFields.CREATED_AT, utc((String) post.get(PostFields.CREATED_AT)));
        row.put(PostFields.WORD_COUNT, post.get(PostFields.WORD_COUNT));
        row.put(PostFields.CONTENT_HASH, post.get(PostFields.CONTENT_HASH));
        row.put("source_id", sourceId);
        row.put("version_key", versionKey);
        return row;
    }

    /** A list column: the field's JSON, or an empty list when the post has none. */
    private static String listField(PostJson json, String name) {
        String value = json.field(name);
        return value == null ? "[]" : value;
    }

    private static String extra(Map<String, Object> post) {
        Map<String, Object> extra = new LinkedHashMap<>(post);
        extra.keySet().removeAll(COLUMNS);
        return extra.isEmpty() ? null : json(extra);
    }

    /**
     * The UTC wall-clock time as DATETIME(3) text. Text, not a Timestamp: Connector/J takes MariaDB's "5.5.5-" version
     * prefix for a server without fractional seconds and would drop the milliseconds.
     */
    private static String utc(String isoTimestamp) {
        return isoTimestamp == null ? null
                : UTC_DATETIME.format(Timestamps.parse(isoTimestamp).withOffsetSameInstant(ZoneOffset.UTC));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
