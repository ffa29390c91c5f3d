package io.dataflux.component.hdfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.WrappedFile;

/**
 * Turns a message body into records and records into bytes: a String or byte[] is written as it is (a byte[] is an
 * already encoded record, e.g. a JSON line the pipeline serialized once for every sink), a Map, JSON node or other
 * object as one line of JSON; in the LINES format the delimiter follows each record (unless the record
 * already ends with it).
 */
final class RecordEncoder {

    private final ObjectMapper mapper;
    private final byte[] delimiter;

    RecordEncoder(ObjectMapper mapper, WriteFormat format, String delimiter) {
        this.mapper = mapper;
        this.delimiter = format == WriteFormat.LINES ? delimiter.getBytes(StandardCharsets.UTF_8) : new byte[0];
    }

    /** The body's records (a collection or array gives one each), or null when the body is a stream to copy. */
    List<Object> records(Exchange exchange) throws InvalidPayloadException {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            throw new InvalidPayloadException(exchange, Object.class, exchange.getMessage(),
                    new IllegalArgumentException("hdfs: the message body is null: nothing to write"));
        }
        if (isStream(body)) {
            return null;
        }
        List<Object> records = body instanceof Collection<?> collection ? new ArrayList<>(collection)
                : body instanceof Object[] array ? Arrays.asList(array) : List.of(body);
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == null) {
                throw new InvalidPayloadException(exchange, Object.class, exchange.getMessage(),
                        new IllegalArgumentException("hdfs: record " + i + " of the body is null"));
            }
        }
        return records;
    }

    InputStream stream(Exchange exchange) throws InvalidPayloadException {
        return exchange.getMessage().getMandatoryBody(InputStream.class);
    }

    Payload streamPayload(InputStream in) {
        return Payload.ofStream(in, delimiter);
    }

    /** Encodes the records into one buffer, so a record that cannot be encoded never leaves half a batch in a file. */
    Payload encode(List<Object> records) throws IOException {
        Buffer buffer = new Buffer();
        for (Object record : records) {
            byte[] bytes = bytesOf(record);
            buffer.write(bytes);
            if (delimiter.length > 0 && !endsWith(bytes, delimiter)) {
                buffer.write(delimiter);
            }
        }
        return buffer.payload(records.size());
    }

    private byte[] bytesOf(Object record) throws IOException {
        if (record instanceof byte[] bytes) {
            return bytes;
        }
        if (record instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (record instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        if (record instanceof InputStream in) {
            return in.readAllBytes();
        }
        return mapper.writeValueAsBytes(record);
    }

    private static boolean isStream(Object body) {
        return body instanceof InputStream || body instanceof WrappedFile<?>;
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        if (bytes.length < suffix.length) {
            return false;
        }
        return Arrays.equals(bytes, bytes.length - suffix.length, bytes.length, suffix, 0, suffix.length);
    }

    /** A ByteArrayOutputStream whose array is handed over without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(8192);
        }

        Payload payload(long records) {
            return Payload.ofBytes(buf, count, records);
        }
    }
}
