package io.dataflux.enrich;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.BreakIterator;
import java.text.StringCharacterIterator;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * Derives fields from a cleaned post: hashtags, mentions, links (those of the anchors plus those written in the
 * text), the word count (CJK text has no spaces: each ideograph counts as a word, as the Unicode word break rules say),
 * and a content hash of the normalised title and body, equal for posts whose text is the same.
 *
 * <p>Hashtags and mentions come from a hand-written scan from one {@code #} or {@code @} to the next (the rules of the
 * look-behind regexes they replace: a {@code #} or {@code @} not preceded by a letter, digit or {@code _}, nor by
 * {@code &}/{@code #} for a hashtag or {@code .}/{@code @} for a mention, so that {@code C#}, {@code &#39;} and e-mail
 * addresses do not count);
 * links from a search for {@code ://}; the word count walks the word boundaries without a substring per word.
 */
public final class PostDeriver implements Processor {

    /** Word boundaries: a BreakIterator is not thread-safe and costly to create, so each enrich thread keeps one. */
    private static final ThreadLocal<BreakIterator> WORDS = ThreadLocal.withInitial(() -> BreakIterator.getWordInstance(Locale.ROOT));
    /** A MessageDigest is not thread-safe and costs a provider look-up to get: each enrich thread keeps one. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });
    private static final HexFormat HEX = HexFormat.of();
    /** What ends a link written in the text (what the regex [^\s<>"'`] it replaces excluded). */
    private static final String LINK_END = " \t\n\u000B\f\r<>\"'`";
    /** Trailing punctuation that belongs to the sentence, not to the link. */
    private static final String LINK_TRAILING = ".,;:!?)]}'\"";

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

        Set<String> hashtags = new LinkedHashSet<>();
        Set<String> mentions = new LinkedHashSet<>();
        scanTagsAndMentions(text, hashtags, mentions);
        post.put(PostFields.HASHTAGS, new ArrayList<>(hashtags));
        post.put(PostFields.MENTIONS, new ArrayList<>(mentions));
        post.put(PostFields.LINKS, links(post.get(PostFields.LINKS), text));
        post.put(PostFields.WORD_COUNT, wordCount(text));
        post.put(PostFields.CONTENT_HASH, contentHash(title, body));
    }

    /**
     * Hashtags ({@code #} then a letter, then letters, digits and {@code _}) and mentions ({@code @} then letters,
     * digits, {@code _} and inner dots), lower-cased, in order of appearance, once each.
     */
    static void scanTagsAndMentions(String text, Set<String> hashtags, Set<String> mentions) {
        // from marker to marker (indexOf), not character by character: the text between them is never looked at, and
        // the JIT compiles a small loop instead of inlining the Unicode tables into a per-character one
        int length = text.length();
        int hash = text.indexOf('#');
        int at = text.indexOf('@');
        int from = 0;
        while (true) {
            if (hash >= 0 && hash < from) {
                hash = text.indexOf('#', from);
            }
            if (at >= 0 && at < from) {
                at = text.indexOf('@', from);
            }
            int i = hash < 0 ? at : at < 0 ? hash : Math.min(hash, at);
            if (i < 0) {
                return;
            }
            int previous = i == 0 ? -1 : text.codePointBefore(i); // the code point before the marker; none at the start
            int next = i + 1;
            from = next;
            if (text.charAt(i) == '#') {
                if (!(isWordChar(previous) || previous == '&' || previous == '#')
                        && next < length && Character.isLetter(text.codePointAt(next))) {
                    int end = endOfName(text, next, false);
                    hashtags.add(text.substring(next, end).toLowerCase(Locale.ROOT));
                    from = end;
                }
            } else if (!(isWordChar(previous) || previous == '.' || previous == '@')
                    && next < length && isWordChar(text.codePointAt(next))) {
                int end = endOfName(text, next, true);
                while (text.charAt(end - 1) == '.') {
                    end--; // a mention ends on a letter, digit or _: "@bob." is bob
                }
                mentions.add(text.substring(next, end).toLowerCase(Locale.ROOT));
                from = end;
            }
        }
    }

    /** The end of a run of letters, digits and _ (and dots, for a mention) starting at {@code from}. */
    private static int endOfName(String text, int from, boolean dots) {
        int end = from;
        while (end < text.length()) {
            int c = text.codePointAt(end);
            if (!(isWordChar(c) || (dots && c == '.'))) {
                break;
            }
            end += Character.charCount(c);
        }
        return end;
    }

    /** A letter, a number (decimal, letter-like or other, as regex \p{N}) or _. */
    private static boolean isWordChar(int c) {
        if (c < 0) {
            return false;
        }
        if (c < 128) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        }
        if (Character.isLetter(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    private static List<String> links(Object anchorLinks, String text) {
        Set<String> links = new LinkedHashSet<>();
        if (anchorLinks instanceof Iterable<?> known) {
            known.forEach(link -> links.add(String.valueOf(link)));
        }
        // a link is http:// or https:// (any case) and what follows up to a space, a quote or an angle bracket
        int from = 0;
        int separator;
        while ((separator = text.indexOf("://", from)) >= 0) {
            int start = schemeStart(text, separator);
            int end = separator + 3;
            while (end < text.length() && LINK_END.indexOf(text.charAt(end)) < 0) {
                end++;
            }
            if (start < 0 || end == separator + 3) {
                from = separator + 3;
                continue;
            }
            int trimmed = end;
            while (trimmed > start && LINK_TRAILING.indexOf(text.charAt(trimmed - 1)) >= 0) {
                trimmed--;
            }
            links.add(text.substring(start, trimmed));
            from = end;
        }
        return new ArrayList<>(links);
    }

    /** Where "https" or "http" (ASCII, any case) ends right before {@code separator}, or -1. */
    private static int schemeStart(String text, int separator) {
        if (separator >= 5 && asciiEqualsIgnoreCase(text, separator - 5, "https")) {
            return separator - 5;
        }
        if (separator >= 4 && asciiEqualsIgnoreCase(text, separator - 4, "http")) {
            return separator - 4;
        }
        return -1;
    }

    private static boolean asciiEqualsIgnoreCase(String text, int at, String lowerCase) {
        for (int i = 0; i < lowerCase.length(); i++) {
            char c = text.charAt(at + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Words by the Unicode word boundaries: a segment with a letter or digit is a word, each ideograph in it is one.
     * Spaces, tabs and line ends always separate segments, so the text is taken token by token between them: a token
     * of ASCII letters and digits, with sentence punctuation at most after them, is one word; any other token is
     * segmented by the BreakIterator (the slow part of this class, kept for what it knows: apostrophes, numbers,
     * scripts).
     */
    static int wordCount(String text) {
        int count = 0;
        int length = text.length();
        int i = 0;
        while (i < length) {
            while (i < length && isSeparator(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < length && !isSeparator(text.charAt(i))) {
                i++;
            }
            if (start < i) {
                count += isPlainWord(text, start, i) ? 1 : segmentedWordCount(text, start, i);
            }
        }
        return count;
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
    }

    /** ASCII letters and digits, then nothing but . , ! ? ; : ) ] " ' (which join nothing after them here). */
    private static boolean isPlainWord(String text, int start, int end) {
        int i = start;
        while (i < end && isAsciiLetterOrDigit(text.charAt(i))) {
            i++;
        }
        if (i == start) {
            return false;
        }
        while (i < end && ".,!?;:)]\"'".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i == end;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static int segmentedWordCount(String text, int from, int to) {
        BreakIterator words = WORDS.get();
        words.setText(new StringCharacterIterator(text, from, to, from));
        int count = 0;
        for (int start = words.first(), end = words.next(); end != BreakIterator.DONE; start = end, end = words.next()) {
            int ideographs = 0;
            boolean letterOrDigit = false;
            for (int i = start; i < end; ) {
                int c = text.codePointAt(i);
                if (Character.isIdeographic(c)) {
                    ideographs++;
                } else if (!letterOrDigit && Character.isLetterOrDigit(c)) {
                    letterOrDigit = true;
                }
                i += Character.charCount(c);
            }
            if (ideographs > 0) {
                count += ideographs;
            } else if (letterOrDigit) {
                count++;
            }
        }
        words.setText(""); // let go of the post's text
        return count;
    }

    /** SHA-256 of the lower-cased title and body with whitespace collapsed: equal for reposts of the same text. */
    static String contentHash(String title, String body) {
        String canonical = canonical(title) + "\n" + canonical(body);
        return HEX.formatHex(SHA256.get().digest(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    /** Lower case, runs of regex \s (space, tab, line feed, vertical tab, form feed, carriage return) as one space, stripped. */
    private static String canonical(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (isCollapsed(lower)) {
            return lower; // the common case, text the cleaner already collapsed: no second copy
        }
        StringBuilder out = new StringBuilder(lower.length());
        boolean inSpace = false;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (isCanonicalSpace(c)) {
                if (!inSpace) {
                    out.append(' ');
                }
                inSpace = true;
            } else {
                out.append(c);
                inSpace = false;
            }
        }
        return out.toString().strip();
    }

    /** Whether canonical() would leave the text as it is: single spaces only, none at either end, nothing strip() drops. */
    private static boolean isCollapsed(String text) {
        int length = text.length();
        if (length > 0 && (Character.isWhitespace(text.charAt(0)) || Character.isWhitespace(text.charAt(length - 1))
                || text.charAt(0) <= ' ' || text.charAt(length - 1) <= ' ')) {
            return false;
        }
        boolean previousSpace = false;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean space = isCanonicalSpace(c);
            if (space && (c != ' ' || previousSpace)) {
                return false;
            }
            previousSpace = space;
        }
        return true;
    }

    private static boolean isCanonicalSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }
}
