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

/**
 * Cleans the text fields of a post: HTML becomes plain text (scripts and styles dropped, entities decoded), Unicode
 * is normalised to NFC, control and zero-width characters go, and whitespace collapses to single spaces. The links
 * of the body's anchors are kept in {@code links}, since the markup that holds them is gone afterwards.
 */
public final class PostCleaner implements Processor {

    /** Controls (but tab/newline, which whitespace handling covers), zero-width and bidi-override characters. */
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\u200B-\\u200D\\u2060\\uFEFF\\u202A-\\u202E]");
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
            Document document = Jsoup.parseBodyFragment(html);
            post.put(PostFields.LINKS, new ArrayList<>(anchorLinks(document)));
            post.put(PostFields.BODY, normalise(document.body().text()));
        });
    }

    /** Plain text of an HTML fragment, normalised. */
    public static String toText(String html) {
        return normalise(Jsoup.parseBodyFragment(html).body().text());
    }

    static String normalise(String text) {
        String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
        String visible = INVISIBLE.matcher(nfc).replaceAll(" ");
        return WHITESPACE.matcher(visible).replaceAll(" ").strip();
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
