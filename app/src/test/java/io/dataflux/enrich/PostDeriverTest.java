package io.dataflux.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dataflux.sample.ForumPostGenerator;

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

    @Test
    void findsHashtagsInAnyScriptAndWithDigitsAfterTheFirstLetter() {
        Map<String, Object> post = post("Zürich", "#Zürich #café #日本語 #Ελλάδα #москва2026 #ÉTÉ #_no #٣no #ok_1");

        deriver.derive(post);

        assertThat(post.get("hashtags")).isEqualTo(List.of("zürich", "café", "日本語", "ελλάδα", "москва2026", "été", "ok_1"));
    }

    @Test
    void emojiNextToHashtagsAndMentionsNeitherHideNorJoinThem() {
        Map<String, Object> post = post("t", "🚀#launch👍 🎉@Ann_B🔥 👋🏽#kafka🐪@bo.c. ☕#java☕");

        deriver.derive(post);

        assertThat(post.get("hashtags")).isEqualTo(List.of("launch", "kafka", "java"));
        assertThat(post.get("mentions")).isEqualTo(List.of("ann_b", "bo.c"));
    }

    @Test
    void emailAddressesAndOtherWordsWithAnAtSignAreNotMentions() {
        Map<String, Object> post = post("t", "write to alice@example.com, bob.smith@mail.example.org or 日本@example.jp; "
                + "a@@b, x.@y, @.dot, @@double and @ alone; but (@carol) and \"@dave\" are");

        deriver.derive(post);

        assertThat(post.get("mentions")).isEqualTo(List.of("carol", "dave"));
    }

    @Test
    void findsWhatTheLookBehindRegexesAndTheSubstringWordCountFoundOnGeneratedPosts() {
        ForumPostGenerator generator = new ForumPostGenerator(7, "t-", 0.0, 65536, 700);
        PostParser parser = new PostParser();
        PostCleaner cleaner = new PostCleaner();
        List<String> texts = new ArrayList<>(List.of("a#b #a#b ##x &#35;y #1x @a..b @a.b.. @_ @é.ü x@y @x@y",
                "HTTP://UP.example/A). https://x.example/é?q=\"1\" http:// https://ok.example/p/, <http://a.example>",
                "It's 3.5 km — l’été, e.g. co-op, 東京都 and 한국어 text \u000B\f end",
                "1,000 3.5% $20 #123 a'b' I'm. (x) x) x.y abc日本 日本abc ab1.2c \"q\" it’s, U.S.A. ok!? x]\r\ny\tz",
                "e\u0301t\u00e9 \u0301abc a\u00adb 5\u00a0km \u3000全角 ｶﾀｶﾅ カタカナ ひらがな 123abc, abc123. ...x"));
        for (int i = 0; i < 2000; i++) {
            Map<String, Object> post = parser.parse(generator.next().payload());
            cleaner.clean(post);
            texts.add(post.get("title") + "\n" + post.get("body"));
        }
        for (String text : texts) {
            Map<String, Object> post = post("", text);

            deriver.derive(post);

            assertThat(post.get("hashtags")).as(text).isEqualTo(Regexes.distinctLowerCase(Regexes.HASHTAG.matcher(text)));
            assertThat(post.get("mentions")).as(text).isEqualTo(Regexes.distinctLowerCase(Regexes.MENTION.matcher(text)));
            assertThat(post.get("links")).as(text).isEqualTo(Regexes.links(text));
            assertThat(post.get("word_count")).as(text).isEqualTo(Regexes.wordCount(text));
        }
    }

    /** The definitions PostDeriver had before its hand-written scans: the specification they must still meet. */
    private static final class Regexes {

        static final Pattern HASHTAG = Pattern.compile("(?<![\\p{L}\\p{N}_&#])#(\\p{L}[\\p{L}\\p{N}_]*)");
        static final Pattern MENTION =
                Pattern.compile("(?<![\\p{L}\\p{N}_.@])@([\\p{L}\\p{N}_](?:[\\p{L}\\p{N}_.]*[\\p{L}\\p{N}_])?)");
        static final Pattern URL = Pattern.compile("https?://[^\\s<>\"'`]+", Pattern.CASE_INSENSITIVE);
        static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[.,;:!?)\\]}'\"]+$");

        static List<String> distinctLowerCase(Matcher matcher) {
            Set<String> found = new LinkedHashSet<>();
            while (matcher.find()) {
                found.add(matcher.group(1).toLowerCase(Locale.ROOT));
            }
            return new ArrayList<>(found);
        }

        static List<String> links(String text) {
            Set<String> links = new LinkedHashSet<>();
            Matcher matcher = URL.matcher(text);
            while (matcher.find()) {
                links.add(TRAILING_PUNCTUATION.matcher(matcher.group()).replaceAll(""));
            }
            return new ArrayList<>(links);
        }

        static int wordCount(String text) {
            BreakIterator words = BreakIterator.getWordInstance(Locale.ROOT);
            words.setText(text);
            int count = 0;
            for (int start = words.first(), end = words.next(); end != BreakIterator.DONE; start = end, end = words.next()) {
                String segment = text.substring(start, end);
                long ideographs = segment.codePoints().filter(Character::isIdeographic).count();
                if (ideographs > 0) {
                    count += (int) ideographs;
                } else if (segment.codePoints().anyMatch(Character::isLetterOrDigit)) {
                    count++;
                }
            }
            return count;
        }
    }
}
