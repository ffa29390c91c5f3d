package io.dataflux.component.hdfs;

/** Why an open file was closed and committed under its final name. */
public enum RollReason {
    /** The file reached {@code rollSize} bytes. */
    SIZE,
    /** The file reached {@code rollCount} records. */
    COUNT,
    /** The file was open longer than {@code rollAge}. */
    AGE,
    /** Nothing was written to the file for {@code rollIdle}. */
    IDLE,
    /** The producer stopped. */
    SHUTDOWN,
    /** A write failed; what was durable before the failure is committed. */
    ERROR,
    /** An Avro or Parquet file, one per exchange, was written whole (footer included) and committed. */
    WHOLE_FILE,
    /** An in-progress file whose writer was gone (or whose commit had failed) was committed by recovery. */
    RECOVERED
}
