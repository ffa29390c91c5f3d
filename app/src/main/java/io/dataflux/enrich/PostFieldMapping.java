package io.dataflux.enrich;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonPointer;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * The input contract's field mapping: takes each of the post's fields from where the input keeps it, written as a
 * JSON Pointer (RFC 6901: {@code /post_id}, {@code /user/email}, {@code /tags/0}; {@code ~1} is a / and {@code ~0} a ~
 * inside a name). The defaults are the forum generator's names ({@code /id}, {@code /author_id}, ...), which map
 * nothing. A top-level input field that was mapped is renamed (it does not stay in extra); a nested one is copied and
 * its object stays as it came. An empty pointer means the input has no such field. Ids given as JSON integers (many
 * exports number their posts) become their decimal text.
 */
public final class PostFieldMapping implements Processor {

    private final Map<String, JsonPointer> pointers = new LinkedHashMap<>();

    public PostFieldMapping() {
        for (String field : List.of(PostFields.ID, PostFields.THREAD_ID, PostFields.AUTHOR_ID, PostFields.TITLE,
                PostFields.BODY, PostFields.URL, PostFields.CREATED_AT)) {
            pointers.put(field, JsonPointer.compile("/" + field));
        }
    }

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        @SuppressWarnings("unchecked")
        Map<String, Object> post = exchange.getIn().getMandatoryBody(Map.class);
        exchange.getIn().setBody(map(post));
    }

    public Map<String, Object> map(Map<String, Object> input) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> post = input;
        for (Map.Entry<String, JsonPointer> mapping : pointers.entrySet()) {
            JsonPointer pointer = mapping.getValue();
            if (pointer != null && mapping.getKey().equals(topLevelName(pointer))) {
                continue; // the input already uses the post's name
            }
            values.put(mapping.getKey(), pointer == null ? null : resolve(input, pointer));
        }
        if (!values.isEmpty()) {
            post = new LinkedHashMap<>(input);
            for (String field : values.keySet()) {
                String source = pointers.get(field) == null ? null : topLevelName(pointers.get(field));
                if (source != null) {
                    post.remove(source);
                }
            }
            for (Map.Entry<String, Object> value : values.entrySet()) {
                if (value.getValue() == null) {
                    post.remove(value.getKey());
                } else {
                    post.put(value.getKey(), value.getValue());
                }
            }
        }
        for (String id : List.of(PostFields.ID, PostFields.THREAD_ID, PostFields.AUTHOR_ID)) {
            Object value = post.get(id);
            if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
                post.put(id, value.toString());
            }
        }
        return post;
    }

    /** The field name of a pointer to a top-level field, else null. */
    private static String topLevelName(JsonPointer pointer) {
        return pointer.tail() != null && pointer.tail().matches() ? pointer.getMatchingProperty() : null;
    }

    static Object resolve(Object document, JsonPointer pointer) {
        Object node = document;
        for (JsonPointer at = pointer; !at.matches(); at = at.tail()) {
            if (node instanceof Map<?, ?> object) {
                node = object.get(at.getMatchingProperty());
            } else if (node instanceof List<?> array && at.getMatchingIndex() >= 0 && at.getMatchingIndex() < array.size()) {
                node = array.get(at.getMatchingIndex());
            } else {
                return null;
            }
        }
        return node;
    }

    private void set(String field, String pointer) {
        if (pointer == null || pointer.isBlank()) {
            pointers.put(field, null);
            return;
        }
        try {
            pointers.put(field, JsonPointer.compile(pointer.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the input field of '" + field + "' must be a JSON Pointer such as /"
                    + field + " or /user/email, not '" + pointer + "'", e);
        }
    }

    /** Where the post's id is, e.g. {@code /post_id}. */
    public void setId(String pointer) {
        set(PostFields.ID, pointer);
    }

    public void setThreadId(String pointer) {
        set(PostFields.THREAD_ID, pointer);
    }

    public void setAuthorId(String pointer) {
        set(PostFields.AUTHOR_ID, pointer);
    }

    public void setTitle(String pointer) {
        set(PostFields.TITLE, pointer);
    }

    public void setBody(String pointer) {
        set(PostFields.BODY, pointer);
    }

    public void setUrl(String pointer) {
        set(PostFields.URL, pointer);
    }

    public void setCreatedAt(String pointer) {
        set(PostFields.CREATED_AT, pointer);
    }
}
