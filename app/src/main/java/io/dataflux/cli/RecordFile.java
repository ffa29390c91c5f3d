package io.dataflux.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The records of a file to load: JSON lines (one object a line) or one JSON array of objects. Each record keeps its
 * line number; a record that is not a JSON object, not UTF-8, or larger than the pipeline accepts is returned with the
 * reason instead of its bytes, so that the loader can report it and go on.
 */
final class RecordFile implements Closeable {

    /** One record of the file: its bytes, or why it cannot be loaded. */
    record Line(long number, byte[] payload, String rejection) {
        boolean good() {
            return rejection == null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final InputStream in;
    private final int maxBytes;
    private final JsonParser array;
    private long lineNumber;
    private boolean finished;

    private RecordFile(InputStream in, int maxBytes, JsonParser array) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.array = array;
    }

    /** Opens the file, telling a JSON array (first non-blank character '[') from JSON lines. */
    static RecordFile open(Path file, int maxBytes) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(1 << 16);
        int first;
        do {
            first = in.read();
        } while (first == ' ' || first == '\t' || first == '\r' || first == '\n' || first == 0xEF || first == 0xBB
                || first == 0xBF);
        in.reset();
        if (first != '[') {
            return new RecordFile(in, maxBytes, null);
        }
        JsonParser parser = JSON.getFactory().createParser(in);
        parser.nextToken(); // the array's '['
        return new RecordFile(in, maxBytes, parser);
    }

    /** The next record, or null at the end of the file. */
    Line next() throws IOException {
        return array != null ? nextElement() : nextLine();
    }

    private Line nextLine() throws IOException {
        while (!finished) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                bytes.write(b);
            }
            finished = b == -1;
            lineNumber++;
            byte[] line = bytes.toByteArray();
            int length = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
            if (isBlank(line, length)) {
                continue;
            }
            byte[] payload = length == line.length ? line : java.util.Arrays.copyOf(line, length);
            return new Line(lineNumber, payload, rejection(payload));
        }
        return null;
    }

    private Line nextElement() throws IOException {
        if (finished) {
            return null;
        }
        long line = 0;
        try {
            JsonToken token = array.nextToken();
            line = array.currentTokenLocation().getLineNr();
            if (token == JsonToken.END_ARRAY || token == null) {
                finished = true;
                return null;
            }
            JsonNode element = JSON.readTree(array);
            byte[] payload = JSON.writeValueAsBytes(element);
            if (!element.isObject()) {
                return new Line(line, payload, "not a JSON object but " + element.getNodeType().name().toLowerCase());
            }
            return new Line(line, payload, payload.length > maxBytes ? tooLarge(payload.length) : null);
        } catch (JsonParseException e) {
            // a broken array cannot be read past the break: report it, and stop there
            finished = true;
            return new Line(e.getLocation() != null ? e.getLocation().getLineNr() : line, new byte[0],
                    "the JSON array is broken here, nothing after it was read: " + e.getOriginalMessage());
        }
    }

    private String rejection(byte[] payload) {
        if (payload.length > maxBytes) {
            return tooLarge(payload.length);
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload));
        } catch (CharacterCodingException e) {
            return "not valid UTF-8";
        }
        try {
            JsonNode node = JSON.readTree(payload);
            return node != null && node.isObject() ? null
                    : "not a JSON object but " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase());
        } catch (IOException e) {
            String message = e instanceof JsonParseException parse ? parse.getOriginalMessage() : e.getMessage();
            return "not valid JSON: " + message.lines().findFirst().orElse("");
        }
    }

    private String tooLarge(int length) {
        return "larger than dataflux.record.max-bytes (" + length + " > " + maxBytes + " bytes)";
    }

    private static boolean isBlank(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            if (!Character.isWhitespace(line[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        if (array != null) {
            array.close();
        }
        in.close();
    }
}
