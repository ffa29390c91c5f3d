package io.dataflux.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An enriched post serialized to JSON once, for every sink: Kafka publishes {@link #bytes()}, the archive writes them
 * as one JSON line, and MySQL's JSON columns take the text of single fields ({@link #field}) or of the fields that
 * have no column ({@link #without}) cut from the same text instead of serializing them again.
 * <p>
 * The text is exactly Jackson's {@code writeValueAsString} of the post (a default {@link ObjectMapper}: compact, the
 * map's own order), and the bytes its UTF-8, as Kafka's StringSerializer made them: what the topic's consumers see
 * does not change. A field's text is what {@code writeValueAsString} of its value gives.
 */
public final class PostJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String text;
    private final byte[] bytes;
    /** The top-level fields in the order written, and where each one's entry ("name":value) and value start and end. */
    private final String[] names;
    private final int[] entryStart;
    private final int[] valueStart;
    private final int[] valueEnd;

    private PostJson(String text, List<String> names, List<int[]> spans) {
        this.text = text;
        this.bytes = text.getBytes(StandardCharsets.UTF_8);
        int n = names.size();
        this.names = names.toArray(new String[0]);
        this.entryStart = new int[n];
        this.valueStart = new int[n];
        this.valueEnd = new int[n];
        for (int i = 0; i < n; i++) {
            int[] span = spans.get(i);
            entryStart[i] = span[0];
            valueStart[i] = span[1];
            // a value ends where the next entry's comma starts, the last one before the closing brace
            valueEnd[i] = i + 1 < n ? spans.get(i + 1)[2] : text.length() - 1;
        }
    }

    /** Serializes a post (a map with string keys, as the enrichers make it). */
    public static PostJson of(Map<String, Object> post) {
        TextWriter out = new TextWriter(Math.max(256, post.size() * 64));
        try (FieldSpans generator = new FieldSpans(JSON.createGenerator(out), out)) {
            JSON.writeValue(generator, post);
            generator.flush();
            return new PostJson(out.toString(), generator.names, generator.spans);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the post as JSON", e);
        }
    }

    /** The post as UTF-8 JSON (the Kafka record's value, an archive line without its newline). Not to be modified. */
    public byte[] bytes() {
        return bytes;
    }

    public String text() {
        return text;
    }

    /** The JSON text of one top-level field's value ({@code null} for a JSON null), or null when the post lacks it. */
    public String field(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return text.substring(valueStart[i], valueEnd[i]);
            }
        }
        return null;
    }

    /** The JSON object of the post's other fields, in their order, or null when it has no other field. */
    public String without(Set<String> excluded) {
        StringBuilder object = null;
        for (int i = 0; i < names.length; i++) {
            if (excluded.contains(names[i])) {
                continue;
            }
            if (object == null) {
                object = new StringBuilder(text.length()).append('{');
            } else {
                object.append(',');
            }
            object.append(text, entryStart[i], valueEnd[i]);
        }
        return object == null ? null : object.append('}').toString();
    }

    /**
     * Notes where each top-level field name starts and ends while Jackson writes the post: the position in the text is
     * what the writer has plus what the generator still buffers.
     */
    private static final class FieldSpans extends JsonGeneratorDelegate {

        private final TextWriter out;
        final List<String> names = new ArrayList<>();
        /** Per field: entry start (after any comma), value start (after the colon), position before the comma. */
        final List<int[]> spans = new ArrayList<>();

        FieldSpans(JsonGenerator generator, TextWriter out) {
            super(generator, false);
            this.out = out;
        }

        @Override
        public void writeFieldName(String name) throws IOException {
            boolean topLevel = getOutputContext().getParent() != null && getOutputContext().getParent().inRoot();
            if (!topLevel) {
                super.writeFieldName(name);
                return;
            }
            int beforeComma = position();
            super.writeFieldName(name);
            int afterName = position();
            int entry = names.isEmpty() ? beforeComma : beforeComma + 1;
            // compact output: the colon follows the name, the value follows the colon
            names.add(name);
            spans.add(new int[] {entry, afterName + 1, beforeComma});
        }

        @Override
        public void writeFieldName(SerializableString name) throws IOException {
            writeFieldName(name.getValue());
        }

        private int position() {
            return out.length() + Math.max(0, delegate.getOutputBuffered());
        }
    }

    /** A Writer into a StringBuilder (StringWriter synchronizes every write), whose length is the text written so far. */
    private static final class TextWriter extends Writer {

        private final StringBuilder text;

        TextWriter(int capacity) {
            text = new StringBuilder(capacity);
        }

        int length() {
            return text.length();
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
        }

        @Override
        public void write(String string, int offset, int length) {
            text.append(string, offset, offset + length);
        }

        @Override
        public void write(int c) {
            text.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
