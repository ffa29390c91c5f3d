package io.dataflux.enrich;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * An example enricher, as a newcomer writes one (docs/extending.md): one processor class, named by a route step with
 * {@code beanType}, registered nowhere else. It counts the words of the post's title into {@code title_words}, and
 * refuses a post whose title is all capitals.
 */
public final class ExampleEnricher implements Processor {

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        Map<String, Object> post = exchange.getIn().getBody(Map.class);
        String title = String.valueOf(post.getOrDefault("title", ""));
        if (!title.isBlank() && title.equals(title.toUpperCase()) && !title.equals(title.toLowerCase())) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, "title", "is all capitals: " + title);
        }
        post.put("title_words", title.isBlank() ? 0 : title.trim().split("\\s+").length);
    }
}
