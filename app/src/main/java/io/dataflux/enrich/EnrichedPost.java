package io.dataflux.enrich;

import io.dataflux.ingest.SourceRecord;

import java.util.Map;
import java.util.Objects;

import io.dataflux.sink.mysql.PostVersion;

/**
 * A post that passed every enricher, with the record it came from (whose bytes a sink that rejects the post
 * dead-letters), and its JSON: serialized once, on first use, and shared by every sink (MySQL's JSON columns, Kafka,
 * the archive). The sinks are the first to ask for it, after the author lookup made the post's last change: the post
 * must not change once its JSON is taken. Its version key ({@link PostVersion}: a SHA-256 of the record's bytes among
 * others) is likewise computed once, for MySQL's rows, the archive's records and the Kafka lineage.
 */
public final class EnrichedPost {

    private final SourceRecord source;
    private final Map<String, Object> post;
    private volatile PostJson json;
    private volatile String versionKey;

    /**
     * @param source the record as read from Redis
     * @param post   the cleaned, derived and validated post
     */
    public EnrichedPost(SourceRecord source, Map<String, Object> post) {
        this.source = source;
        this.post = post;
    }

    public SourceRecord source() {
        return source;
    }

    public Map<String, Object> post() {
        return post;
    }

    public String sourceId() {
        return source.sourceId();
    }

    /** The post as JSON, computed once (the MySQL, Kafka and archive sinks may ask at the same time). */
    public PostJson json() {
        PostJson result = json;
        if (result == null) {
            synchronized (this) {
                result = json;
                if (result == null) {
                    result = PostJson.of(post);
                    json = result;
                }
            }
        }
        return result;
    }

    /**
     * The post's version key ({@link PostVersion#key}), computed once. Computing it twice (two sinks asking at the
     * same time) gives the same text, so no lock is needed.
     */
    public String versionKey() {
        String result = versionKey;
        if (result == null) {
            result = PostVersion.key(post, source.sourceId(), source.payload());
            versionKey = result;
        }
        return result;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EnrichedPost that && Objects.equals(source, that.source) && Objects.equals(post, that.post);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, post);
    }

    @Override
    public String toString() {
        return "EnrichedPost[source=" + source + ", post=" + post + "]";
    }
}
