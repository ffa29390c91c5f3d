package io.dataflux.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class PostParserTest {

    private final PostParser parser = new PostParser();

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesAnObjectKeepingFieldOrderTypesAndUnknownFields() {
        Map<String, Object> post = parser.parse(utf8(
                "{\"id\":\"p-1\",\"score\":42,\"tags\":[\"a\"],\"meta\":{\"lang\":\"日本語\"},\"pinned\":false}"));

        assertThat(post).containsExactly(
                Map.entry("id", "p-1"),
                Map.entry("score", 42),
                Map.entry("tags", List.of("a")),
                Map.entry("meta", Map.of("lang", "日本語")),
                Map.entry("pinned", false));
    }

    @Test
    void refusesInvalidUtf8WithTheOffset() {
        byte[] raw = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertRejected(() -> parser.parse(raw), RejectReason.INVALID_UTF8, "offset 7");
    }

    @Test
    void readsTextAsOtherSystemsWriteItAcrossTheDecodersBuffer() {
        // a byte order mark and whitespace first, every kind of script and emoji sequences, 100 KB of body: the
        // strict UTF-8 check runs through a buffer of 8,192 characters several times
        String body = "👩‍👩‍👧 नमस्ते ؟مرحبا 日本語 \u200d ~+@/# ".repeat(4_000);
        parser.setMaxRecordBytes(1 << 20);
        byte[] raw = utf8("\uFEFF \r\n\t{\"id\":\"pkg:1.2~rc1-1\",\"author_id\":\"a+b@example.org\",\"body\":\"" + body + "\"}");

        assertThat(raw.length).isGreaterThan(100_000);
        assertThat(parser.parse(raw)).containsExactly(Map.entry("id", "pkg:1.2~rc1-1"),
                Map.entry("author_id", "a+b@example.org"), Map.entry("body", body));
    }

    @Test
    void refusesInvalidUtf8FarIntoALargeRecordWithItsOffset() {
        parser.setMaxRecordBytes(1 << 20);
        byte[] head = utf8("{\"body\":\"" + "é".repeat(20_000));
        byte[] raw = new byte[head.length + 3];
        System.arraycopy(head, 0, raw, 0, head.length);
        raw[head.length] = (byte) 0xED; // a UTF-16 surrogate written as UTF-8 (CESU-8): not UTF-8
        raw[head.length + 1] = (byte) 0xA0;
        raw[head.length + 2] = (byte) 0x80;

        assertRejected(() -> parser.parse(raw), RejectReason.INVALID_UTF8, "offset " + head.length);
    }

    @Test
    void refusesJsonInUtf16EvenThoughItsBytesAreValidUtf8() {
        // every byte of UTF-16LE ASCII is valid UTF-8; Jackson alone would guess UTF-16 and accept it
        byte[] raw = "{\"id\":\"p-1\"}".getBytes(StandardCharsets.UTF_16LE);
        assertRejected(() -> parser.parse(raw), RejectReason.MALFORMED_JSON, "malformed JSON");
    }

    @Test
    void refusesBrokenJsonTrailingGarbageAndDuplicateKeys() {
        assertRejected(() -> parser.parse(utf8("{\"id\":\"p-1\"")), RejectReason.MALFORMED_JSON, "line 1");
        assertRejected(() -> parser.parse(utf8("{\"id\":\"p-1\"} {}")), RejectReason.MALFORMED_JSON, "Trailing token");
        assertRejected(() -> parser.parse(utf8("{\"id\":\"a\",\"id\":\"b\"}")), RejectReason.MALFORMED_JSON, "Duplicate field");
        assertRejected(() -> parser.parse(new byte[0]), RejectReason.MALFORMED_JSON, "empty record");
        assertRejected(() -> parser.parse(null), RejectReason.MALFORMED_JSON, "empty record");
    }

    @Test
    void refusesJsonThatIsNotAnObject() {
        assertRejected(() -> parser.parse(utf8("[1,2]")), RejectReason.NOT_AN_OBJECT, "not array");
        assertRejected(() -> parser.parse(utf8("\"text\"")), RejectReason.NOT_AN_OBJECT, "not string");
        assertRejected(() -> parser.parse(utf8("garbage")), RejectReason.MALFORMED_JSON, "malformed JSON");
    }

    @Test
    void refusesOversizedRecordsBeforeParsingThem() {
        parser.setMaxRecordBytes(100);
        byte[] large = utf8("{\"id\":\"p-1\",\"body\":\"" + "x".repeat(200) + "\"}");

        assertRejected(() -> parser.parse(large), RejectReason.TOO_LARGE, "limit of 100");
    }

    static void assertRejected(ThrowingCallable call, RejectReason reason, String messagePart) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(RejectedRecordException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart);
    }
}
