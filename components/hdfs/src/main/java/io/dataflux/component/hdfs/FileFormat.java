package io.dataflux.component.hdfs;

/**
 * The kind of file written. JSONL files roll (by size, count, age, idle) and each exchange is synced into the open
 * file; an Avro or Parquet file is complete only once its footer is written, so each exchange gets a file of its own,
 * written, closed and committed before the exchange completes (one file per exchange and partition).
 */
public enum FileFormat {
    /** Records as lines (or raw bytes, see format), appended to rolling files. */
    JSONL(".jsonl"),
    /** An Avro object container file per exchange; the body is Avro records (IndexedRecord) of one schema. */
    AVRO(".avro"),
    /** A Parquet file per exchange, written through parquet-avro; the body is Avro records of one schema. */
    PARQUET(".parquet");

    private final String extension;

    FileFormat(String extension) {
        this.extension = extension;
    }

    /** The default extension of the files written. */
    public String extension() {
        return extension;
    }

    /** True for the formats written as one whole file per exchange. */
    public boolean isWholeFile() {
        return this != JSONL;
    }
}
