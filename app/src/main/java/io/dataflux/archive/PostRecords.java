package io.dataflux.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.Timestamps;
import io.dataflux.enrich.EnrichedPost;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * An enriched post as an Avro record of {@code schema/post.avsc}, the one definition of an archived post (Avro and
 * Parquet files, the Iceberg table): MySQL's columns, typed. Lists are arrays, the author is a record, timestamps are
 * microseconds since the epoch in UTC, and the input fields that have no column are kept as JSON text in {@code extra}
 * (the same text as MySQL's {@code extra} column).
 */
public final class PostRecords {

    /** The archived post's schema, read from the classpath resource {@code schema/post.avsc}. */
    public static final Schema SCHEMA = readSchema();
    public static final Schema AUTHOR_SCHEMA = SCHEMA.getField(PostFields.AUTHOR).schema().getTypes().get(1);

    /** The fields with a column of their own: the others go to {@code extra}, as MySQL's upsert does (PostRows). */
    static final Set<String> COLUMNS = Set.of(PostFields.ID, PostFields.THREAD_ID, PostFields.AUTHOR_ID,
            PostFields.TITLE, PostFields.BODY, PostFields.URL, PostFields.CREATED_AT, PostFields.HASHTAGS,
            PostFields.MENTIONS, PostFields.LINKS, PostFields.WORD_COUNT, PostFields.CONTENT_HASH, PostFields.AUTHOR);

    private static final ObjectMapper JSON = new ObjectMapper();

    private PostRecords() {
    }

    /** The record of an enriched post, with where it came from and its version key. */
    public static GenericRecord of(EnrichedPost enriched, Instant ingestedAt) {
        GenericRecord record = columns(enriched.post(), ingestedAt);
        record.put("extra", enriched.json().without(COLUMNS));
        record.put("source_id", enriched.sourceId());
        record.put("version_key", enriched.versionKey());
        return record;
    }

    /**
     * The record of a post known only by its JSON (an archive line, a Kafka record's value): no source entry, no
     * version key.
     */
    public static GenericRecord ofJson(byte[] json, Instant ingestedAt) {
        Map<String, Object> post;
        try {
            post = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("not a post's JSON object", e);
        }
        GenericRecord record = columns(post, ingestedAt);
        Map<String, Object> extra = new LinkedHashMap<>(post);
        extra.keySet().removeAll(COLUMNS);
        record.put("extra", extra.isEmpty() ? null : json(extra));
        return record;
    }

    private static GenericRecord columns(Map<String, Object> post, Instant ingestedAt) {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put(PostFields.ID, post.get(PostFields.ID));
        record.put(PostFields.THREAD_ID, post.get(PostFields.THREAD_ID));
        record.put(PostFields.AUTHOR_ID, post.get(PostFields.AUTHOR_ID));
        record.put(PostFields.TITLE, post.get(PostFields.TITLE));
        record.put(PostFields.BODY, post.get(PostFields.BODY));
        record.put(PostFields.URL, post.get(PostFields.URL));
        record.put(PostFields.CREATED_AT, micros(post.get(PostFields.CREATED_AT)));
        record.put(PostFields.HASHTAGS, strings(post.get(PostFields.HASHTAGS)));
        record.put(PostFields.MENTIONS, strings(post.get(PostFields.MENTIONS)));
        record.put(PostFields.LINKS, strings(post.get(PostFields.LINKS)));
        record.put(PostFields.WORD_COUNT, ((Number) post.get(PostFields.WORD_COUNT)).intValue());
        record.put(PostFields.CONTENT_HASH, post.get(PostFields.CONTENT_HASH));
        record.put(PostFields.AUTHOR, author(post.get(PostFields.AUTHOR)));
        record.put("ingested_at", ChronoUnit.MICROS.between(Instant.EPOCH, ingestedAt));
        return record;
    }

    private static GenericRecord author(Object value) {
        if (!(value instanceof Map<?, ?> profile)) {
            return null;
        }
        GenericRecord author = new GenericData.Record(AUTHOR_SCHEMA);
        author.put("author_id", text(profile.get("author_id")));
        author.put("display_name", text(profile.get("display_name")));
        author.put("reputation", profile.get("reputation") instanceof Number n ? n.longValue() : null);
        author.put("location", text(profile.get("location")));
        author.put("joined_at", micros(profile.get("joined_at")));
        return author;
    }

    /** An ISO-8601 timestamp with offset (what the enrichers keep) as microseconds since the epoch, UTC. */
    private static Long micros(Object iso) {
        if (!(iso instanceof String text)) {
            return null;
        }
        return ChronoUnit.MICROS.between(Instant.EPOCH, Timestamps.parse(text).toInstant());
    }

    private static List<String> strings(Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof Iterable<?> items) {
            for (Object item : items) {
                strings.add(String.valueOf(item));
            }
        }
        return strings;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static Schema readSchema() {
        try (InputStream avsc = PostRecords.class.getResourceAsStream("/schema/post.avsc")) {
            if (avsc == null) {
                throw new IllegalStateException("schema/post.avsc is missing from the classpath");
            }
            return new Schema.Parser().parse(avsc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema/post.avsc", e);
        }
    }
}
