package io.dataflux.enrich;

import io.dataflux.ingest.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.enrich.PostDeriver;
import io.dataflux.enrich.PostFieldMapping;
import io.dataflux.enrich.PostParser;
import io.dataflux.sink.mysql.PostRows;
import org.junit.jupiter.api.Test;

/**
 * A post's JSON, serialized once for every sink, is byte for byte what each sink serialized on its own before: Kafka's
 * value (Jackson's text as UTF-8), and MySQL's JSON columns (each field's value, and the fields without a column).
 */
class PostJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Generated forum posts (HTML, emoji, CJK, hashtags, links, edits), enriched as the route does, with an author. */
    static List<EnrichedPost> enrichedPosts(int count) {
        ForumPostGenerator generator = new ForumPostGenerator(7, "json-", 0.0, 65536, 700);
        PostParser parser = new PostParser();
        PostFieldMapping mapping = new PostFieldMapping();
        PostCleaner cleaner = new PostCleaner();
        PostDeriver deriver = new PostDeriver();
        List<EnrichedPost> posts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SourceRecord record = new SourceRecord(i + "-0", generator.next().payload());
            Map<String, Object> post = mapping.map(parser.parse(record.payload()));
            cleaner.clean(post);
            deriver.derive(post);
            post.put("author", i % 3 == 0 ? null : profile("u-" + i));
            posts.add(new EnrichedPost(record, post));
        }
        return posts;
    }

    private static Map<String, Object> profile(String id) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("author_id", id);
        profile.put("display_name", "Zoë \uD83D\uDE80 \"quoted\"");
        profile.put("reputation", 1234);
        profile.put("location", null);
        return profile;
    }

    @Test
    void generatedPostsGiveJacksonsBytesAndTheRowsOfTheSeparateSerializations() throws Exception {
        for (EnrichedPost post : enrichedPosts(2000)) {
            String expected = JSON.writeValueAsString(post.post());
            assertThat(post.json().bytes()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
            assertThat(PostRows.toRow(post))
                    .isEqualTo(PostRows.toRow(post.post(), post.sourceId(), post.source().payload()));
        }
    }

    @Test
    void everyKindOfValueIsCutAtItsBoundaries() throws Exception {
        assertCutAsJacksonWritesIt("a \"quoted\" title, with \\ and \n and \u0001 and \uD83D\uDC68\u200D\uD83D\uDC69 한국어");
        assertCutAsJacksonWritesIt("text that spells \\uD83D out, which only looks like an escape");
        assertCutAsJacksonWritesIt("a lone \uD800 surrogate, and a reversed pair \uDC00\uD800 (written as '?')");
        assertCutAsJacksonWritesIt("ends with a lone \uDBFF");
        assertThat(PostJson.of(new HashMap<>()).bytes()).asString().isEqualTo("{}");
        assertThat(PostJson.of(new HashMap<>()).without(Set.of())).isNull();
    }

    private static void assertCutAsJacksonWritesIt(String title) throws Exception {
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("id", "p,\"1\":{x}");
        post.put("extra_first", Map.of("nested", List.of(1, Map.of("id", "inner", "k", "v")), "deep", Map.of()));
        post.put("title", title);
        post.put("hashtags", List.of("東京", "café", "\uD83D\uDE80"));
        post.put("mentions", List.of());
        post.put("links", null);
        post.put("note", title);
        post.put("author", profile("u-1"));
        post.put("key \"with\" quotes", 1.5e300);
        post.put("count", 42L);
        post.put("flag", true);
        post.put("empty", "");
        PostJson json = PostJson.of(post);
        assertThat(json.bytes()).as(title).isEqualTo(JSON.writeValueAsString(post).getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, Object> field : post.entrySet()) {
            assertThat(json.field(field.getKey())).as(field.getKey())
                    .isEqualTo(JSON.writeValueAsString(field.getValue()));
        }
        assertThat(json.field("absent")).isNull();
        Set<String> columns = Set.of("id", "title", "hashtags", "mentions", "links", "author");
        Map<String, Object> others = new LinkedHashMap<>(post);
        others.keySet().removeAll(columns);
        assertThat(json.without(columns)).isEqualTo(JSON.writeValueAsString(others));
        assertThat(json.without(post.keySet())).isNull();
    }

    @Test
    void theJsonIsComputedOnceWhenSinksAskAtTheSameTime() {
        EnrichedPost post = enrichedPosts(1).get(0);
        CountDownLatch start = new CountDownLatch(1);
        Set<PostJson> seen = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> sinks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sinks.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add(post.json());
            }));
        }
        start.countDown();
        sinks.forEach(CompletableFuture::join);
        assertThat(seen).hasSize(1).containsExactly(post.json());
    }
}
