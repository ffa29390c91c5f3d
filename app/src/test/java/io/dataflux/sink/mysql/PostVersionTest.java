package io.dataflux.sink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.dataflux.enrich.EnrichedPost;
import io.dataflux.ingest.SourceRecord;
import org.junit.jupiter.api.Test;

class PostVersionTest {

    private static Map<String, Object> post(String createdAt, String title) {
        Map<String, Object> post = new HashMap<>();
        post.put("id", "p");
        post.put("title", title);
        if (createdAt != null) {
            post.put("created_at", createdAt);
        }
        return post;
    }

    private static String key(String createdAt, String sourceId) {
        return PostVersion.key(post(createdAt, "t"), sourceId, "payload".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ordersByCreatedAtInUtcThenByStreamEntryThenByPayload() {
        assertThat(key("2026-11-24T10:00:00Z", "1-0")).isLessThan(key("2026-11-24T11:30:00+01:00", "1-0"));
        assertThat(key("2026-11-24T10:00:00.000000001Z", "1-0")).isGreaterThan(key("2026-11-24T10:00:00Z", "9-0"));
        assertThat(key(null, "99-0")).as("no created_at: older than any").isLessThan(key("1000-01-01T00:00:00Z", "1-0"));
        assertThat(key("2026-11-24T10:00:00Z", "9-0")).as("numeric, not text order").isLessThan(key("2026-11-24T10:00:00Z", "10-0"));
        assertThat(key("2026-11-24T10:00:00Z", "5-2")).isLessThan(key("2026-11-24T10:00:00Z", "5-10"));
        assertThat(PostVersion.key(post(null, "t"), "forum:posts#3", "a".getBytes(StandardCharsets.UTF_8)))
                .as("list mode: the payload's digest decides, not the position")
                .isEqualTo(PostVersion.key(post(null, "t"), "forum:posts#7", "a".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theBatchMergeKeepsTheGreatestVersionWholeInAnyOrder() {
        SourceRecord older = new SourceRecord("1-0", "a".getBytes(StandardCharsets.UTF_8));
        SourceRecord newer = new SourceRecord("2-0", "b".getBytes(StandardCharsets.UTF_8));
        SourceRecord undated = new SourceRecord("3-0", "c".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> withExtra = post("2026-11-24T10:00:00Z", "old");
        withExtra.put("lang", "fr");
        List<EnrichedPost> versions = new ArrayList<>(List.of(new EnrichedPost(older, withExtra),
                new EnrichedPost(newer, post("2026-11-24T12:00:00Z", "new")),
                new EnrichedPost(undated, post(null, "undated"))));
        for (int i = 0; i < 3; i++) {
            Collections.rotate(versions, 1);
            List<EnrichedPost> merged = MySqlRows.mergeByKey(versions);
            assertThat(merged).hasSize(1);
            assertThat(merged.get(0).post()).containsEntry("title", "new").doesNotContainKey("lang");
            assertThat(merged.get(0).sourceId()).isEqualTo("2-0");
        }
    }

    @Test
    void anEnrichedPostComputesItsKeyOnceAndEverySinkTakesThatOne() {
        byte[] payload = "{\"id\":\"p\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, Object> post = post("2026-11-24T11:30:00+01:00", "t");
        post.put("word_count", 1);
        EnrichedPost enriched = new EnrichedPost(new SourceRecord("1700000000000-3", payload), post);

        String key = enriched.versionKey();

        assertThat(key).isEqualTo(PostVersion.key(post, "1700000000000-3", payload))
                .endsWith("|" + io.dataflux.deadletter.DeadLetterPayload.sha256(payload));
        assertThat(enriched.versionKey()).isSameAs(key);
        assertThat(PostRows.toRow(enriched).get("version_key")).isSameAs(key);
        assertThat(io.dataflux.archive.PostRecords.of(enriched, java.time.Instant.EPOCH).get("version_key")).isSameAs(key);
    }
}
