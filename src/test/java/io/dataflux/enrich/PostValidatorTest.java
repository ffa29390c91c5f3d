package io.dataflux.enrich;

import static io.dataflux.enrich.PostParserTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostValidatorTest {

    private final PostValidator validator = new PostValidator();

    private static Map<String, Object> valid() {
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("id", "p-1");
        post.put("author_id", "u-7");
        post.put("thread_id", "t-3");
        post.put("title", "Title");
        post.put("body", "Body text");
        post.put("created_at", "2026-11-24T10:15:30Z");
        return post;
    }

    @Test
    void acceptsAValidPost() {
        assertThatCode(() -> validator.validate(valid())).doesNotThrowAnyException();
    }

    @Test
    void refusesMissingRequiredFields() {
        Map<String, Object> noId = valid();
        noId.remove("id");
        Map<String, Object> nullAuthor = valid();
        nullAuthor.put("author_id", null);

        assertRejected(() -> validator.validate(noId), RejectReason.MISSING_FIELD, "'id'");
        assertRejected(() -> validator.validate(nullAuthor), RejectReason.MISSING_FIELD, "'author_id'");
    }

    @Test
    void refusesWrongTypes() {
        Map<String, Object> numericId = valid();
        numericId.put("id", 17);
        Map<String, Object> arrayTitle = valid();
        arrayTitle.put("title", java.util.List.of("a"));

        assertRejected(() -> validator.validate(numericId), RejectReason.WRONG_TYPE, "'id' must be a string, not a number");
        assertRejected(() -> validator.validate(arrayTitle), RejectReason.WRONG_TYPE, "not an array");
    }

    @Test
    void refusesBadValues() {
        Map<String, Object> pathId = valid();
        pathId.put("id", "../etc/passwd");
        Map<String, Object> longTitle = valid();
        longTitle.put("title", "x".repeat(301));
        Map<String, Object> badDate = valid();
        badDate.put("created_at", "yesterday");
        Map<String, Object> empty = valid();
        empty.put("title", " ");
        empty.put("body", "");

        assertRejected(() -> validator.validate(pathId), RejectReason.INVALID_VALUE, "may hold only");
        assertRejected(() -> validator.validate(longTitle), RejectReason.INVALID_VALUE, "301 characters");
        assertRejected(() -> validator.validate(badDate), RejectReason.INVALID_VALUE, "ISO-8601");
        assertRejected(() -> validator.validate(empty), RejectReason.INVALID_VALUE, "no text");
    }
}
