package io.dataflux.component.hdfs;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A file's stream handed to a format's writer (Avro, Parquet) that closes what it is given: closing this only flushes,
 * so the stream's owner can hsync and close the file itself, after the writer is done.
 */
public final class KeepOpenOutputStream extends FilterOutputStream {

    public KeepOpenOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
