package io.dataflux.enrich;

import static io.dataflux.enrich.PostParserTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.dataflux.sample.ForumPostGenerator;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
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

    @Test
    void cleansAsTheRegularExpressionsAndTheAnchorSelectDidOnGeneratedAndTrickyPosts() {
        List<String> texts = new ArrayList<>(List.of(
                " \u0007\u0085 a\u00A0\u00A0b\u2028c \u1680 \u205F\u2007\u200Ad\u200B\u202F e \u2029",
                "\u2028 lead and trail \u1680", "x\u007F\u0080\u009F\u00A0y", "\t\n\u000B\f\r\u001C\u001F z \u3000",
                "e\u0301t\u00e9 \u0301abc \uD800 \uDC00x \uD83D\uDE80 \u2126 \u212B", "   ", "", "single",
                "<p>Caf&eacute;&nbsp;&amp; <b>b</b></p><script>x()</script><br>y<div>z</div>",
                "<a href=' HTTPS://Up.example/A '>u</a><a HREF='http://b.example'>b</a><a href='httpſ://s'>s</a>"
                        + "<a href='ftp://f'>f</a><a>no</a><a href=''>e</a><svg><a href='https://svg.example'>v</a></svg>"
                        + "<a href='https://up.example/A'>dup</a><A href='hTTp://c.example'>c</a>",
                "<table><tr><td>a<td>b</table><ul><li>1<li>2</ul>t&#x1F600;&#0;&#128;&lt;x&gt;",
                "no markup but & an ampersand", "<title>t</title><style>s{}</style><textarea>ta</textarea><noscript>n</noscript>"));
        ForumPostGenerator generator = new ForumPostGenerator(11, "c-", 0.0, 65536, 700);
        PostParser parser = new PostParser();
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> post = parser.parse(generator.next().payload());
            texts.add((String) post.get("title"));
            texts.add((String) post.get("body"));
        }
        for (String text : texts) {
            Map<String, Object> post = post(text, text);

            cleaner.clean(post);

            assertThat(post.get("title")).as(text).isEqualTo(Former.toText(text));
            assertThat(post.get("body")).as(text).isEqualTo(Former.toText(text));
            assertThat(post.get("links")).as(text).isEqualTo(Former.links(text));
        }
    }

    /** What PostCleaner did before its hand-written normalisation and its one walk for text and links. */
    private static final class Former {

        static final Pattern CONTROL = Pattern.compile("\\p{Cc}");
        static final Pattern WHITESPACE = Pattern.compile("[\\s\\u00A0\\u2000-\\u200A\\u3000]+");

        static String toText(String html) {
            boolean markup = html.indexOf('<') >= 0 || html.indexOf('&') >= 0;
            return normalise(markup ? text(Jsoup.parseBodyFragment(html)) : html);
        }

        static String text(Document document) {
            StringBuilder text = new StringBuilder();
            NodeTraversor.traverse((node, depth) -> {
                if (node instanceof TextNode textNode) {
                    text.append(textNode.getWholeText());
                } else if (node instanceof Element element && (element.isBlock() || element.nameIs("br"))) {
                    text.append(' ');
                }
            }, document.body());
            return text.toString();
        }

        static String normalise(String text) {
            String nfc = Normalizer.normalize(PostCleaner.withoutLoneSurrogates(text), Normalizer.Form.NFC);
            String visible = CONTROL.matcher(nfc).replaceAll(" ");
            return WHITESPACE.matcher(visible).replaceAll(" ").strip();
        }

        static List<String> links(String html) {
            if (!(html.indexOf('<') >= 0 || html.indexOf('&') >= 0)) {
                return List.of();
            }
            Set<String> links = new LinkedHashSet<>();
            for (Element anchor : Jsoup.parseBodyFragment(html).select("a[href]")) {
                String href = anchor.attr("href").strip();
                String lower = href.toLowerCase();
                if (lower.startsWith("http://") || lower.startsWith("https://")) {
                    links.add(href);
                }
            }
            return new ArrayList<>(links);
        }
    }
}
