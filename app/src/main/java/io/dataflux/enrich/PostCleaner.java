package io.dataflux.enrich;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Parser;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Cleans the text fields of a post, and does nothing more: HTML becomes plain text (scripts and styles dropped,
 * entities decoded, whitespace collapsed to single spaces), Unicode is normalised to NFC, and control characters
 * (C0, DEL, C1) go. Everything else a person wrote survives: zero-width joiners and non-joiners (emoji sequences,
 * Persian, Hindi), variation selectors, bidi marks and isolates. A lone UTF-16 surrogate (only a JSON escape can make
 * one) cannot be stored as UTF-8 and becomes U+FFFD. The links of the body's anchors are kept in {@code links},
 * since the markup that holds them is gone afterwards. Each field is parsed as HTML at most once, and not at all when
 * it holds no markup.
 */
public final class PostCleaner implements Processor {

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        @SuppressWarnings("unchecked")
        Map<String, Object> post = exchange.getIn().getMandatoryBody(Map.class);
        clean(post);
    }

    public void clean(Map<String, Object> post) {
        PostFields.optionalString(post, PostFields.TITLE).ifPresent(title -> post.put(PostFields.TITLE, toText(title)));
        PostFields.optionalString(post, PostFields.BODY).ifPresent(html -> {
            if (isMarkup(html)) {
                Set<String> links = new LinkedHashSet<>();
                String text = text(FragmentParser.parse(html), links);
                post.put(PostFields.LINKS, new ArrayList<>(links));
                post.put(PostFields.BODY, normalise(text));
            } else {
                post.put(PostFields.LINKS, new ArrayList<>());
                post.put(PostFields.BODY, normalise(html));
            }
        });
    }

    /** Plain text of an HTML fragment, normalised. */
    public static String toText(String html) {
        return normalise(isMarkup(html) ? text(FragmentParser.parse(html), null) : html);
    }

    /**
     * The text of the document's nodes, a space at each block or line break. Not jsoup's text(): that one also drops
     * U+200B and U+00AD, which a person may have written. The same walk collects the http(s) targets of the anchors,
     * in order, once each, into {@code links} (when given); javascript: and other schemes are dropped.
     */
    private static String text(List<Node> body, Set<String> links) {
        StringBuilder text = new StringBuilder().append(' '); // the body element is a block
        NodeVisitor visitor = (node, depth) -> {
            if (node instanceof TextNode textNode) {
                text.append(textNode.getWholeText());
            } else if (node instanceof Element element) {
                if (links != null && element.nameIs("a") && element.hasAttr("href")) {
                    anchorLink(element.attr("href"), links);
                }
                if (element.isBlock() || element.nameIs("br")) {
                    text.append(' ');
                }
            }
        };
        for (Node node : body) {
            NodeTraversor.traverse(visitor, node);
        }
        return text.toString();
    }

    /**
     * What {@code Jsoup.parseBodyFragment} parses, the nodes of the body, without the document around them and with a
     * parser per thread: a new parser starts each parse with a fresh copy of the HTML tag set (the costliest part of
     * parsing a post), a kept one has the tags it met before. It is renewed every {@link #RENEW_AFTER} parses, so that
     * the tag names of the input (the set keeps unknown ones too) never pile up.
     */
    private static final class FragmentParser {

        static final int RENEW_AFTER = 1000;
        private static final ThreadLocal<FragmentParser> PER_THREAD = ThreadLocal.withInitial(FragmentParser::new);

        private final Element body = Document.createShell("").body();
        private Parser parser = Parser.htmlParser();
        private int parses;

        static List<Node> parse(String html) {
            return PER_THREAD.get().nodes(html);
        }

        private List<Node> nodes(String html) {
            if (++parses > RENEW_AFTER) {
                parser = Parser.htmlParser();
                parses = 1;
            }
            return parser.parseFragmentInput(html, body, "");
        }
    }

    /** Text without a tag or an entity reads the same as HTML once whitespace is collapsed: no parse needed. */
    private static boolean isMarkup(String text) {
        return text.indexOf('<') >= 0 || text.indexOf('&') >= 0;
    }

    /**
     * NFC, then each control character (regex \p{Cc}) as a space, then each run of whitespace (regex \s, no-break
     * space, U+2000 to U+200A, U+3000) as one space, then stripped: one pass instead of two regular expressions.
     */
    static String normalise(String text) {
        String fixed = withoutLoneSurrogates(text);
        String nfc = Normalizer.isNormalized(fixed, Normalizer.Form.NFC) ? fixed
                : Normalizer.normalize(fixed, Normalizer.Form.NFC);
        return collapseSpaces(nfc).strip();
    }

    /** Runs of control characters and whitespace as one space (what the regexes \p{Cc} then [\s...]+ made). */
    static String collapseSpaces(String text) {
        int length = text.length();
        int i = 0;
        // the common start: nothing to change up to the first control character or run of spaces
        while (i < length) {
            char c = text.charAt(i);
            if (isSpaceOrControl(c) && (c != ' ' || (i + 1 < length && isSpaceOrControl(text.charAt(i + 1))))) {
                break;
            }
            i++;
        }
        if (i == length) {
            return text;
        }
        char[] out = new char[length];
        text.getChars(0, i, out, 0);
        int n = i;
        while (i < length) {
            char c = text.charAt(i++);
            if (!isSpaceOrControl(c)) {
                out[n++] = c;
                continue;
            }
            while (i < length && isSpaceOrControl(text.charAt(i))) {
                i++;
            }
            out[n++] = ' ';
        }
        return new String(out, 0, n);
    }

    /** A control character (C0, DEL, C1) or whitespace: regex \s, U+00A0, U+2000 to U+200A, U+3000. */
    private static boolean isSpaceOrControl(char c) {
        return c <= ' ' || (c >= '\u007F' && c <= '\u00A0') || (c >= '\u2000' && c <= '\u200A') || c == '\u3000';
    }

    static String withoutLoneSurrogates(String text) {
        StringBuilder fixed = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (fixed != null) {
                    fixed.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (fixed == null) {
                    fixed = new StringBuilder(text.length()).append(text, 0, i);
                }
                fixed.append('\uFFFD');
            } else if (fixed != null) {
                fixed.append(c);
            }
        }
        return fixed == null ? text : fixed.toString();
    }

    /** Adds an anchor's target when it is an http(s) link. */
    private static void anchorLink(String target, Set<String> links) {
        String href = target.strip();
        if (startsWithAsciiIgnoreCase(href, "http://") || startsWithAsciiIgnoreCase(href, "https://")) {
            links.add(href);
        }
    }

    /** What {@code text.toLowerCase().startsWith(lowerCase)} says for an ASCII prefix, without the lower-cased copy. */
    private static boolean startsWithAsciiIgnoreCase(String text, String lowerCase) {
        if (text.length() < lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < lowerCase.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
