package io.dataflux.component.hdfs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import org.apache.avro.generic.IndexedRecord;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CodecPool;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionOutputStream;
import org.apache.hadoop.io.compress.Compressor;

/**
 * A file being written. With a codec, each write is one complete compressed stream (concatenated streams are valid
 * gzip, bzip2 and zlib), so that what an exchange synced can be read back before the file is rolled.
 */
final class OpenFile {

    private final FSDataOutputStream out;
    private final Path writtenPath;
    private final Path finalPath;
    private final CompressionCodec codec;
    private final long openedAt;
    private long size;
    private long records;
    private long lastWriteAt;
    private boolean closeAttempted;
    private boolean recorded;
    private volatile boolean leaseLost;

    OpenFile(FSDataOutputStream out, Path writtenPath, Path finalPath, CompressionCodec codec, long initialSize, long now) {
        this.out = out;
        this.writtenPath = writtenPath;
        this.finalPath = finalPath;
        this.codec = codec;
        this.size = initialSize;
        this.openedAt = now;
        this.lastWriteAt = now;
    }

    /** Writes and syncs the payload; returns the bytes it added to the file. */
    long write(Payload payload, SyncMode syncMode, long now) throws IOException {
        long before = out.getPos();
        // the compression stream closes what it wraps: keep the file open
        OutputStream shield = new KeepOpenOutputStream(out);
        if (codec == null) {
            payload.writeTo(shield);
        } else {
            Compressor compressor = CodecPool.getCompressor(codec);
            try (CompressionOutputStream compressed = codec.createOutputStream(shield, compressor)) {
                payload.writeTo(compressed);
                compressed.finish();
            } finally {
                CodecPool.returnCompressor(compressor);
            }
        }
        sync(syncMode);
        long added = out.getPos() - before;
        size += added;
        records += payload.records();
        lastWriteAt = now;
        return added;
    }

    /** Writes the records as a whole Avro or Parquet file, footer included, and syncs it; returns the file's size. */
    long writeWhole(RecordFiles files, List<IndexedRecord> whole, SyncMode syncMode, long now) throws IOException {
        files.write(whole, out, writtenPath.getName());
        sync(syncMode);
        size = out.getPos();
        records = whole.size();
        lastWriteAt = now;
        return size;
    }

    private void sync(SyncMode syncMode) throws IOException {
        switch (syncMode) {
            case HSYNC -> out.hsync();
            case HFLUSH -> out.hflush();
            case NONE -> out.flush();
        }
    }

    /** Closes the stream once: a close that failed is not tried again (the lease is recovered instead). */
    void close() throws IOException {
        if (closeAttempted) {
            return;
        }
        closeAttempted = true;
        out.close();
    }

    boolean isCloseAttempted() {
        return closeAttempted;
    }

    /** The synced length was recorded (so recovery keeps what was synced). */
    void recorded() {
        recorded = true;
    }

    boolean isRecorded() {
        return recorded;
    }

    /** Another instance recovered the file while it was open: it commits it, this writer must not. */
    void leaseLost() {
        leaseLost = true;
    }

    boolean isLeaseLost() {
        return leaseLost;
    }

    /** Where the bytes are while the file is open (the in-progress name, or the final name when appending in place). */
    Path writtenPath() {
        return writtenPath;
    }

    Path finalPath() {
        return finalPath;
    }

    boolean isInPlace() {
        return writtenPath.equals(finalPath);
    }

    long size() {
        return size;
    }

    long records() {
        return records;
    }

    long openedAt() {
        return openedAt;
    }

    long lastWriteAt() {
        return lastWriteAt;
    }
}
