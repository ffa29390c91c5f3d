package io.dataflux.component.hdfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/** What one exchange writes to one partition: encoded records, or a stream copied as it comes. */
abstract class Payload {

    abstract long records();

    abstract void writeTo(OutputStream out) throws IOException;

    static Payload ofBytes(byte[] bytes, int length, long records) {
        return new Payload() {
            @Override
            long records() {
                return records;
            }

            @Override
            void writeTo(OutputStream out) throws IOException {
                out.write(bytes, 0, length);
            }
        };
    }

    /** A stream body: one record; with a delimiter, one is added unless the stream already ends with it. */
    static Payload ofStream(InputStream in, byte[] delimiter) {
        return new Payload() {
            @Override
            long records() {
                return 1;
            }

            @Override
            void writeTo(OutputStream out) throws IOException {
                byte[] buffer = new byte[64 * 1024];
                byte[] tail = new byte[delimiter.length];
                int tailLength = 0;
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    tailLength = keepTail(tail, tailLength, buffer, n);
                }
                if (delimiter.length > 0 && !(tailLength == delimiter.length && Arrays.equals(tail, delimiter))) {
                    out.write(delimiter);
                }
            }
        };
    }

    private static int keepTail(byte[] tail, int tailLength, byte[] chunk, int n) {
        if (tail.length == 0) {
            return 0;
        }
        if (n >= tail.length) {
            System.arraycopy(chunk, n - tail.length, tail, 0, tail.length);
            return tail.length;
        }
        int keep = Math.min(tailLength, tail.length - n);
        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
        System.arraycopy(chunk, 0, tail, keep, n);
        return keep + n;
    }
}
