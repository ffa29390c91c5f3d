package io.dataflux.enrich;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;

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

    /** Control characters (tab and newline included: whitespace collapses anyway). */
    private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u00A0\\u2000-\\u200A\\u3000]+");

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
                Document document = Jsoup.parseBodyFragment(html);
                post.put(PostFields.LINKS, new ArrayList<>(anchorLinks(document)));
                post.put(PostFields.BODY, normalise(text(document)));
            } else {
                post.put(PostFields.LINKS, new ArrayList<>());
                post.put(PostFields.BODY, normalise(html));
            }
        });
    }

    /** Plain text of an HTML fragment, normalised. */
    public static String toText(String html) {
        return normalise(isMarkup(html) ? text(Jsoup.parseBodyFragment(html)) : html);
    }

    /**
     * The text of the document's nodes, a space at each block or line break. Not jsoup's text(): that one also drops
     * U+200B and U+00AD, which a person may have written.
     */
    private static String text(Document document) {
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

    /** Text without a tag or an entity reads the same as HTML once whitespace is collapsed: no parse needed. */
    private static boolean isMarkup(String text) {
        return text.indexOf('<') >= 0 || text.indexOf('&') >= 0;
    }

    static String normalise(String text) {
        String nfc = Normalizer.normalize(withoutLoneSurrogates(text), Normalizer.Form.NFC);
        String visible = CONTROL.matcher(nfc).replaceAll(" ");
        return WHITESPACE.matcher(visible).replaceAll(" ").strip();
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

    /** http(s) targets of the anchors, in order, once each; javascript: and other schemes are dropped. */
    private static Set<String> anchorLinks(Document document) {
        Set<String> links = new LinkedHashSet<>();
        for (Element anchor : document.select("a[href]")) {
            String href = anchor.attr("href").strip();
            String lower = href.toLowerCase();
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                links.add(href);
            }
        }
        return links;
    }
}
