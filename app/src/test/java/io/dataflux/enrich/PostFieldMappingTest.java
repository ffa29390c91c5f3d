package io.dataflux.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostFieldMappingTest {

    private final PostParser parser = new PostParser();

    private Map<String, Object> parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theDefaultsMapTheForumGeneratorsPostsAsTheyAre() {
        Map<String, Object> post = parse("{\"id\":\"p-1\",\"author_id\":\"u-1\",\"body\":\"b\",\"lang\":\"fr\"}");

        Map<String, Object> mapped = new PostFieldMapping().map(post);

        assertThat(mapped).isEqualTo(Map.of("id", "p-1", "author_id", "u-1", "body", "b", "lang", "fr"));
    }

    @Test
    void takesFieldsFromOtherNamesAndNestedPaths() {
        PostFieldMapping mapping = new PostFieldMapping();
        mapping.setId("/post_id");
        mapping.setAuthorId("/user/email");
        mapping.setTitle("/meta/headline");
        mapping.setBody("/content/0/html");
        mapping.setCreatedAt("/published");
        mapping.setThreadId("/a~1b");
        mapping.setUrl("");
        Map<String, Object> post = parse("{\"post_id\":12345,\"user\":{\"email\":\"jane@example.org\",\"name\":\"Jane\"},"
                + "\"meta\":{\"headline\":\"Hi\"},\"content\":[{\"html\":\"<p>x</p>\"}],\"published\":\"2026-01-02T03:04:05Z\","
                + "\"a/b\":\"t-9\",\"url\":\"https://ignored.example\"}");

        Map<String, Object> mapped = mapping.map(post);

        assertThat(mapped).containsEntry("id", "12345").containsEntry("author_id", "jane@example.org")
                .containsEntry("title", "Hi").containsEntry("body", "<p>x</p>")
                .containsEntry("created_at", "2026-01-02T03:04:05Z").containsEntry("thread_id", "t-9")
                .doesNotContainKeys("post_id", "published", "a/b", "url");
        assertThat(mapped.get("user")).as("a nested source stays as it came").isEqualTo(
                Map.of("email", "jane@example.org", "name", "Jane"));
        assertThat(mapped.get("content")).isEqualTo(List.of(Map.of("html", "<p>x</p>")));
    }

    @Test
    void aMissingPathLeavesTheFieldOutForTheValidatorToJudge() {
        PostFieldMapping mapping = new PostFieldMapping();
        mapping.setAuthorId("/user/email");
        Map<String, Object> mapped = mapping.map(parse("{\"id\":\"p\",\"author_id\":\"stale\",\"user\":\"not an object\"}"));

        assertThat(mapped).doesNotContainKey("author_id");
    }

    @Test
    void theParserStripsALeadingByteOrderMark() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] json = "{\"id\":\"p\"}".getBytes(StandardCharsets.UTF_8);
        byte[] record = new byte[bom.length + json.length];
        System.arraycopy(bom, 0, record, 0, bom.length);
        System.arraycopy(json, 0, record, bom.length, json.length);

        assertThat(parser.parse(record)).isEqualTo(Map.of("id", "p"));
    }
}
