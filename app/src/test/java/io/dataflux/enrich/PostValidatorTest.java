package io.dataflux.enrich;

import static io.dataflux.enrich.PostParserTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.LinkedHashMap;
import java.util.List;
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
        Map<String, Object> controlId = valid();
        controlId.put("id", "p\u0000-1");
        Map<String, Object> longTitle = valid();
        longTitle.put("title", "x".repeat(301));
        Map<String, Object> badDate = valid();
        badDate.put("created_at", "yesterday");
        Map<String, Object> empty = valid();
        empty.put("title", " ");
        empty.put("body", "");

        assertRejected(() -> validator.validate(controlId), RejectReason.INVALID_VALUE, "control character");
        assertRejected(() -> validator.validate(longTitle), RejectReason.INVALID_VALUE, "301 characters");
        assertRejected(() -> validator.validate(badDate), RejectReason.INVALID_VALUE, "ISO-8601");
        assertRejected(() -> validator.validate(empty), RejectReason.INVALID_VALUE, "no text");
    }

    @Test
    void acceptsAnyIdOfUpTo255BytesAsItCame() {
        for (String id : List.of("tmux:3.2~rc1-1", "libx11:2:1.8.4-2+deb12u2", "a/b#c=d@e", "with space ", " x",
                "Ärger-ß", "\u0645\u200C\u062E", "\u00e9".repeat(127), "x".repeat(255))) {
            Map<String, Object> post = valid();
            post.put("id", id);
            post.put("author_id", "jane.doe+forum@example.org");
            assertThatCode(() -> validator.validate(post)).as(id).doesNotThrowAnyException();
        }
    }

    @Test
    void refusesIdsOutsideTheRule() {
        Map<String, Object> empty = valid();
        empty.put("id", "");
        Map<String, Object> tooLong = valid();
        tooLong.put("id", "\u00e9".repeat(128)); // 256 bytes
        Map<String, Object> loneSurrogate = valid();
        loneSurrogate.put("author_id", "u\uD800");

        assertRejected(() -> validator.validate(empty), RejectReason.INVALID_VALUE, "'id' is empty");
        assertRejected(() -> validator.validate(tooLong), RejectReason.INVALID_VALUE, "256 bytes");
        assertRejected(() -> validator.validate(loneSurrogate), RejectReason.INVALID_VALUE, "surrogate");
    }

    @Test
    void appliesTheConfiguredRequiredFieldsAndIdPattern() {
        PostValidator configured = new PostValidator();
        configured.setRequired("id,created-at");
        configured.setIdPattern("[0-9]+");
        Map<String, Object> post = valid();
        post.put("id", "42");
        post.remove("author_id");
        post.remove("thread_id");
        post.remove("body");
        Map<String, Object> noDate = new LinkedHashMap<>(post);
        noDate.remove("created_at");
        Map<String, Object> letters = new LinkedHashMap<>(post);
        letters.put("id", "p42");

        assertThatCode(() -> configured.validate(post)).doesNotThrowAnyException();
        assertRejected(() -> configured.validate(noDate), RejectReason.MISSING_FIELD, "'created_at'");
        assertRejected(() -> configured.validate(letters), RejectReason.INVALID_VALUE, "id-pattern");
    }

    @Test
    void refusesWhatMySqlWouldRefuse() {
        Map<String, Object> year10000 = valid();
        year10000.put("created_at", "+10000-01-01T00:00:00Z");
        Map<String, Object> year999 = valid();
        year999.put("created_at", "0999-12-31T23:59:59Z");
        Map<String, Object> deep = valid();
        Object nested = "leaf";
        for (int i = 0; i < 200; i++) {
            nested = Map.of("a", nested);
        }
        deep.put("extra", nested);
        Map<String, Object> justDeepEnough = valid();
        nested = "leaf";
        for (int i = 0; i < 30; i++) {
            nested = List.of(nested);
        }
        justDeepEnough.put("extra", nested);

        assertRejected(() -> validator.validate(year10000), RejectReason.INVALID_VALUE, "outside the years");
        assertRejected(() -> validator.validate(year999), RejectReason.INVALID_VALUE, "outside the years");
        assertRejected(() -> validator.validate(deep), RejectReason.INVALID_VALUE, "nests 201 levels");
        assertThatCode(() -> validator.validate(justDeepEnough)).doesNotThrowAnyException();
    }
}
