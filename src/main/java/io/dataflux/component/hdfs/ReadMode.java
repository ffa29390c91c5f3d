package io.dataflux.component.hdfs;

/** What the consumer emits for each file it reads. */
public enum ReadMode {
    /** One exchange per file, its whole (decompressed) content as bytes. */
    FILE,
    /** One exchange per {@code chunkSize} bytes. */
    CHUNK,
    /** One exchange per line (UTF-8 text). */
    LINE
}
