package io.dataflux.enrich;

import static io.dataflux.enrich.PostParserTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostCleanerTest {

    private final PostCleaner cleaner = new PostCleaner();

    private static Map<String, Object> post(String title, String body) {
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("id", "p-1");
        post.put("title", title);
        post.put("body", body);
        return post;
    }

    @Test
    void turnsHtmlIntoTextDroppingScriptsAndDecodingEntities() {
        Map<String, Object> post = post("Caf&eacute; &amp; <b>bar</b>",
                "<p>Hello&nbsp;<i>world</i></p><script>alert('x')</script><style>p{}</style><p>Tom &lt;3 Jerry</p>");

        cleaner.clean(post);

        assertThat(post.get("title")).isEqualTo("Café & bar");
        assertThat(post.get("body")).isEqualTo("Hello world Tom <3 Jerry");
    }

    @Test
    void normalisesUnicodeToNfcAndRemovesControlCharactersOnly() {
        // "e" + combining acute accent, a bell, a DEL and a C1 control: controls go, the accent is composed
        Map<String, Object> post = post(null, "Cafe\u0301 ok \u0007done\u007F\u0085!");

        cleaner.clean(post);

        assertThat(post.get("body")).isEqualTo("Caf\u00e9 ok done !");
    }

    @Test
    void keepsJoinersVariationSelectorsAndBidiMarksAPersonWrote() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";
        String rainbowFlag = "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08";
        String persian = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"; // mi-khaham, with a ZWNJ
        String hindi = "\u0915\u094D\u200D\u0937"; // a half form made with a ZWJ
        String bidi = "\u200Fabc\u200E \u2067\u05E9\u05DC\u05D5\u05DD\u2069 \u202Eevil\u202C \u200Bzw";
        Map<String, Object> post = post(family + " " + rainbowFlag, "<p>" + persian + " " + hindi + " " + bidi + "</p>");

        cleaner.clean(post);

        assertThat(post.get("title")).isEqualTo(family + " " + rainbowFlag);
        assertThat(post.get("body")).isEqualTo(persian + " " + hindi + " " + bidi);
    }

    @Test
    void replacesOnlyLoneSurrogatesWhichUtf8CannotHold() {
        Map<String, Object> post = post("a\uD800b \uD83D\uDE80", "x\uDC00");

        cleaner.clean(post);

        assertThat(post.get("title")).isEqualTo("a\uFFFDb \uD83D\uDE80");
        assertThat(post.get("body")).isEqualTo("x\uFFFD");
    }

    @Test
    void plainTextNeedsNoParseAndReadsTheSame() {
        Map<String, Object> post = post("  plain\ttitle ", " plain  body ");

        cleaner.clean(post);

        assertThat(post.get("title")).isEqualTo("plain title");
        assertThat(post.get("body")).isEqualTo("plain body");
        assertThat(post.get("links")).isEqualTo(List.of());
    }

    @Test
    void collapsesAllKindsOfWhitespace() {
        Map<String, Object> post = post("  a \t\n b\u3000c\u00A0 ", "<p>line one</p>\n\n<p>line\ttwo</p>");

        cleaner.clean(post);

        assertThat(post.get("title")).isEqualTo("a b c");
        assertThat(post.get("body")).isEqualTo("line one line two");
    }

    @Test
    void keepsHttpLinksOfAnchorsOnceEachAndDropsOtherSchemes() {
        Map<String, Object> post = post("t", "<a href='https://a.example/x'>a</a> <a href=\"javascript:alert(1)\">b</a>"
                + " <a href='https://a.example/x'>again</a> <a href='http://b.example'>c</a> <a href='/relative'>d</a>");

        cleaner.clean(post);

        assertThat(post.get("links")).isEqualTo(List.of("https://a.example/x", "http://b.example"));
        assertThat(post.get("body")).isEqualTo("a b again c d");
    }

    @Test
    void keepsEmojiAndCjkText() {
        Map<String, Object> post = post("東京 🚀", "<p>こんにちは 世界 👋🏽</p>");

        cleaner.clean(post);

        assertThat(post.get("title")).isEqualTo("東京 🚀");
        assertThat(post.get("body")).isEqualTo("こんにちは 世界 👋🏽");
    }

    @Test
    void refusesTextFieldsOfTheWrongType() {
        Map<String, Object> post = post("t", "b");
        post.put("body", 12);

        assertRejected(() -> cleaner.clean(post), RejectReason.WRONG_TYPE, "'body' must be a string, not a number");
    }
}
