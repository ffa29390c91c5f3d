package io.dataflux.enrich;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * Derives fields from a cleaned post: hashtags, mentions, links (those of the anchors plus those written in the
 * text), the word count (CJK text has no spaces: each ideograph counts as a word, as the Unicode word break rules say),
 * and a content hash of the normalised title and body, equal for posts whose text is the same.
 */
public final class PostDeriver implements Processor {

    private static final Pattern HASHTAG = Pattern.compile("(?<![\\p{L}\\p{N}_&#])#(\\p{L}[\\p{L}\\p{N}_]*)");
    private static final Pattern MENTION = Pattern.compile("(?<![\\p{L}\\p{N}_.@])@([\\p{L}\\p{N}_](?:[\\p{L}\\p{N}_.]*[\\p{L}\\p{N}_])?)");
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"'`]+", Pattern.CASE_INSENSITIVE);
    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[.,;:!?)\\]}'\"]+$");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        @SuppressWarnings("unchecked")
        Map<String, Object> post = exchange.getIn().getMandatoryBody(Map.class);
        derive(post);
    }

    public void derive(Map<String, Object> post) {
        String title = PostFields.optionalString(post, PostFields.TITLE).orElse("");
        String body = PostFields.optionalString(post, PostFields.BODY).orElse("");
        String text = title.isEmpty() ? body : title + "\n" + body;

        post.put(PostFields.HASHTAGS, distinctLowerCase(HASHTAG.matcher(text)));
        post.put(PostFields.MENTIONS, distinctLowerCase(MENTION.matcher(text)));
        post.put(PostFields.LINKS, links(post.get(PostFields.LINKS), text));
        post.put(PostFields.WORD_COUNT, wordCount(text));
        post.put(PostFields.CONTENT_HASH, contentHash(title, body));
    }

    private static List<String> distinctLowerCase(Matcher matcher) {
        Set<String> found = new LinkedHashSet<>();
        while (matcher.find()) {
            found.add(matcher.group(1).toLowerCase(Locale.ROOT));
        }
        return new ArrayList<>(found);
    }

    private static List<String> links(Object anchorLinks, String text) {
        Set<String> links = new LinkedHashSet<>();
        if (anchorLinks instanceof Iterable<?> known) {
            known.forEach(link -> links.add(String.valueOf(link)));
        }
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

    /** SHA-256 of the lower-cased title and body with whitespace collapsed: equal for reposts of the same text. */
    static String contentHash(String title, String body) {
        String canonical = canonical(title) + "\n" + canonical(body);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String canonical(String text) {
        // a compiled pattern: String.replaceAll compiles its regex on every call, twice per post
        return WHITESPACE.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }
}
