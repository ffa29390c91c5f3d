package io.dataflux.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostDeriverTest {

    private final PostDeriver deriver = new PostDeriver();

    private static Map<String, Object> post(String title, String body) {
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("title", title);
        post.put("body", body);
        return post;
    }

    @Test
    void findsHashtagsAndMentionsOnceEachLowerCased() {
        Map<String, Object> post = post("#Camel rocks", "Thanks @Alice_B and @bob.c! #camel #Kafka2 #日本 mail me: x@example.com "
                + "not a tag: C# or a#b, &#39; or #123");

        deriver.derive(post);

        assertThat(post.get("hashtags")).isEqualTo(List.of("camel", "kafka2", "日本"));
        assertThat(post.get("mentions")).isEqualTo(List.of("alice_b", "bob.c"));
    }

    @Test
    void mergesAnchorLinksWithLinksWrittenInTheText() {
        Map<String, Object> post = post("t", "see https://a.example/x, and (http://b.example/y?q=1).");
        post.put("links", List.of("https://c.example", "https://a.example/x"));

        deriver.derive(post);

        assertThat(post.get("links")).isEqualTo(List.of("https://c.example", "https://a.example/x", "http://b.example/y?q=1"));
    }

    @Test
    void countsWordsIncludingEachCjkIdeograph() {
        assertThat(PostDeriver.wordCount("Hello, world! It's 2026.")).isEqualTo(4);
        assertThat(PostDeriver.wordCount("東京都")).isEqualTo(3);
        assertThat(PostDeriver.wordCount("👋 🚀 ...")).isZero();
        assertThat(PostDeriver.wordCount("")).isZero();
    }

    @Test
    void contentHashIsTheSameForTheSameTextWhateverTheCaseAndSpacing() {
        Map<String, Object> first = post("Hello World", "Some   text\nhere");
        Map<String, Object> repost = post("hello world", "some text here");
        Map<String, Object> other = post("hello world", "other text");

        deriver.derive(first);
        deriver.derive(repost);
        deriver.derive(other);

        assertThat(first.get("content_hash")).isEqualTo(repost.get("content_hash"))
                .isNotEqualTo(other.get("content_hash"));
        assertThat((String) first.get("content_hash")).hasSize(64).matches("[0-9a-f]+");
        assertThat(first.get("word_count")).isEqualTo(5);
    }
}
