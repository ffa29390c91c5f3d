package io.dataflux.enrich;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * An enriched post serialized to JSON once, for every sink: Kafka publishes {@link #bytes()}, the archive writes them
 * as one JSON line, and MySQL's JSON columns take the text of single fields ({@link #field}) or of the fields that
 * have no column ({@link #without}) cut from the same JSON instead of serializing them again.
 * <p>
 * The bytes are exactly the UTF-8 of Jackson's {@code writeValueAsString} of the post (a default {@link ObjectMapper}:
 * compact, the map's own order), as Kafka's StringSerializer made them: what the topic's consumers see does not
 * change. They are written as UTF-8 directly (characters outside the BMP as 4 bytes, not as JSON escapes); a post with
 * an unpaired surrogate (only an input field no enricher cleans can hold one) goes through the text instead, whose
 * UTF-8 encoder writes such a character as '?'. A field's text is what {@code writeValueAsString} of its value gives.
 */
public final class PostJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** UTF-8 directly, with a character outside the BMP as its 4 bytes, as String.getBytes writes it. */
    private static final ObjectMapper UTF8_JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    private final byte[] bytes;
    /** The JSON as text when it was made that way (the spans count characters then), else null (they count bytes). */
    private final String text;
    /** The top-level fields in the order written, and where each one's entry ("name":value) and value start and end. */
    private final String[] names;
    private final int[] entryStart;
    private final int[] valueStart;
    private final int[] valueEnd;

    private PostJson(byte[] bytes, String text, FieldSpans spans) {
        this.bytes = bytes;
        this.text = text;
        int n = spans.names.size();
        int length = text != null ? text.length() : bytes.length;
        this.names = spans.names.toArray(new String[0]);
        this.entryStart = new int[n];
        this.valueStart = new int[n];
        this.valueEnd = new int[n];
        for (int i = 0; i < n; i++) {
            int[] span = spans.spans.get(i);
            entryStart[i] = span[0];
            valueStart[i] = span[1];
            // a value ends where the next entry's comma starts, the last one before the closing brace
            valueEnd[i] = i + 1 < n ? spans.spans.get(i + 1)[2] : length - 1;
        }
    }

    /** Serializes a post (a map with string keys, as the enrichers make it). */
    public static PostJson of(Map<String, Object> post) {
        try {
            ByteSink out = new ByteSink(Math.max(256, post.size() * 96));
            FieldSpans spans = new FieldSpans(UTF8_JSON.createGenerator(out), out::size);
            UTF8_JSON.writeValue(spans, post);
            spans.close();
            byte[] bytes = out.toByteArray();
            if (!mayHoldUnpairedSurrogate(bytes)) {
                return new PostJson(bytes, null, spans);
            }
            TextWriter writer = new TextWriter(bytes.length);
            FieldSpans textSpans = new FieldSpans(JSON.createGenerator(writer), writer::length);
            JSON.writeValue(textSpans, post);
            textSpans.close();
            String text = writer.toString();
            return new PostJson(text.getBytes(StandardCharsets.UTF_8), text, textSpans);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the post as JSON", e);
        }
    }

    /**
     * True when the UTF-8 generator may have written an unpaired surrogate: as 3 bytes (ED A0..BF xx, never valid UTF-8)
     * or as a JSON escape; any backslash, 'u', 'D' counts (after an escaped backslash too): a false alarm only costs the slower
     * path.
     */
    private static boolean mayHoldUnpairedSurrogate(byte[] bytes) {
        for (int i = 0; i + 2 < bytes.length; i++) {
            byte b = bytes[i];
            if (b == (byte) 0xED && (bytes[i + 1] & 0xFF) >= 0xA0) {
                return true;
            }
            if (b == '\\' && bytes[i + 1] == 'u' && (bytes[i + 2] == 'D' || bytes[i + 2] == 'd')) {
                return true;
            }
        }
        return false;
    }

    /** The post as UTF-8 JSON (the Kafka record's value, an archive line without its newline). Not to be modified. */
    public byte[] bytes() {
        return bytes;
    }

    /** The JSON of one top-level field's value ({@code null} for a JSON null), or null when the post lacks it. */
    public String field(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return slice(valueStart[i], valueEnd[i]);
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
                object = new StringBuilder(256).append('{');
            } else {
                object.append(',');
            }
            object.append(slice(entryStart[i], valueEnd[i]));
        }
        return object == null ? null : object.append('}').toString();
    }

    private String slice(int start, int end) {
        return text != null ? text.substring(start, end) : new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    /**
     * Notes where each top-level field name starts and ends while Jackson writes the post: the position in the output
     * is what its target has plus what the generator still buffers.
     */
    private static final class FieldSpans extends JsonGeneratorDelegate {

        private final IntSupplier written;
        final List<String> names = new ArrayList<>();
        /** Per field: entry start (after any comma), value start (after the colon), position before the comma. */
        final List<int[]> spans = new ArrayList<>();

        FieldSpans(JsonGenerator generator, IntSupplier written) {
            super(generator, false);
            this.written = written;
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
            return written.getAsInt() + Math.max(0, delegate.getOutputBuffered());
        }
    }

    /** The UTF-8 output, whose size is the bytes written so far. */
    private static final class ByteSink extends ByteArrayOutputStream {

        ByteSink(int capacity) {
            super(capacity);
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
